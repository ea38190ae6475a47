// The shell's lexer: a line into words (with their quoting and expansions kept as parts),
// operators and redirections; here-document bodies are read after the line that opens
// them. Used by the parser only (parser.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/shell/parser.hpp"

namespace decnet::honeypot::shell {

struct Token {
    enum class Type { word, op, redirect, newline, end };
    Type type = Type::end;
    std::string op;     // op: ; & && || | ( ) ;;
    Word word;          // word
    Redirect redirect;  // redirect: op, fd, here-doc body (target: the next word)
    bool here_doc = false;
};

struct LexResult {
    std::vector<Token> tokens;  // ends with Type::end
    std::string error;
    bool incomplete = false;  // an unterminated quote or substitution
};

LexResult lex(std::string_view text, std::size_t max_tokens);

// Where the `$(...)` / `${...}` opened just before `from` ends: the index of its closing
// bracket, or npos. Quotes and nested brackets are skipped.
std::size_t find_closing(std::string_view text, std::size_t from, char open, char close);

}  // namespace decnet::honeypot::shell
