// The log search language of api.md §6.1, independent of any backend: the string is split
// like Python's shlex.split (falling back to whitespace splitting when quoting is
// unbalanced) and each token becomes a column equality, a JSON-field equality or a
// substring match. Backends turn the terms into SQL with every value bound separately.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::store {

// Inputs beyond these bounds are ignored (the API caps /logs search at 512 characters;
// the histogram does not, so the store enforces it too).
inline constexpr std::size_t kMaxSearchChars = 512;  // Unicode code points
inline constexpr std::size_t kMaxSearchTokens = 32;

struct SearchTerm {
    enum class Kind {
        column,      // `column` = value, exact and case-sensitive
        json_field,  // fields.<key> = value (string-valued fields only)
        substring,   // value is a substring of raw_line, decky, service or attacker_ip
        tag,         // value is one of the row's ATT&CK technique ids (`tag:T1110`, `attack:`)
    };
    Kind kind = Kind::substring;
    std::string name;  // logs column (column) or the key reduced to [A-Za-z0-9_]+ (json_field)
    std::string value;
};

// Python's shlex.split in POSIX mode: whitespace is space, tab, CR, LF; single quotes are
// literal; in double quotes a backslash escapes only `"` and `\`; outside quotes it
// escapes any character. nullopt when a quote is left open or a final backslash escapes
// nothing (the cases where shlex raises).
std::optional<std::vector<std::string>> shell_split(std::string_view text);

// Python's str.split(): runs of (Unicode) whitespace separate tokens.
std::vector<std::string> whitespace_split(std::string_view text);

// The first kMaxSearchChars code points of `search` (never splitting a character).
std::string_view clip_search(std::string_view search);

// The terms of a search string, ANDed by the caller. Applies the bounds above; tokens
// whose key is reduced to nothing are dropped.
std::vector<SearchTerm> parse_search(std::string_view search);

}  // namespace decnet::store
