// ps: procps-ng's default, BSD (aux) and UNIX (-ef) formats over the decky's process list.
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/shell/terminal.hpp"

namespace decnet::honeypot::shell {
namespace {

enum class Style { own, bsd, unix_full };

// "Nov20" before today, "23:56" today (ps's START/STIME).
std::string start_column(std::int64_t start, std::int64_t now) {
    return now - start < 86400 && start / 86400 == now / 86400 ? hour_minute(start)
                                                               : month_day(start);
}

std::string cpu_time(std::uint64_t seconds, bool long_form) {
    if (long_form)
        return format("%02llu:%02llu:%02llu", static_cast<unsigned long long>(seconds / 3600),
                      static_cast<unsigned long long>(seconds / 60 % 60),
                      static_cast<unsigned long long>(seconds % 60));
    return format("%llu:%02llu", static_cast<unsigned long long>(seconds / 60),
                  static_cast<unsigned long long>(seconds % 60));
}

Style style_of(const std::vector<std::string>& argv, bool& all) {
    all = false;
    Style style = Style::own;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const auto& a = argv[i];
        if (!a.starts_with("-")) {  // BSD options: aux, ax, au
            if (a.find('u') != std::string::npos) style = Style::bsd;
            if (a.find('a') != std::string::npos || a.find('x') != std::string::npos) all = true;
        } else {
            if (a.find('e') != std::string::npos || a.find('A') != std::string::npos) all = true;
            if (a.find('f') != std::string::npos) style = Style::unix_full;
        }
    }
    return style;
}

}  // namespace

boost::asio::awaitable<int> run_ps(Invocation& inv) {
    const auto now = now_seconds();
    const auto login = login_view(inv);
    bool all = false;
    const Style style = style_of(inv.argv, all);
    // On a terminal ps cuts lines at its width; into a pipe it does not.
    const std::size_t width =
        inv.terminal ? static_cast<std::size_t>(std::max(inv.terminal->cols, 20)) : 4096;
    auto emit = [&](std::string line) {
        if (line.size() > width) line.resize(width);
        return inv.write_out(line + "\n");
    };
    const auto processes = process_list(inv.state.world, login, now);
    if (style == Style::bsd)
        emit("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND");
    else if (style == Style::unix_full)
        emit("UID          PID    PPID  C STIME TTY          TIME CMD");
    else
        emit("    PID TTY          TIME CMD");
    for (const auto& p : processes) {
        if (!all && p.tty != login.tty) continue;
        std::string line;
        if (style == Style::bsd)
            line = format("%-8s %7d %4.1f %4.1f %6llu %5llu %-8s %-4s %5s %6s %s",
                          user_column(p.user, 8).c_str(), p.pid, p.cpu, p.mem,
                          static_cast<unsigned long long>(p.vsz_kb),
                          static_cast<unsigned long long>(p.rss_kb), p.tty.c_str(), p.stat.c_str(),
                          start_column(p.start, now).c_str(),
                          cpu_time(p.cpu_seconds, false).c_str(), p.command.c_str());
        else if (style == Style::unix_full)
            line = format("%-8s %7d %7d  0 %5s %-8s %8s %s", user_column(p.user, 8).c_str(), p.pid,
                          p.ppid, start_column(p.start, now).c_str(), p.tty.c_str(),
                          cpu_time(p.cpu_seconds, true).c_str(), p.command.c_str());
        else
            line = format("%7d %-8s %8s %s", p.pid, p.tty.c_str(),
                          cpu_time(p.cpu_seconds, true).c_str(), p.name.substr(0, 15).c_str());
        if (!emit(line)) break;
    }
    co_return 0;
}

}  // namespace decnet::honeypot::shell
