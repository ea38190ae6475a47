// redis wire details, byte for byte as Redis 7 has them: the inline-command tokenizer
// (sdssplitargs), its strict integer parser (string2ll), its command table's arities and its
// error replies. Pure functions (no I/O), so each is unit-tested and fuzzed on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::redis {

// An inline command's words: blanks separate them, "…" takes C escapes and \xHH, '…'
// takes \' only, and a closing quote must end its word. nullopt: unbalanced quotes.
// Stops at a NUL byte as Redis's C-string scan does. Never more output than input.
std::optional<std::vector<std::string>> split_inline(std::string_view line);

// Redis's string2ll: optional '-', then digits with no leading zero ("0" alone is fine), no
// '+', no blanks, in range. nullopt otherwise.
std::optional<std::int64_t> parse_integer(std::string_view text);

// "-ERR <message>\r\n" with CR and LF in the message turned into spaces (as Redis does, so an
// argument echoed back cannot break the protocol).
std::string error_reply(std::string_view message);

// "unknown command 'X', with args beginning with: 'a' 'b' " (Redis's wording and its 128-byte
// caps on the name and on the argument list); args[0] is the command as typed.
std::string unknown_command(const std::vector<std::string>& args);

// What Redis 7.0 answers before running a command (processCommand): the name, and a container
// command's subcommand ("CONFIG GET"), must be in its command table and the word count must
// fit the arity. The error reply, or nullopt when Redis would run it. `args` is not empty.
std::optional<std::string> command_rejection(const std::vector<std::string>& args);

}  // namespace decnet::honeypot::redis
