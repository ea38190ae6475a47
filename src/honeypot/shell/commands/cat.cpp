// cat: files (or stdin, or `-`) in order; -n numbers lines. Devices such as /dev/zero give a
// bounded amount, and the output cap stops `cat` as a closed pipe would.
#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

std::string numbered(std::string_view text, int& line) {
    std::string out;
    for (const auto l : split_lines(text)) {
        char number[16];
        std::snprintf(number, sizeof number, "%6d\t", ++line);
        out += number;
        out += l;
        out += '\n';
    }
    if (!text.empty() && text.back() != '\n' && !out.empty()) out.pop_back();
    return out;
}

}  // namespace

boost::asio::awaitable<int> cat(Invocation& inv) {
    const auto args = parse_args(inv.argv, "", "nbAvetsETu");
    if (args.invalid) {
        inv.write_err(invalid_option("cat", args.invalid));
        co_return 1;
    }
    auto operands = args.operands;
    if (operands.empty()) operands.push_back("-");
    int status = 0, line = 0;
    for (const auto& path : operands) {
        std::string data;
        if (path == "-") {
            data = std::string(inv.input);
        } else {
            auto read = read_for_command(inv.state, path);
            if (!read.ok()) {
                inv.write_err("cat: " + path + ": " + read.error + "\n");
                status = 1;
                continue;
            }
            data = std::move(read.data);
        }
        const bool more = args.has('n') ? inv.write_out(numbered(data, line)) : inv.write_out(data);
        if (!more) break;
    }
    co_return status;
}

}  // namespace decnet::honeypot::shell::cmd
