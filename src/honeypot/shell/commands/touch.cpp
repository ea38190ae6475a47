// touch: creates missing files (empty) in the overlay; existing ones are left as they are.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> touch(Invocation& inv) {
    const auto args = parse_args(inv.argv, "drt", "acmdrth");
    if (args.operands.empty()) {
        inv.write_err("touch: missing file operand\nTry 'touch --help' for more information.\n");
        co_return 1;
    }
    auto& state = inv.state;
    int status = 0;
    for (const auto& path : args.operands) {
        if (state.fs.stat(path, state.scope())) continue;
        if (args.has('c')) continue;
        const auto error = may_write_parent(state, path)
                               ? state.fs.write(path, "", state.scope(), true)
                               : FsError::ok;
        if (!may_write_parent(state, path)) {
            inv.write_err("touch: cannot touch '" + path + "': Permission denied\n");
            status = 1;
        } else if (error != FsError::ok) {
            inv.write_err("touch: cannot touch '" + path +
                          "': " + std::string(fs_error_text(error)) + "\n");
            status = 1;
        }
    }
    co_return status;
}

}  // namespace decnet::honeypot::shell::cmd
