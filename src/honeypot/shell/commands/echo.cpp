// echo: bash's builtin — -n, -e (backslash escapes), -E; any other "option" is text.
#include "honeypot/shell/commands/escapes.hpp"
#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> echo(Invocation& inv) {
    bool newline = true, escapes = false;
    std::size_t i = 1;
    for (; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a.size() < 2 || a[0] != '-' || a.find_first_not_of("neE", 1) != std::string::npos)
            break;
        for (const char c : a.substr(1)) {
            if (c == 'n') newline = false;
            if (c == 'e') escapes = true;
            if (c == 'E') escapes = false;
        }
    }
    std::string out;
    bool stop = false;
    for (std::size_t first = i; i < inv.argv.size() && !stop; ++i) {
        if (i > first) out += ' ';
        out += escapes ? backslash_escapes(inv.argv[i], true, stop) : inv.argv[i];
    }
    if (newline && !stop) out += '\n';
    inv.write_out(out);
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
