// history: the numbered history (what the login loaded from ~/.bash_history, then this
// session's lines); -c clears it, N shows the last N.
#include <cstdio>

#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> history(Invocation& inv) {
    auto& h = inv.state.history;
    std::size_t first = 0;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a == "-c") {
            h.clear();
            co_return 0;
        }
        if (!a.empty() && a.find_first_not_of("0123456789") == std::string::npos) {
            const auto n = static_cast<std::size_t>(std::stoul(a.substr(0, 9)));
            first = h.size() > n ? h.size() - n : 0;
        } else if (a.starts_with('-')) {
            continue;
        } else {
            inv.write_err(inv.state.error_prefix + ": history: " + a +
                          ": numeric argument required\n");
            co_return 1;
        }
    }
    std::string out;
    for (std::size_t i = first; i < h.size(); ++i) {
        const auto number = std::to_string(i + 1);
        out += std::string(number.size() < 5 ? 5 - number.size() : 0, ' ') + number + "  " + h[i] +
               "\n";
    }
    inv.write_out(out);
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
