// who: the attacker's own login line (utmp has no one else); `whoami`-like `who am i`.
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"

namespace decnet::honeypot::shell {

boost::asio::awaitable<int> run_who(Invocation& inv) {
    const auto login = login_view(inv);
    const auto since = login.login_time ? login.login_time : now_seconds();
    if (has_flag(inv.argv, 'b')) {
        const auto up = load_view(inv.state.world, now_seconds()).uptime;
        inv.write_out("         system boot  " +
                      date_time(now_seconds() - static_cast<std::int64_t>(up)).substr(0, 16) +
                      "\n");
        co_return 0;
    }
    if (has_flag(inv.argv, 'q')) {
        inv.write_out(login.user + "\n# users=1\n");
        co_return 0;
    }
    std::string line = format("%-8s %-12s %s", login.user.c_str(), login.tty.c_str(),
                              date_time(since).substr(0, 16).c_str());
    if (!login.from.empty()) line += " (" + login.from + ")";
    inv.write_out(line + "\n");
    co_return 0;
}

}  // namespace decnet::honeypot::shell
