// IMAP4rev1 command syntax (RFC 3501 §9), pure and bounded so it is fuzzed alone: a command
// as received (its lines and the literals between them, CRLF-joined), split into tag, name
// and arguments — atoms (with a fetch attribute's [section]<partial>), quoted strings,
// literals and parenthesised lists; the trailing {n} / {n+} that announces a literal; and
// sequence sets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::imap {

struct Token {
    enum class Kind { atom, string, list };  // string: quoted or literal (or NIL as atom)
    Kind kind = Kind::atom;
    std::string text;
    std::vector<Token> items;  // a list's

    bool is_atom(std::string_view upper) const;  // case-insensitive
};

struct Command {
    std::string tag;
    std::string name;  // upper-cased; "UID FETCH" etc. for UID commands
    std::vector<Token> args;
};

struct ParseLimits {
    std::size_t max_tokens = 4096;  // over all lists
    std::size_t max_depth = 16;     // nested lists
};

// nullopt: not even a tag and a command name (the caller answers "* BAD").
// `error` says why arguments were malformed (the command is still returned, args so far).
std::optional<Command> parse_command(std::string_view text, std::string& error,
                                     const ParseLimits& limits = {});

// A line ending in "{n}" or "{n+}" (n ≤ 10 digits) announces a literal of n bytes.
struct LiteralMarker {
    std::uint64_t size = 0;
    bool non_synchronizing = false;  // LITERAL+: the bytes follow without "+ OK"
};
std::optional<LiteralMarker> literal_at_end(std::string_view line);

// "1:3,5,7:*" over messages 1..count (`*` = count): the numbers it names, ascending, each
// once; nullopt when it is not a sequence set. At most `count` results.
std::optional<std::vector<std::uint32_t>> sequence_set(std::string_view text, std::uint32_t count);

// A string as IMAP sends it: quoted when it can be, else a literal; NIL for nullopt.
std::string quote(std::string_view text);

}  // namespace decnet::honeypot::imap
