// cd: bash's builtin — a logical path (symlinks kept, as `pwd` then shows), `cd -`, `cd`
// alone goes home; PWD and OLDPWD follow.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> cd(Invocation& inv) {
    auto& state = inv.state;
    const auto prefix = state.error_prefix + ": cd: ";
    std::vector<std::string> operands(inv.argv.begin() + 1, inv.argv.end());
    if (!operands.empty() && operands[0] == "--") operands.erase(operands.begin());
    if (operands.size() > 1) {
        inv.write_err(prefix + "too many arguments\n");
        co_return 1;
    }
    std::string target = operands.empty() ? state.env["HOME"] : operands[0];
    if (target == "-") {
        const auto old = state.env.find("OLDPWD");
        if (old == state.env.end()) {
            inv.write_err(prefix + "OLDPWD not set\n");
            co_return 1;
        }
        target = old->second;
        inv.write_out(target + "\n");
    }
    if (target.empty()) co_return 0;
    const auto stat = state.fs.stat(target, state.scope());
    if (!stat) {
        if (busybox_shell(state))
            inv.write_err(prefix + "can't cd to " + target + ": " +
                          std::string(fs_error_text(stat.error)) + "\n");
        else
            inv.write_err(prefix + target + ": " + std::string(fs_error_text(stat.error)) + "\n");
        co_return 1;
    }
    if (stat.value.type != FsType::directory) {
        inv.write_err(prefix + target + ": Not a directory\n");
        co_return 1;
    }
    if (!may_enter(state, stat.value)) {
        inv.write_err(prefix + target + ": Permission denied\n");
        co_return 1;
    }
    state.env["OLDPWD"] = state.cwd;
    state.cwd = absolute_path(state, target);
    state.env["PWD"] = state.cwd;
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
