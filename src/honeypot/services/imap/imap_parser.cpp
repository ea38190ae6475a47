// IMAP command syntax (see imap_parser.hpp).
#include "honeypot/services/imap/imap_parser.hpp"

#include <algorithm>
#include <set>

#include "core/text.hpp"

namespace decnet::honeypot::imap {

bool Token::is_atom(std::string_view upper) const {
    return kind == Kind::atom && iequals(text, upper);
}

namespace {

class Parser {
  public:
    Parser(std::string_view text, const ParseLimits& limits) : s_(text), limits_(limits) {}

    std::string_view word() {  // up to a space
        const auto start = at_;
        while (at_ < s_.size() && s_[at_] != ' ' && s_[at_] != '\r' && s_[at_] != '\n') ++at_;
        return s_.substr(start, at_ - start);
    }
    bool space() {
        if (at_ < s_.size() && s_[at_] == ' ') {
            ++at_;
            return true;
        }
        return false;
    }
    bool done() const { return at_ >= s_.size() || s_[at_] == '\r' || s_[at_] == '\n'; }

    // Arguments up to the end (or `)` inside a list).
    bool arguments(std::vector<Token>& out, std::size_t depth, std::string& error) {
        for (;;) {
            while (space()) {
            }
            if (done()) {
                if (depth > 0) error = "unterminated list";
                return depth == 0;
            }
            if (s_[at_] == ')') {
                if (depth == 0) {
                    error = "unexpected )";
                    return false;
                }
                ++at_;
                return true;
            }
            if (++tokens_ > limits_.max_tokens) {
                error = "too many arguments";
                return false;
            }
            Token t;
            if (!token(t, depth, error)) return false;
            out.push_back(std::move(t));
        }
    }

  private:
    bool token(Token& t, std::size_t depth, std::string& error) {
        const char c = s_[at_];
        if (c == '(') {
            if (depth + 1 > limits_.max_depth) {
                error = "lists nested too deep";
                return false;
            }
            ++at_;
            t.kind = Token::Kind::list;
            return arguments(t.items, depth + 1, error);
        }
        if (c == '"') return quoted(t, error);
        if (c == '{') return literal(t, error);
        return atom(t, error);
    }

    bool quoted(Token& t, std::string& error) {
        t.kind = Token::Kind::string;
        ++at_;
        while (at_ < s_.size()) {
            const char c = s_[at_++];
            if (c == '"') return true;
            if (c == '\\' && at_ < s_.size()) {
                t.text += s_[at_++];
                continue;
            }
            if (c == '\r' || c == '\n') break;
            t.text += c;
        }
        error = "unterminated quoted string";
        return false;
    }

    bool literal(Token& t, std::string& error) {
        t.kind = Token::Kind::string;
        const auto close = s_.find('}', at_);
        if (close == std::string_view::npos || close - at_ > 12) {
            error = "bad literal";
            return false;
        }
        auto digits = s_.substr(at_ + 1, close - at_ - 1);
        if (digits.ends_with('+')) digits.remove_suffix(1);
        if (digits.empty() || digits.size() > 10 ||
            digits.find_first_not_of("0123456789") != std::string_view::npos) {
            error = "bad literal";
            return false;
        }
        const auto size = std::stoull(std::string(digits));
        at_ = close + 1;
        if (s_.substr(at_, 2) == "\r\n")
            at_ += 2;
        else if (s_.substr(at_, 1) == "\n")
            at_ += 1;
        else {
            error = "literal without its bytes";
            return false;
        }
        if (size > s_.size() - at_) {
            error = "literal shorter than announced";
            return false;
        }
        t.text = std::string(s_.substr(at_, size));
        at_ += size;
        return true;
    }

    // An atom; a fetch attribute's "[section (fields)]<partial>" belongs to it.
    bool atom(Token& t, std::string& error) {
        t.kind = Token::Kind::atom;
        const auto start = at_;
        int brackets = 0;
        while (at_ < s_.size()) {
            const char c = s_[at_];
            if (c == '\r' || c == '\n') break;
            if (brackets == 0 && (c == ' ' || c == '(' || c == ')' || c == '"' || c == '{')) break;
            if (c == '[') ++brackets;
            if (c == ']' && brackets > 0) --brackets;
            ++at_;
        }
        if (brackets > 0) {
            error = "unterminated [";
            return false;
        }
        t.text = std::string(s_.substr(start, at_ - start));
        if (t.text.empty()) {
            error = "empty atom";
            ++at_;
            return false;
        }
        return true;
    }

    std::string_view s_;
    std::size_t at_ = 0;
    std::size_t tokens_ = 0;
    const ParseLimits& limits_;
};

}  // namespace

std::optional<Command> parse_command(std::string_view text, std::string& error,
                                     const ParseLimits& limits) {
    error.clear();
    Parser p(text, limits);
    Command c;
    c.tag = std::string(p.word());
    if (c.tag.empty() || !p.space()) return std::nullopt;
    c.name = ascii_upper(p.word());
    if (c.name.empty()) return std::nullopt;
    if (c.name == "UID" && p.space()) c.name += " " + ascii_upper(p.word());
    if (!p.done() && !p.space()) {
        error = "missing space";
        return c;
    }
    p.arguments(c.args, 0, error);
    return c;
}

std::optional<LiteralMarker> literal_at_end(std::string_view line) {
    if (!line.ends_with('}')) return std::nullopt;
    const auto open = line.rfind('{');
    if (open == std::string_view::npos) return std::nullopt;
    auto digits = line.substr(open + 1, line.size() - open - 2);
    LiteralMarker m;
    if (digits.ends_with('+')) {
        m.non_synchronizing = true;
        digits.remove_suffix(1);
    }
    if (digits.empty() || digits.size() > 10 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    m.size = std::stoull(std::string(digits));
    return m;
}

std::optional<std::vector<std::uint32_t>> sequence_set(std::string_view text, std::uint32_t count) {
    std::set<std::uint32_t> out;
    auto number = [count](std::string_view s) -> std::optional<std::uint32_t> {
        if (s == "*") return count;
        if (s.empty() || s.size() > 10 ||
            s.find_first_not_of("0123456789") != std::string_view::npos)
            return std::nullopt;
        const auto n = std::stoull(std::string(s));
        if (n == 0 || n > 0xffffffffULL) return std::nullopt;
        return static_cast<std::uint32_t>(n);
    };
    if (text.empty() || text.size() > 4096) return std::nullopt;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        const auto colon = item.find(':');
        const auto a = number(item.substr(0, colon));
        const auto b = colon == std::string_view::npos ? a : number(item.substr(colon + 1));
        if (!a || !b) return std::nullopt;
        const auto lo = std::min(*a, *b), hi = std::min(std::max(*a, *b), count);
        for (std::uint32_t n = lo; n >= 1 && n <= hi; ++n) out.insert(n);
        if (comma == std::string_view::npos) break;
    }
    return std::vector<std::uint32_t>(out.begin(), out.end());
}

std::string quote(std::string_view text) {
    const bool plain =
        text.size() < 1024 &&
        text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos &&
        std::all_of(text.begin(), text.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (!plain) return "{" + std::to_string(text.size()) + "}\r\n" + std::string(text);
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace decnet::honeypot::imap
