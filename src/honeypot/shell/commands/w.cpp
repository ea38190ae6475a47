// w: the uptime line and the logged-in users (the attacker's own session).
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"

namespace decnet::honeypot::shell {

std::string uptime_line(const Invocation& inv, std::int64_t now);

boost::asio::awaitable<int> run_w(Invocation& inv) {
    const auto now = now_seconds();
    const auto login = login_view(inv);
    const bool no_header = has_flag(inv.argv, 'h');
    const bool short_format = has_flag(inv.argv, 's');
    if (!no_header) {
        inv.write_out(uptime_line(inv, now));
        inv.write_out(short_format ? "USER     TTY      FROM              IDLE WHAT\n"
                                   : "USER     TTY      FROM             LOGIN@   IDLE   JCPU   "
                                     "PCPU WHAT\n");
    }
    const auto since = login.login_time ? login.login_time : now;
    if (short_format)
        inv.write_out(format("%-8.8s %-8.8s %-16.16s  0.00s %s\n", login.user.c_str(),
                             login.tty.c_str(), login.from.c_str(), login.command.c_str()));
    else
        inv.write_out(format("%-8.8s %-8.8s %-16.16s %-5s    0.00s  0.02s  0.00s %s\n",
                             login.user.c_str(), login.tty.c_str(), login.from.c_str(),
                             hour_minute(since).c_str(), login.command.c_str()));
    co_return 0;
}

}  // namespace decnet::honeypot::shell
