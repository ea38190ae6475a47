// The INI reader (engine.md §3.1): Python configparser's line rules, re-done as one linear
// pass over the text, and the API's pre-parse validation (§3.6).
#include "core/ini_parser.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "core/text.hpp"

namespace decnet {
namespace {

// What configparser strips around lines, keys and values (its ASCII subset; line breaks
// never occur inside a line).
constexpr std::string_view kSpace = " \t\f\v";
constexpr std::string_view kDefaultSection = "DEFAULT";
constexpr std::string_view kNoSectionHeaders = "File contains no section headers";
constexpr std::string_view kInvalidFormat = "Invalid INI format: ";
constexpr std::string_view kTooLarge = "INI content is too large (max 512KB)";
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kDefaults = kNone - 1;  // "current section" is [DEFAULT]
constexpr std::size_t kMaxExcerpt = 80;

// Text from the input as shown in a message: control bytes escaped and long text cut (on
// a UTF-8 boundary), so an uploaded file cannot put terminal sequences or a megabyte of
// text into an error.
std::string excerpt(std::string_view text) {
    std::size_t keep = std::min(text.size(), kMaxExcerpt);
    while (keep > 0 && keep < text.size() &&
           (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80)
        --keep;
    std::string out;
    for (const char c : text.substr(0, keep)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte != 0x7F) {
            out += c;
            continue;
        }
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
        out += escaped;
    }
    if (keep < text.size()) out += "…";
    return out;
}

// Splits text into lines ended by LF, CRLF or a lone CR (the normalisation §3.1 asks for,
// without copying the text).
class LineReader {
  public:
    explicit LineReader(std::string_view text) : text_(text) {}

