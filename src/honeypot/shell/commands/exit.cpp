// exit and logout: end the login (the prompt loop prints bash's "logout").
#include <cstdlib>

#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> exit(Invocation& inv) {
    auto& state = inv.state;
    int status = state.last_status;
    if (inv.argv.size() > 1) {
        char* end = nullptr;
        const long v = std::strtol(inv.argv[1].c_str(), &end, 10);
        if (end == inv.argv[1].c_str() || *end) {
            inv.write_err(state.error_prefix + ": exit: " + inv.argv[1] +
                          ": numeric argument required\n");
            status = 2;
        } else {
            status = static_cast<int>(v & 0xff);
        }
    }
    state.exit_requested = true;
    state.exit_status = status;
    co_return status;
}

boost::asio::awaitable<int> logout(Invocation& inv) {
    if (!inv.state.pty) {
        inv.write_err(inv.state.error_prefix + ": logout: not login shell: use `exit'\n");
        co_return 1;
    }
    co_return co_await exit(inv);
}

boost::asio::awaitable<int> true_command(Invocation&) {
    co_return 0;
}
boost::asio::awaitable<int> false_command(Invocation&) {
    co_return 1;
}

// clear: the terminal's clear-screen sequence (what `clear` with TERM=xterm writes).
boost::asio::awaitable<int> clear(Invocation& inv) {
    inv.write_out("\x1b[H\x1b[2J\x1b[3J");
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
