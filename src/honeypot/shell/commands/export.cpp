// export and unset: bash's builtins over the environment (`export` alone lists it as
// `declare -x`).
#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

bool valid_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    for (const char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
}

}  // namespace

boost::asio::awaitable<int> export_command(Invocation& inv) {
    auto& state = inv.state;
    int status = 0;
    bool listed = false;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a.starts_with('-')) continue;  // -p, -n
        listed = true;
        const auto eq = a.find('=');
        const std::string name = a.substr(0, eq);
        if (!valid_name(name)) {
            inv.write_err(state.error_prefix + ": export: `" + a + "': not a valid identifier\n");
            status = 1;
            continue;
        }
        if (eq != std::string::npos)
            state.env[name] = a.substr(eq + 1);
        else
            state.env.try_emplace(name, "");
    }
    if (!listed) {
        std::string out;
        for (const auto& [k, v] : state.env) out += "declare -x " + k + "=\"" + v + "\"\n";
        inv.write_out(out);
    }
    co_return status;
}

boost::asio::awaitable<int> unset(Invocation& inv) {
    for (std::size_t i = 1; i < inv.argv.size(); ++i)
        if (!inv.argv[i].starts_with('-')) inv.state.env.erase(inv.argv[i]);
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
