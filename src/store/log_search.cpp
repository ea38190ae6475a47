// Search-string tokenising (a port of Python's shlex.split state machine) and the
// key:value classification of api.md §6.1.
#include "store/log_search.hpp"

#include <array>
#include <utility>

namespace decnet::store {
namespace {

bool is_shell_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Length of the UTF-8 sequence starting with `lead` (1 for stray continuation bytes, so
// malformed input still advances).
std::size_t utf8_length(unsigned char lead) {
    if (lead >= 0xF0 && lead <= 0xF7) return 4;
    if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
    if (lead >= 0xC0) return 2;
    return 1;
}

// Byte length of the Python whitespace character at text[i], 0 if there is none.
std::size_t python_space_at(std::string_view text, std::size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20)) return 1;
    const auto next = [&](std::size_t k) {
        return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
    };
    if (c == 0xC2 && (next(1) == 0x85 || next(1) == 0xA0)) return 2;  // U+0085, U+00A0
    if (c == 0xE1 && next(1) == 0x9A && next(2) == 0x80) return 3;    // U+1680
    if (c == 0xE2 && next(1) == 0x80) {
        const auto low = next(2);
        // U+2000..U+200A, U+2028, U+2029, U+202F
        if ((low >= 0x80 && low <= 0x8A) || low == 0xA8 || low == 0xA9 || low == 0xAF) return 3;
    }
    if (c == 0xE2 && next(1) == 0x81 && next(2) == 0x9F) return 3;  // U+205F
    if (c == 0xE3 && next(1) == 0x80 && next(2) == 0x80) return 3;  // U+3000
    return 0;
}

// At most `max_chars` code points of `text`, never splitting a character.
std::string_view truncate_chars(std::string_view text, std::size_t max_chars) {
    std::size_t i = 0;
    for (std::size_t chars = 0; i < text.size() && chars < max_chars; ++chars)
        i += utf8_length(static_cast<unsigned char>(text[i]));
    return text.substr(0, std::min(i, text.size()));
}

// The search prefixes that name a logs column.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kColumnKeys{{
    {"decky", "decky"},
    {"service", "service"},
    {"event", "event_type"},
    {"attacker", "attacker_ip"},
    {"attacker-ip", "attacker_ip"},
    {"attacker_ip", "attacker_ip"},
}};

bool is_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::optional<SearchTerm> classify(std::string token) {
    const auto colon = token.find(':');
    if (colon == std::string::npos) return SearchTerm{SearchTerm::Kind::substring, {}, token};
    const std::string_view key(token.data(), colon);
    std::string value = token.substr(colon + 1);
    for (const auto& [prefix, column] : kColumnKeys)
        if (key == prefix)
            return SearchTerm{SearchTerm::Kind::column, std::string(column), std::move(value)};
    if (key == "tag" || key == "attack")  // decnet's addition: the logs.tags column
        return SearchTerm{SearchTerm::Kind::tag, "tags", std::move(value)};
    std::string clean;
    for (char c : key)
        if (is_key_char(c)) clean += c;
    if (clean.empty()) return std::nullopt;  // nothing usable left of the key
    return SearchTerm{SearchTerm::Kind::json_field, std::move(clean), std::move(value)};
}

// shlex's reader states: between tokens, in a word, in quotes, after a backslash.
enum class State { space, word, single_quote, double_quote, escape };

}  // namespace

std::optional<std::vector<std::string>> shell_split(std::string_view text) {
    std::vector<std::string> tokens;
    std::string token;
    bool quoted = false;  // an empty "" still makes a token
    State state = State::space;
    State escaped_from = State::word;
    const auto finish = [&] {
        if (!token.empty() || quoted) tokens.push_back(std::move(token));
        token.clear();
        quoted = false;
    };
    for (char c : text) {
        switch (state) {
            case State::space:
            case State::word:
                if (is_shell_space(c)) {
                    if (state == State::word) finish();
                    state = State::space;
                } else if (c == '\'' || c == '"') {
                    quoted = true;
                    state = c == '\'' ? State::single_quote : State::double_quote;
                } else if (c == '\\') {
                    escaped_from = State::word;
                    state = State::escape;
                } else {
                    token += c;
                    state = State::word;
                }
                break;
            case State::single_quote:
                if (c == '\'')
                    state = State::word;
                else
                    token += c;
                break;
            case State::double_quote:
                if (c == '"') {
                    state = State::word;
                } else if (c == '\\') {
                    escaped_from = State::double_quote;
                    state = State::escape;
                } else {
                    token += c;
                }
                break;
            case State::escape:
                // In double quotes only \" and \\ are escapes; elsewhere the backslash stays.
                if (escaped_from == State::double_quote && c != '"' && c != '\\') token += '\\';
                token += c;
                state = escaped_from;
                break;
        }
    }
    if (state == State::single_quote || state == State::double_quote || state == State::escape)
        return std::nullopt;  // "No closing quotation" / "No escaped character"
    finish();
    return tokens;
}

std::vector<std::string> whitespace_split(std::string_view text) {
    std::vector<std::string> tokens;
    std::string token;
    std::size_t i = 0;
    while (i < text.size()) {
        if (const auto space = python_space_at(text, i)) {
            if (!token.empty()) tokens.push_back(std::move(token));
            token.clear();
            i += space;
        } else {
            token += text[i++];
        }
    }
    if (!token.empty()) tokens.push_back(std::move(token));
    return tokens;
}

std::string_view clip_search(std::string_view search) {
    return truncate_chars(search, kMaxSearchChars);
}

std::vector<SearchTerm> parse_search(std::string_view search) {
    search = clip_search(search);
    auto tokens = shell_split(search);
    if (!tokens) tokens = whitespace_split(search);
    if (tokens->size() > kMaxSearchTokens) tokens->resize(kMaxSearchTokens);
    std::vector<SearchTerm> terms;
    for (auto& token : *tokens)
        if (auto term = classify(std::move(token))) terms.push_back(std::move(*term));
    return terms;
}

}  // namespace decnet::store
