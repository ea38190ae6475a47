// The INI dialect of DECNET deployment files (engine.md §3.1): Python configparser
// semantics — case-sensitive section names, case-insensitive keys, `=` or `:`, full-line
// `#`/`;` comments only, indented continuation lines, a [DEFAULT] section inherited by
// every section. `%` is literal (an intentional difference: no interpolation).
// Bounded: at most kMaxIniBytes of input; never throws anything but ConfigError.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace decnet {

constexpr std::size_t kMaxIniBytes = 512 * 1024;

struct IniEntry {
    std::string key;    // lower-cased, trimmed
    std::string value;  // trimmed; continuation lines joined with '\n'
    int line = 0;       // 1-based line of the key
};

struct IniSection {
    std::string name;
    int line = 0;
    std::vector<IniEntry> entries;  // own entries, file order (DEFAULT not merged in)

    // Own entry, else nullptr.
    const IniEntry* find(std::string_view key) const;
};

struct IniDocument {
    std::vector<IniSection> sections;  // file order, DEFAULT excluded
    std::vector<IniEntry> defaults;    // the [DEFAULT] section's entries

    // Own entry of `section`, else the DEFAULT one, else nullptr.
    const IniEntry* lookup(const IniSection& section, std::string_view key) const;
    // Own entries plus inherited DEFAULT ones not overridden (own first).
    std::vector<IniEntry> effective_entries(const IniSection& section) const;
};

enum class IniDuplicates {
    reject,  // file loader: a repeated section or key is an error
    merge,   // string loader (API): later wins
};

// Throws ConfigError(message, source_name, line) on syntax errors, e.g.
// "section 'a' already exists", "option 'services' in section 'a' already exists",
// "File contains no section headers", "INI content is too large (max 512KB)".
// CRLF and lone CR are normalised to LF first.
IniDocument parse_ini(std::string_view text, IniDuplicates duplicates,
                      const std::string& source_name = {});

// The API's pre-parse validation (engine.md §3.6): "" when valid, else the message
// ("INI content is empty", "Invalid INI format: no sections found", …).
std::string validate_ini_text(std::string_view text);

}  // namespace decnet
