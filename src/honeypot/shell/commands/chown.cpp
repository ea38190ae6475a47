// chown and chattr: checked like the real tools (the user and group must exist, the files
// too, only root may) and then accepted; the overlay keeps owners as created, so the change
// is not shown by a later ls -l.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> chown(Invocation& inv) {
    const auto args = parse_args(inv.argv, "", "Rfvchh");
    auto& state = inv.state;
    if (args.operands.size() < 2) {
        inv.write_err(args.operands.empty()
                          ? "chown: missing operand\nTry 'chown --help' for more information.\n"
                          : "chown: missing operand after '" + args.operands[0] +
                                "'\nTry 'chown --help' for more information.\n");
        co_return 1;
    }
    const auto& spec = args.operands[0];
    const auto colon = spec.find_first_of(":.");
    const std::string user = spec.substr(0, colon);
    if (!user.empty() && !state.world.accounts.find(user) &&
        user.find_first_not_of("0123456789") != std::string::npos) {
        inv.write_err("chown: invalid user: '" + spec + "'\n");
        co_return 1;
    }
    int status = 0;
    for (std::size_t i = 1; i < args.operands.size(); ++i) {
        const auto& path = args.operands[i];
        const auto st = state.fs.stat(path, state.scope());
        if (!st) {
            inv.write_err("chown: cannot access '" + path +
                          "': " + std::string(fs_error_text(st.error)) + "\n");
            status = 1;
        } else if (state.uid != 0) {
            inv.write_err("chown: changing ownership of '" + path + "': Operation not permitted\n");
            status = 1;
        }
    }
    co_return status;
}

boost::asio::awaitable<int> chattr(Invocation& inv) {
    auto& state = inv.state;
    std::vector<std::string> files;
    bool mode_seen = false;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (!mode_seen && (a.starts_with('+') || a.starts_with('-') || a.starts_with('='))) {
            if (a == "-R" || a == "-V" || a == "-f") continue;
            mode_seen = true;
            continue;
        }
        files.push_back(a);
    }
    if (!mode_seen || files.empty()) {
        inv.write_err("Usage: chattr [-pRVf] [-+=aAcCdDeijPsStTuFx] [-v version] files...\n");
        co_return 1;
    }
    int status = 0;
    for (const auto& path : files) {
        const auto st = state.fs.stat(path, state.scope());
        if (!st) {
            inv.write_err("chattr: No such file or directory while trying to stat " + path + "\n");
            status = 1;
        } else if (state.uid != 0) {
            inv.write_err("chattr: Operation not permitted while setting flags on " + path + "\n");
            status = 1;
        }
    }
    co_return status;
}

}  // namespace decnet::honeypot::shell::cmd
