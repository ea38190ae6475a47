// wc: lines, words and bytes (-l -w -c -m) of files or stdin, with GNU's column widths and
// a total line for several files.
#include <cctype>

#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> wc(Invocation& inv) {
    const auto args = parse_args(inv.argv, "", "lwcmL");
    if (args.invalid) {
        inv.write_err(invalid_option("wc", args.invalid));
        co_return 1;
    }
    bool lines = args.has('l'), words = args.has('w'), bytes = args.has('c') || args.has('m');
    if (!lines && !words && !bytes) lines = words = bytes = true;
    auto operands = args.operands;
    const bool from_stdin = operands.empty();
    if (from_stdin) operands.push_back("-");
    struct Row {
        std::size_t l = 0, w = 0, c = 0;
        std::string name;
    };
    std::vector<Row> rows;
    Row total;
    total.name = "total";
    int status = 0;
    for (const auto& path : operands) {
        std::string data;
        if (path == "-") {
            data = std::string(inv.input);
        } else {
            auto read = read_for_command(inv.state, path);
            if (!read.ok()) {
                inv.write_err("wc: " + path + ": " + read.error + "\n");
                status = 1;
                continue;
            }
            data = std::move(read.data);
        }
        Row r;
        r.name = from_stdin ? "" : path;
        bool in_word = false;
        for (const char ch : data) {
            if (ch == '\n') ++r.l;
            const bool space = std::isspace(static_cast<unsigned char>(ch)) != 0;
            if (!space && !in_word) ++r.w;
            in_word = !space;
        }
        r.c = data.size();
        total.l += r.l;
        total.w += r.w;
        total.c += r.c;
        rows.push_back(std::move(r));
    }
    if (rows.size() > 1) rows.push_back(total);
    const int columns = int(lines) + int(words) + int(bytes);
    std::size_t width = std::to_string(total.c).size();
    if (from_stdin) width = 7;
    if (columns == 1 && rows.size() == 1) width = 1;
    std::string out;
    for (const auto& r : rows) {
        std::string line;
        auto put = [&](std::size_t v) {
            const auto s = std::to_string(v);
            if (!line.empty()) line += ' ';
            line += std::string(width > s.size() ? width - s.size() : 0, ' ') + s;
        };
        if (lines) put(r.l);
        if (words) put(r.w);
        if (bytes) put(r.c);
        if (!r.name.empty()) line += " " + r.name;
        out += line + "\n";
    }
    inv.write_out(out);
    co_return status;
}

}  // namespace decnet::honeypot::shell::cmd
