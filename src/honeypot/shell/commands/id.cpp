// id and whoami: the logged-in account as the world's /etc/passwd and /etc/group say.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

struct Identity {
    std::string name;
    std::uint32_t uid = 0, gid = 0;
    std::vector<std::uint32_t> groups;  // primary first
};

// Supplementary groups: /etc/group lines naming the user.
Identity identity(const ShellState& state, const PersonaUser* user) {
    Identity id;
    id.name = user ? user->name : state.user;
    id.uid = user ? user->uid : state.uid;
    id.gid = user ? user->gid : state.gid;
    id.groups.push_back(id.gid);
    for (const auto line : split_lines(state.world.accounts.group)) {
        // name:x:gid:member,member
        const auto first = line.find(':');
        const auto second = line.find(':', first + 1);
        const auto third = line.find(':', second + 1);
        if (third == std::string_view::npos) continue;
        const auto gid = static_cast<std::uint32_t>(std::strtoul(
            std::string(line.substr(second + 1, third - second - 1)).c_str(), nullptr, 10));
        std::string_view members = line.substr(third + 1);
        std::size_t at = 0;
        while (at <= members.size()) {
            auto end = members.find(',', at);
            if (end == std::string_view::npos) end = members.size();
            if (members.substr(at, end - at) == id.name && gid != id.gid) id.groups.push_back(gid);
            at = end + 1;
        }
    }
    return id;
}

std::string named(const ShellState& state, std::uint32_t gid) {
    return std::to_string(gid) + "(" + group_name(state, gid) + ")";
}

}  // namespace

boost::asio::awaitable<int> id(Invocation& inv) {
    const auto args = parse_args(inv.argv, "", "ugGnrza");
    if (args.invalid) {
        inv.write_err(invalid_option("id", args.invalid));
        co_return 1;
    }
    const auto& state = inv.state;
    const PersonaUser* user = state.world.accounts.find(state.user);
    if (!args.operands.empty()) {
        user = state.world.accounts.find(args.operands[0]);
        if (!user) {
            inv.write_err("id: '" + args.operands[0] + "': no such user\n");
            co_return 1;
        }
    }
    const auto who = identity(state, user);
    const bool names = args.has('n');
    std::string out;
    if (args.has('u')) {
        out = names ? who.name : std::to_string(who.uid);
    } else if (args.has('g')) {
        out = names ? group_name(state, who.gid) : std::to_string(who.gid);
    } else if (args.has('G')) {
        for (const auto g : who.groups)
            out += (out.empty() ? "" : " ") + (names ? group_name(state, g) : std::to_string(g));
    } else {
        out = "uid=" + std::to_string(who.uid) + "(" + who.name + ") gid=" + named(state, who.gid) +
              " groups=";
        for (std::size_t i = 0; i < who.groups.size(); ++i)
            out += (i ? "," : "") + named(state, who.groups[i]);
    }
    inv.write_out(out + "\n");
    co_return 0;
}

boost::asio::awaitable<int> whoami(Invocation& inv) {
    inv.write_out(inv.state.user + "\n");
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
