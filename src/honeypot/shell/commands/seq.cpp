// seq: LAST, FIRST LAST or FIRST INCREMENT LAST, integers (the loops bots write); -s
// separator, -w equal width. The output cap bounds `seq 1 1000000000`.
#include <cstdlib>

#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> seq(Invocation& inv) {
    std::string separator = "\n";
    bool equal_width = false;
    std::vector<std::string> numbers;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a == "-s" && i + 1 < inv.argv.size()) {
            separator = inv.argv[++i];
        } else if (a.starts_with("-s") && a.size() > 2) {
            separator = a.substr(2);
        } else if (a == "-w") {
            equal_width = true;
        } else {
            numbers.push_back(a);
        }
    }
    if (numbers.empty() || numbers.size() > 3) {
        inv.write_err(numbers.empty()
                          ? "seq: missing operand\nTry 'seq --help' for more information.\n"
                          : "seq: extra operand '" + numbers[3] +
                                "'\nTry 'seq --help' for more information.\n");
        co_return 1;
    }
    long long values[3] = {1, 1, 0};
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        char* end = nullptr;
        const long long v = std::strtoll(numbers[i].c_str(), &end, 10);
        if (end == numbers[i].c_str() || *end) {
            inv.write_err("seq: invalid floating point argument: '" + numbers[i] +
                          "'\nTry 'seq --help' for more information.\n");
            co_return 1;
        }
        values[i] = v;
    }
    long long first = 1, step = 1, last = values[0];
    if (numbers.size() == 2) first = values[0], last = values[1];
    if (numbers.size() == 3) first = values[0], step = values[1], last = values[2];
    if (step == 0) {
        inv.write_err(
            "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n");
        co_return 1;
    }
    const std::size_t width = equal_width ? std::to_string(last).size() : 0;
    std::string out;
    bool any = false;
    for (long long v = first; step > 0 ? v <= last : v >= last; v += step) {
        auto text = std::to_string(v);
        if (text.size() < width) text.insert(0, width - text.size(), '0');
        out += (any ? separator : "") + text;
        any = true;
        if (out.size() >= kMaxCommandOutput) break;
    }
    if (any) out += "\n";
    inv.write_out(out);
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
