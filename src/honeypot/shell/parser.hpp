// The shell's parser: one command line (or an `sh -c` string, or a `$(...)` body) into a
// syntax tree, the POSIX shell grammar a dropper uses — lists (`;`, `&`, newlines), `&&`
// and `||`, pipelines, redirections (`>`, `>>`, `<`, `2>`, `2>&1`, `<<<`, here-documents),
// quoting, `$VAR`/`${VAR}`/`$(...)`/backticks (kept as parts and expanded when run),
// `if`/`while`/`until`/`for`, `{ }`, `( )` and function definitions. Everything is bounded
// (tokens, nesting), so hostile text is a syntax error, never a crash or a hang.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::honeypot::shell {

struct ParseLimits {
    std::size_t max_tokens = 20000;  // words and operators of one line
    int max_depth = 64;              // nested compound commands and ( )
};

// A piece of a word: literal text, a parameter ($x, ${x}, $?) or a command substitution
// (its source text, parsed when it runs so its depth is bounded at run time too).
struct WordPart {
    enum class Kind { literal, parameter, command, arithmetic };
    Kind kind = Kind::literal;
    std::string text;
    bool quoted = false;  // inside '' or "": no field splitting, no globbing, no ~
};

struct Word {
    std::vector<WordPart> parts;
    // The word as plain text when it has only literal parts (reserved words, names).
    std::string literal() const;
    bool is_plain_literal() const;  // no quotes and no expansions
};

enum class RedirectOp { out, append, in, dup_out, here_string, here_doc };

struct Redirect {
    RedirectOp op = RedirectOp::out;
    int fd = 1;                // 1 for > >>, 0 for < <<< <<
    Word target;               // the file, the here-string, or the fd of >& as a word
    std::string here_doc;      // the here-document's body
    bool here_quoted = false;  // <<'EOF': no expansion in the body
};

struct Command;
using CommandPtr = std::shared_ptr<const Command>;

struct Pipeline {
    std::vector<CommandPtr> commands;
    bool negated = false;  // `! cmd`
};

struct AndOr {
    std::vector<Pipeline> pipelines;
    std::vector<bool> and_then;  // between pipelines: true `&&`, false `||`
    bool background = false;     // ended by `&`
};

struct List {
    std::vector<AndOr> items;
};

struct Command {
    enum class Kind {
        simple,
        group,
        subshell,
        if_clause,
        while_loop,
        until_loop,
        for_loop,
        function_def
    };
    Kind kind = Kind::simple;
    // simple: NAME=value words before the command, then its words
    std::vector<std::pair<std::string, Word>> assignments;
    std::vector<Word> words;
    // every kind
    std::vector<Redirect> redirects;
    // group/subshell: {body}; if: {cond, then, cond, then, ..., [else]}; loops: {cond, body};
    // for: {body}
    std::vector<List> lists;
    std::string name;         // for: the variable; function_def: the function's name
    std::vector<Word> items;  // for … in items
    bool for_in = false;      // `for x in …` (else "$@", empty here)
    CommandPtr body;          // function_def: its body (kept by the shell after the line)
};

struct ParseResult {
    List list;
    std::string
        error;  // "" when parsed; else bash's words: "syntax error near unexpected token `)'"
    bool incomplete = false;  // an open quote, `if` without `fi`, …: bash would ask for more
    explicit operator bool() const { return error.empty(); }
};

ParseResult parse(std::string_view text, const ParseLimits& limits = {});

}  // namespace decnet::honeypot::shell
