// grep: basic and extended regular expressions (std::regex, bounded: long patterns and
// lines are refused or cut rather than risk its recursion), -F fixed strings, -i -v -n -c
// -l -q -s -o -w -H -h, -r over the overlay. Exit 0 on a match, 1 on none, 2 on trouble.
#include <cctype>
#include <optional>
#include <regex>

#include "core/text.hpp"
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

constexpr std::size_t kMaxPattern = 512;
constexpr std::size_t kMaxRegexLine = 4096;  // std::regex recurses per character
constexpr std::size_t kMaxFiles = 2000;      // -r over a big tree stops there

// A basic regex in extended syntax: \( \) \{ \} \| \+ \? are the operators there, bare
// ones are literal.
std::string basic_to_extended(std::string_view bre) {
    std::string out;
    for (std::size_t i = 0; i < bre.size(); ++i) {
        const char c = bre[i];
        if (c == '\\' && i + 1 < bre.size()) {
            const char n = bre[++i];
            if (std::string_view("(){}|+?").find(n) != std::string_view::npos) {
                out += n;
            } else {
                out += '\\';
                out += n;
            }
        } else if (std::string_view("(){}|+?").find(c) != std::string_view::npos) {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    return out;
}

// {n,m} counts above this make std::regex build an automaton of that many copies.
constexpr long kMaxRepeat = 255;

bool huge_repeat(std::string_view pattern) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '{') continue;
        long n = 0;
        for (std::size_t j = i + 1;
             j < pattern.size() &&
             (std::isdigit(static_cast<unsigned char>(pattern[j])) || pattern[j] == ',');
             ++j)
            if (pattern[j] != ',') {
                n = n * 10 + (pattern[j] - '0');
                if (n > kMaxRepeat) return true;
            } else {
                n = 0;
            }
    }
    return false;
}

bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

struct Matcher {
    bool fixed = false, ignore_case = false, words = false, whole_line = false;
    std::string needle;  // a fixed pattern, lower-cased once under -i
    std::optional<std::regex> regex;

    bool match(std::string_view line, std::string* part = nullptr) const {
        if (fixed) {
            // Only -i needs a copy of the line (lower-cased); otherwise it is searched as is.
            std::string lowered;
            if (ignore_case) lowered = ascii_lower(line);
            const std::string_view hay = ignore_case ? std::string_view(lowered) : line;
            if (whole_line) {  // -x
                if (hay != needle) return false;
                if (part) *part = std::string(line);
                return true;
            }
            for (auto at = hay.find(needle); at != std::string_view::npos;
                 at = hay.find(needle, at + 1)) {
                const auto end = at + needle.size();
                // -w: not inside a word on either side (GNU grep's word constituents).
                if (words && ((at > 0 && word_char(hay[at - 1])) ||
                              (end < hay.size() && word_char(hay[end]))))
                    continue;
                if (part) *part = std::string(line.substr(at, needle.size()));
                return true;
            }
            return false;
        }
        const auto text = line.substr(0, kMaxRegexLine);
        std::cmatch m;
        try {
            if (!std::regex_search(text.begin(), text.end(), m, *regex)) return false;
        } catch (const std::regex_error&) {
            return false;  // too complex for this line: no match, as if it timed out
        }
        if (part) *part = m.str(0);
        return true;
    }
};

struct Options {
    bool invert, number, count, list, quiet, silent, only, with_name;
};

}  // namespace

