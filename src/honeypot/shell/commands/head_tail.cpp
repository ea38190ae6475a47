// head and tail: the first or last lines (-n N, -N, tail's +N) or bytes (-c N) of files or
// stdin, with "==> name <==" headers for several files; tail -f prints and returns (a
// follow would block the session).
#include <cstdlib>

#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

struct Count {
    long long n = 10;
    bool bytes = false;
    bool from_start = false;  // tail +N, head -n -N: counted the other way
    bool ok = true;
};

Count count_of(Args& args, const std::vector<std::string>& argv) {
    Count c;
    std::string value;
    if (args.values.count('n')) value = args.values['n'];
    if (args.values.count('c')) {
        value = args.values['c'];
        c.bytes = true;
    }
    // The old form: head -5, tail -20.
    for (std::size_t i = 1; i < argv.size(); ++i)
        if (argv[i].size() > 1 && argv[i][0] == '-' &&
            argv[i].find_first_not_of("0123456789", 1) == std::string::npos)
            value = argv[i].substr(1);
    if (value.empty()) return c;
    if (value[0] == '+' || value[0] == '-') c.from_start = true;
    char* end = nullptr;
    c.n = std::llabs(std::strtoll(value.c_str(), &end, 10));
    c.ok = end && *end == '\0';
    return c;
}

std::string head_of(std::string_view text, const Count& c) {
    const auto n = static_cast<std::size_t>(c.n);
    if (c.bytes)
        return std::string(c.from_start ? text.substr(0, text.size() > n ? text.size() - n : 0)
                                        : text.substr(0, n));
    std::size_t at = 0, lines = 0;
    const std::size_t total = split_lines(text).size();
    const std::size_t keep = c.from_start ? (total > n ? total - n : 0) : n;
    while (at < text.size() && lines < keep) {
        const auto end = text.find('\n', at);
        at = end == std::string_view::npos ? text.size() : end + 1;
        ++lines;
    }
    return std::string(text.substr(0, at));
}

std::string tail_of(std::string_view text, const Count& c) {
    const auto n = static_cast<std::size_t>(c.n);
    if (c.bytes) {
        if (c.from_start) return std::string(text.substr(std::min(text.size(), n ? n - 1 : 0)));
        return std::string(text.substr(text.size() > n ? text.size() - n : 0));
    }
    const auto lines = split_lines(text);
    std::size_t first = c.from_start ? (n ? n - 1 : 0) : (lines.size() > n ? lines.size() - n : 0);
    std::string out;
    for (std::size_t i = first; i < lines.size(); ++i) {
        out += lines[i];
        out += '\n';
    }
    if (!text.empty() && text.back() != '\n' && !out.empty()) out.pop_back();
    return out;
}

boost::asio::awaitable<int> head_or_tail(Invocation& inv, bool head) {
    auto args = parse_args(inv.argv, "nc", "nqvfFc0123456789s");
    const std::string self = head ? "head" : "tail";
    if (args.invalid) {
        inv.write_err(invalid_option(self, args.invalid));
        co_return 1;
    }
    const auto c = count_of(args, inv.argv);
    if (!c.ok) {
        inv.write_err(self + ": invalid number of " + (c.bytes ? "bytes" : "lines") + "\n");
        co_return 1;
    }
    auto operands = args.operands;
    if (operands.empty()) operands.push_back("-");
    const bool headers = (operands.size() > 1 && !args.has('q')) || args.has('v');
    int status = 0;
    bool first = true;
    for (const auto& path : operands) {
        std::string data;
        if (path == "-") {
            data = std::string(inv.input);
        } else {
            auto read = read_for_command(inv.state, path);
            if (!read.ok()) {
                inv.write_err(self + ": cannot open '" + path + "' for reading: " + read.error +
                              "\n");
                status = 1;
                continue;
            }
            data = std::move(read.data);
        }
        if (headers)
            inv.write_out(std::string(first ? "" : "\n") + "==> " +
                          (path == "-" ? "standard input" : path) + " <==\n");
        first = false;
        inv.write_out(head ? head_of(data, c) : tail_of(data, c));
    }
    co_return status;
}

}  // namespace

boost::asio::awaitable<int> head(Invocation& inv) {
    co_return co_await head_or_tail(inv, true);
}
boost::asio::awaitable<int> tail(Invocation& inv) {
    co_return co_await head_or_tail(inv, false);
}

}  // namespace decnet::honeypot::shell::cmd
