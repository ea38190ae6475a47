// pwd: the logical working directory (bash's builtin; -P resolves symlinks).
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> pwd(Invocation& inv) {
    const auto args = parse_args(inv.argv);
    std::string where = inv.state.cwd;
    if (args.has('P')) {
        const auto real = inv.state.fs.realpath(where, inv.state.scope());
        if (real) where = real.value;
    }
    inv.write_out(where + "\n");
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
