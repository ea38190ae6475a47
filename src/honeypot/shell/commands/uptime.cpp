// uptime: procps-ng's line (and -p, -s) from /proc/uptime and /proc/loadavg's numbers.
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"

namespace decnet::honeypot::shell {

// " 10:11:12 up 3 days,  2:03,  1 user,  load average: 0.08, 0.03, 0.01" (also w's and
// top's first line).
std::string uptime_line(const Invocation& inv, std::int64_t now) {
    const auto load = load_view(inv.state.world, now);
    const int users = logged_in_users(inv.state.world, login_view(inv));
    return format(" %s %s,  %d user%s,  load average: %.2f, %.2f, %.2f\n", clock_time(now).c_str(),
                  format_uptime(load.uptime).c_str(), users, users == 1 ? "" : "s", load.load[0],
                  load.load[1], load.load[2]);
}

boost::asio::awaitable<int> run_uptime(Invocation& inv) {
    const auto now = now_seconds();
    const auto load = load_view(inv.state.world, now);
    if (has_flag(inv.argv, 'p') || (inv.argv.size() > 1 && inv.argv[1] == "--pretty")) {
        const auto total = static_cast<long>(load.uptime);
        const long weeks = total / 604800, days = total % 604800 / 86400;
        const long hours = total % 86400 / 3600, minutes = total % 3600 / 60;
        std::string text = "up";
        auto part = [&](long n, const char* unit) {
            if (n == 0) return;
            text += format("%s %ld %s%s", text == "up" ? "" : ",", n, unit, n == 1 ? "" : "s");
        };
        part(weeks, "week");
        part(days, "day");
        part(hours, "hour");
        part(minutes, "minute");
        inv.write_out(text + "\n");
        co_return 0;
    }
    if (has_flag(inv.argv, 's') || (inv.argv.size() > 1 && inv.argv[1] == "--since")) {
        inv.write_out(date_time(now - static_cast<std::int64_t>(load.uptime)) + "\n");
        co_return 0;
    }
    inv.write_out(uptime_line(inv, now));
    co_return 0;
}

}  // namespace decnet::honeypot::shell
