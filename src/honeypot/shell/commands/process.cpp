// kill, pkill, nohup, sleep: process control with nothing really running — kill accepts the
// pids it is given, nohup runs its command (output to nohup.out when stdout is the
// terminal), sleep waits for real but at most kMaxSleep (the line's budget caps it too).
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdlib>

#include "honeypot/session.hpp"
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

constexpr auto kMaxSleep = std::chrono::seconds(5);

}  // namespace

boost::asio::awaitable<int> kill(Invocation& inv) {
    if (inv.argv.size() < 2) {
        inv.write_err(inv.state.error_prefix +
                      ": kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... "
                      "or kill -l [sigspec]\n");
        co_return 2;
    }
    if (inv.argv[1] == "-l") {
        inv.write_out(
            " 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 4) SIGILL\t 5) SIGTRAP\n 6) SIGABRT\t 7) "
            "SIGBUS\t 8) SIGFPE\t 9) SIGKILL\t10) SIGUSR1\n11) SIGSEGV\t12) SIGUSR2\t13) "
            "SIGPIPE\t14) SIGALRM\t15) SIGTERM\n");
        co_return 0;
    }
    int status = 0;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a.starts_with('-')) {
            if (a == "-s" || a == "-n") ++i;
            continue;
        }
        if (a.find_first_not_of("0123456789") != std::string::npos && !a.starts_with('%')) {
            inv.write_err(inv.state.error_prefix + ": kill: " + a +
                          ": arguments must be process or job IDs\n");
            status = 1;
        } else if (a == "1" && inv.state.uid != 0) {
            inv.write_err(inv.state.error_prefix + ": kill: (1) - Operation not permitted\n");
            status = 1;
        }
    }
    co_return status;
}

// pkill/killall: nothing of theirs matches.
boost::asio::awaitable<int> pkill(Invocation& inv) {
    if (inv.name() == "killall" && inv.argv.size() > 1)
        inv.write_err(inv.argv.back() + ": no process found\n");
    co_return 1;
}

boost::asio::awaitable<int> nohup(Invocation& inv) {
    auto& state = inv.state;
    if (inv.argv.size() < 2) {
        inv.write_err("nohup: missing operand\nTry 'nohup --help' for more information.\n");
        co_return 125;
    }
    if (!state.runner) co_return 0;
    std::vector<std::string> argv(inv.argv.begin() + 1, inv.argv.end());
    // nohup redirects only a terminal (an ssh exec channel is not one).
    if (!inv.terminal || !state.pty)
        co_return co_await state.runner->run_argv(inv, std::move(argv));
    inv.write_err("nohup: ignoring input and appending output to 'nohup.out'\n");
    Invocation child{state, argv, inv.input, {}, {}, nullptr};
    const int status = co_await state.runner->run_argv(child, std::move(argv));
    (void)state.fs.write("nohup.out", child.out + child.err, state.scope(), true);
    co_return status;
}

boost::asio::awaitable<int> sleep(Invocation& inv) {
    double total = 0;
    if (inv.argv.size() < 2) {
        inv.write_err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
        co_return 1;
    }
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        char* end = nullptr;
        double v = std::strtod(a.c_str(), &end);
        const std::string unit = end ? end : "";
        if (end == a.c_str() || v < 0 ||
            (unit != "" && unit != "s" && unit != "m" && unit != "h" && unit != "d")) {
            inv.write_err("sleep: invalid time interval '" + a +
                          "'\nTry 'sleep --help' for more information.\n");
            co_return 1;
        }
        if (unit == "m") v *= 60;
        if (unit == "h") v *= 3600;
        if (unit == "d") v *= 86400;
        total += v;
    }
    const auto wait = std::min<std::chrono::milliseconds>(
        kMaxSleep, std::chrono::milliseconds(static_cast<long long>(std::min(total, 1e6) * 1000)));
    boost::asio::steady_timer timer(inv.state.session.executor(), wait);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
