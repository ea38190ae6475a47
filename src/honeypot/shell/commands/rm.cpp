// rm: files, -r/-R directories, -f quiet about missing ones; refuses `rm -rf /` as GNU rm
// does (--preserve-root).
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> rm(Invocation& inv) {
    const auto args = parse_args(inv.argv, "", "rRfidvI");
    if (args.invalid) {
        inv.write_err(invalid_option("rm", args.invalid));
        co_return 1;
    }
    const bool force = args.has('f'),
               recursive = args.has('r') || args.has('R') || args.has_long("recursive");
    if (args.operands.empty()) {
        if (force) co_return 0;
        inv.write_err("rm: missing operand\nTry 'rm --help' for more information.\n");
        co_return 1;
    }
    auto& state = inv.state;
    int status = 0;
    for (const auto& path : args.operands) {
        if (recursive && absolute_path(state, path) == "/" && !args.has_long("no-preserve-root")) {
            inv.write_err(
                "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to "
                "override this failsafe\n");
            status = 1;
            continue;
        }
        const auto st = state.fs.stat(path, state.scope(), false);
        if (!st) {
            if (!force) {
                inv.write_err("rm: cannot remove '" + path +
                              "': " + std::string(fs_error_text(st.error)) + "\n");
                status = 1;
            }
            continue;
        }
        if (st.value.type == FsType::directory && !recursive) {
            inv.write_err("rm: cannot remove '" + path + "': Is a directory\n");
            status = 1;
            continue;
        }
        if (!may_write_parent(state, path)) {
            inv.write_err("rm: cannot remove '" + path + "': Permission denied\n");
            status = 1;
            continue;
        }
        const auto error = state.fs.remove(path, state.scope(), recursive);
        if (error != FsError::ok) {
            inv.write_err("rm: cannot remove '" + path + "': " + std::string(fs_error_text(error)) +
                          "\n");
            status = 1;
        }
    }
    co_return status;
}

}  // namespace decnet::honeypot::shell::cmd