    bool next(std::string_view& line) {
        if (pos_ >= text_.size()) return false;
        const auto end = text_.find_first_of("\r\n", pos_);
        if (end == std::string_view::npos) {
            line = text_.substr(pos_);
            pos_ = text_.size();
            return true;
        }
        line = text_.substr(pos_, end - pos_);
        const bool crlf = text_[end] == '\r' && end + 1 < text_.size() && text_[end + 1] == '\n';
        pos_ = end + (crlf ? 2 : 1);
        return true;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

// `[name]` as configparser's SECTCRE `\[(?P<header>.+)\]` matches it: the name runs to
// the last `]`, and anything after that is ignored.
std::optional<std::string_view> section_header(std::string_view content) {
    if (content.size() < 3 || content.front() != '[') return std::nullopt;
    const auto close = content.rfind(']');
    if (close == std::string_view::npos || close < 2) return std::nullopt;
    return content.substr(1, close - 1);
}

// One pass, one line at a time, with configparser's state: the current section, the
// current option (the one continuation lines extend) and the indent of the last
// section/option line. Keys are indexed per section so duplicates cost O(1).
class Parser {
  public:
    Parser(IniDuplicates duplicates, const std::string& source)
        : duplicates_(duplicates), source_(source) {}

    IniDocument parse(std::string_view text) {
        LineReader lines(text);
        std::string_view line;
        while (lines.next(line)) {
            ++line_no_;
            feed(line);
        }
        return std::move(doc_);
    }

  private:
    void feed(std::string_view line) {
        const std::string_view content = trim(line, kSpace);
        // A comment neither ends nor extends a multi-line value: configparser skips it.
        if (!content.empty() && (content.front() == '#' || content.front() == ';')) return;
        if (content.empty()) {
            // Kept only if a continuation line follows (trailing blank lines are dropped).
            if (option_ != kNone) ++pending_blank_lines_;
            return;
        }
        const std::size_t indent = line.find_first_not_of(kSpace);
        if (option_ != kNone && indent > indent_level_) return continue_value(content);
        indent_level_ = indent;
        if (const auto name = section_header(content)) return open_section(*name);
        if (section_ == kNone) fail(std::string(kNoSectionHeaders));
        add_option(content);
    }

    void continue_value(std::string_view content) {
        std::string& value = entries()[option_].value;
        value.append(pending_blank_lines_, '\n');
        value += '\n';
        value += content;
        pending_blank_lines_ = 0;
    }

    void open_section(std::string_view name) {
        option_ = kNone;  // a section cannot start with a continuation line
        pending_blank_lines_ = 0;
        if (name == kDefaultSection) {
            section_ = kDefaults;  // may be reopened even in strict mode, like configparser
            return;
        }
        const auto [it, inserted] =
            section_index_.try_emplace(std::string(name), doc_.sections.size());
        section_ = it->second;
        if (inserted) {
            doc_.sections.push_back(IniSection{std::string(name), line_no_, {}});
            section_keys_.emplace_back();
        } else if (duplicates_ == IniDuplicates::reject) {
            fail("section '" + excerpt(name) + "' already exists");
        }
    }

    void add_option(std::string_view content) {
        // configparser's OPTCRE: the key ends at the first `=` or `:`; it must not be empty.
        const auto delimiter = content.find_first_of("=:");
        if (delimiter == std::string_view::npos || delimiter == 0)
            fail(std::string(kInvalidFormat) + "line " + std::to_string(line_no_) +
                 ": expected [section] or key = value, got '" + excerpt(content) + "'");
        std::string key = ascii_lower(trim(content.substr(0, delimiter), kSpace));
        std::string value(trim(content.substr(delimiter + 1), kSpace));
        auto& index = section_ == kDefaults ? default_keys_ : section_keys_[section_];
        auto& list = entries();
        const auto [it, inserted] = index.try_emplace(key, list.size());
        if (inserted) {
            list.push_back(IniEntry{std::move(key), std::move(value), line_no_});
        } else if (duplicates_ == IniDuplicates::reject) {
            fail("option '" + excerpt(key) + "' in section '" + excerpt(section_name()) +
                 "' already exists");
        } else {
            list[it->second].value = std::move(value);  // merge mode: later wins
            list[it->second].line = line_no_;
        }
        option_ = it->second;
        pending_blank_lines_ = 0;
    }

    std::vector<IniEntry>& entries() {
        return section_ == kDefaults ? doc_.defaults : doc_.sections[section_].entries;
    }

    std::string_view section_name() const {
        return section_ == kDefaults ? kDefaultSection : doc_.sections[section_].name;
    }

    [[noreturn]] void fail(std::string message) const {
        throw ConfigError(std::move(message), source_, line_no_);
    }

    IniDuplicates duplicates_;
    const std::string& source_;
    IniDocument doc_;
    std::unordered_map<std::string, std::size_t> section_index_;
    std::vector<std::unordered_map<std::string, std::size_t>> section_keys_;
    std::unordered_map<std::string, std::size_t> default_keys_;
    std::size_t section_ = kNone;
    std::size_t option_ = kNone;
    std::size_t indent_level_ = 0;
    std::size_t pending_blank_lines_ = 0;
    int line_no_ = 0;
};

bool is_blank(std::string_view text) {
    return text.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos;
}

}  // namespace

const IniEntry* IniSection::find(std::string_view key) const {
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&](const IniEntry& entry) { return entry.key == key; });
    return it == entries.end() ? nullptr : &*it;
}

const IniEntry* IniDocument::lookup(const IniSection& section, std::string_view key) const {
    if (const IniEntry* own = section.find(key)) return own;
    const auto it = std::find_if(defaults.begin(), defaults.end(),
                                 [&](const IniEntry& entry) { return entry.key == key; });
    return it == defaults.end() ? nullptr : &*it;
}

std::vector<IniEntry> IniDocument::effective_entries(const IniSection& section) const {
    std::vector<IniEntry> out = section.entries;
    std::unordered_set<std::string_view> own;
    for (const IniEntry& entry : section.entries) own.insert(entry.key);
    for (const IniEntry& entry : defaults)
        if (!own.contains(entry.key)) out.push_back(entry);
    return out;
}

IniDocument parse_ini(std::string_view text, IniDuplicates duplicates,
                      const std::string& source_name) {
    if (text.size() > kMaxIniBytes) throw ConfigError(std::string(kTooLarge), source_name);
    return Parser(duplicates, source_name).parse(text);
}

std::string validate_ini_text(std::string_view text) {
    if (text.size() > kMaxIniBytes) return std::string(kTooLarge);
    if (is_blank(text)) return "INI content is empty";
    IniDocument document;
    try {
        document = parse_ini(text, IniDuplicates::merge);
    } catch (const ConfigError& error) {
        const std::string_view message = error.what();
        if (message == kNoSectionHeaders) return "Invalid INI format: no sections found";
        if (message.starts_with(kInvalidFormat)) return std::string(message);
        return std::string(kInvalidFormat) + std::string(message);
    }
    if (document.sections.empty())
        return "The provided INI content must contain at least one section (no sections found)";
    return {};
}

}  // namespace decnet
