// top: one frame of procps-ng's top (batch mode's text; an interactive top shows the same
// frame and returns, as if the user pressed q at once).
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/shell/terminal.hpp"

namespace decnet::honeypot::shell {

boost::asio::awaitable<int> run_top(Invocation& inv) {
    const auto now = now_seconds();
    auto login = login_view(inv);
    login.command = "top";
    const auto load = load_view(inv.state.world, now);
    const auto m = memory_view(inv.state.world, now);
    const auto processes = process_list(inv.state.world, login, now);
    const int sleeping = static_cast<int>(processes.size()) - 1;
    inv.write_out(format("top - %s %s,  1 user,  load average: %.2f, %.2f, %.2f\n",
                         clock_time(now).c_str(), format_uptime(load.uptime).c_str(), load.load[0],
                         load.load[1], load.load[2]));
    inv.write_out(format("Tasks: %3zu total,   1 running, %3d sleeping,   0 stopped,   0 zombie\n",
                         processes.size(), sleeping));
    inv.write_out(
        "%Cpu(s):  0.3 us,  0.2 sy,  0.0 ni, 99.5 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st\n");
    auto mib = [](std::uint64_t kb) { return static_cast<double>(kb) / 1024.0; };
    inv.write_out(format("MiB Mem : %8.1f total, %8.1f free, %8.1f used, %8.1f buff/cache     \n",
                         mib(m.total), mib(m.free), mib(m.used()), mib(m.buff_cache())));
    inv.write_out(format("MiB Swap: %8.1f total, %8.1f free, %8.1f used. %8.1f avail Mem \n\n",
                         mib(m.swap_total), mib(m.swap_free), mib(m.swap_total - m.swap_free),
                         mib(m.available)));
    inv.write_out(
        "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND\n");
    // Busiest first as top sorts, our own top on top of the list.
    std::vector<const ProcessEntry*> order;
    order.push_back(&processes.back());
    for (const auto& p : processes)
        if (&p != &processes.back()) order.push_back(&p);
    const std::size_t rows =
        inv.terminal ? static_cast<std::size_t>(std::max(inv.terminal->rows - 7, 5)) : order.size();
    for (std::size_t i = 0; i < order.size() && i < rows; ++i) {
        const auto& p = *order[i];
        const bool kernel = p.rss_kb == 0;
        const auto line = format(
            "%7d %-9s %2s %3d %7llu %6llu %6llu %c %5.1f %5.1f %3llu:%02llu.%02d %s\n", p.pid,
            user_column(p.user, 8).c_str(), kernel && p.stat.starts_with("I") ? "0" : "20",
            kernel && p.stat.starts_with("I") ? -20 : 0, static_cast<unsigned long long>(p.vsz_kb),
            static_cast<unsigned long long>(p.rss_kb),
            static_cast<unsigned long long>(p.rss_kb * 3 / 4), p.stat.front(), p.cpu, p.mem,
            static_cast<unsigned long long>(p.cpu_seconds / 60),
            static_cast<unsigned long long>(p.cpu_seconds % 60), (p.pid * 7) % 100, p.name.c_str());
        if (!inv.write_out(line)) break;
    }
    co_return 0;
}

}  // namespace decnet::honeypot::shell
