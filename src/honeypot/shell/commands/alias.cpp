// alias and unalias: bash's builtins (the login read root's from ~/.bashrc).
#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> alias(Invocation& inv) {
    auto& aliases = inv.state.aliases;
    int status = 0;
    std::string out;
    if (inv.argv.size() == 1 || (inv.argv.size() == 2 && inv.argv[1] == "-p"))
        for (const auto& [k, v] : aliases) out += "alias " + k + "='" + v + "'\n";
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a == "-p") continue;
        const auto eq = a.find('=');
        if (eq != std::string::npos) {
            aliases[a.substr(0, eq)] = a.substr(eq + 1);
        } else if (const auto found = aliases.find(a); found != aliases.end()) {
            out += "alias " + a + "='" + found->second + "'\n";
        } else {
            inv.write_err(inv.state.error_prefix + ": alias: " + a + ": not found\n");
            status = 1;
        }
    }
    inv.write_out(out);
    co_return status;
}

boost::asio::awaitable<int> unalias(Invocation& inv) {
    int status = 0;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        if (inv.argv[i] == "-a") {
            inv.state.aliases.clear();
        } else if (inv.state.aliases.erase(inv.argv[i]) == 0) {
            inv.write_err(inv.state.error_prefix + ": unalias: " + inv.argv[i] + ": not found\n");
            status = 1;
        }
    }
    co_return status;
}

}  // namespace decnet::honeypot::shell::cmd