boost::asio::awaitable<int> grep(Invocation& inv) {
    auto args = parse_args(inv.argv, "efm", "ivncrRlLqsEFwHhoIaPx");
    if (args.invalid) {
        inv.write_err("grep: invalid option -- '" + std::string(1, args.invalid) +
                      "'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more "
                      "information.\n");
        co_return 2;
    }
    auto operands = args.operands;
    std::string pattern;
    if (args.values.count('e')) {
        pattern = args.values['e'];
    } else if (!operands.empty()) {
        pattern = operands.front();
        operands.erase(operands.begin());
    } else {
        inv.write_err(
            "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more "
            "information.\n");
        co_return 2;
    }
    Matcher m;
    // A pattern without an operator of either syntax matches as the plain string it is:
    // searched as one (most attackers' greps: `grep -ri password /etc`), it skips std::regex
    // (its matcher was most of a shell session's time) and its 4096-byte cut of long lines.
    const bool literal = pattern.find_first_of(".[]*^$\\+?(){}|") == std::string::npos;
    m.fixed = args.has('F') || inv.name() == "fgrep" || literal;
    m.ignore_case = args.has('i');
    m.words = args.has('w');
    m.whole_line = args.has('x');
    if (m.fixed) m.needle = m.ignore_case ? ascii_lower(pattern) : pattern;
    if (!m.fixed) {
        if (pattern.size() > kMaxPattern || huge_repeat(pattern)) {
            inv.write_err("grep: regular expression too big\n");
            co_return 2;
        }
        std::string ere = args.has('E') || args.has('P') || inv.name() == "egrep"
                              ? pattern
                              : basic_to_extended(pattern);
        if (args.has('w')) ere = "(^|[^[:alnum:]_])(" + ere + ")([^[:alnum:]_]|$)";
        if (args.has('x')) ere = "^(" + ere + ")$";
        // libstdc++'s breadth-first matcher: polynomial time, so `(a*)*b` on a long line
        // cannot pin the session's thread (the default depth-first one backtracks).
        auto flags = std::regex::extended | std::regex_constants::__polynomial;
        if (m.ignore_case) flags |= std::regex::icase;
        try {
            m.regex.emplace(ere, flags);
        } catch (const std::regex_error&) {
            inv.write_err("grep: Unmatched ( or \\(\n");
            co_return 2;
        }
    }
    const bool recursive = args.has('r') || args.has('R');
    if (operands.empty()) operands.push_back(recursive ? "." : "-");
    // The files to search (directories expanded under -r).
    std::vector<std::string> files;
    int status = 1;
    bool trouble = false;
    auto& state = inv.state;
    for (const auto& path : operands) {
        if (path == "-" || !recursive || !state.fs.is_dir(path, state.scope())) {
            files.push_back(path);
            continue;
        }
        std::vector<std::string> stack{path};
        while (!stack.empty() && files.size() < kMaxFiles) {
            const auto dir = stack.back();
            stack.pop_back();
            const auto entries = state.fs.list(dir, state.scope());
            if (!entries) continue;
            for (const auto& e : entries.value) {
                const std::string child = (dir == "/" ? "" : dir) + "/" + e.name;
                if (e.stat.type == FsType::directory && !child.starts_with("/proc"))
                    stack.push_back(child);
                else if (e.stat.type == FsType::regular)
                    files.push_back(child);
            }
        }
    }
    const bool names = (files.size() > 1 || recursive) && !args.has('h');
    const bool with_name = names || args.has('H');
    for (const auto& path : files) {
        std::string data;
        if (path == "-") {
            data = std::string(inv.input);
        } else {
            auto read = read_for_command(state, path);
            if (!read.ok()) {
                if (!args.has('s')) inv.write_err("grep: " + path + ": " + read.error + "\n");
                trouble = true;
                continue;
            }
            data = std::move(read.data);
        }
        const std::string label = path == "-" ? "(standard input)" : path;
        std::size_t count = 0, number = 0;
        for (const auto line : split_lines(data)) {
            ++number;
            std::string part;
            const bool hit = m.match(line, args.has('o') ? &part : nullptr) != args.has('v');
            if (!hit) continue;
            ++count;
            status = 0;
            if (args.has('q')) co_return 0;
            if (args.has('c') || args.has('l')) continue;
            if (data.find('\0') != std::string::npos && !args.has('a')) {
                inv.write_out("grep: " + label + ": binary file matches\n");
                break;
            }
            std::string out = with_name ? label + ":" : "";
            if (args.has('n')) out += std::to_string(number) + ":";
            out += args.has('o') ? part : std::string(line);
            if (!inv.write_out(out + "\n")) co_return status;
        }
        if (args.has('c'))
            inv.write_out((with_name ? label + ":" : "") + std::to_string(count) + "\n");
        if (args.has('l') && count) inv.write_out(label + "\n");
    }
    co_return trouble&& status != 0 ? 2 : status;
}

}  // namespace decnet::honeypot::shell::cmd
