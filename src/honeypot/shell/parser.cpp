// The shell's parser (see parser.hpp): recursive descent over the lexer's tokens, the POSIX
// grammar's shape, bash's error messages. Depth is counted so nesting cannot exhaust the
// stack.
#include "honeypot/shell/parser.hpp"

#include <cctype>
#include <stdexcept>

#include "honeypot/shell/lexer.hpp"

namespace decnet::honeypot::shell {

std::string Word::literal() const {
    std::string out;
    for (const auto& p : parts)
        if (p.kind == WordPart::Kind::literal) out += p.text;
    return out;
}

bool Word::is_plain_literal() const {
    return parts.size() == 1 && parts[0].kind == WordPart::Kind::literal && !parts[0].quoted;
}

namespace {

// Thrown inside the parser only, caught by parse(): a syntax error with bash's wording.
struct SyntaxError {
    std::string message;
    bool incomplete = false;
};

bool is_name(std::string_view s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    for (const char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

class Parser {
  public:
    Parser(std::vector<Token> tokens, const ParseLimits& limits)
        : t_(std::move(tokens)), limits_(limits) {}

    List parse_all() {
        skip_newlines();
        List list = parse_list();
        if (peek().type != Token::Type::end) unexpected();
        return list;
    }

  private:
    const Token& peek(std::size_t ahead = 0) const {
        const auto i = std::min(at_ + ahead, t_.size() - 1);
        return t_[i];
    }
    Token& take() {
        Token& t = t_[at_];
        if (at_ + 1 < t_.size()) ++at_;
        return t;
    }
    bool is_op(std::string_view op, std::size_t ahead = 0) const {
        return peek(ahead).type == Token::Type::op && peek(ahead).op == op;
    }
    // A reserved word (if, then, {, }, …) at command position.
    bool is_reserved(std::string_view word, std::size_t ahead = 0) const {
        const auto& t = peek(ahead);
        return t.type == Token::Type::word && t.word.is_plain_literal() &&
               t.word.parts[0].text == word;
    }
    bool at_list_end() const {
        static constexpr std::string_view kEnds[] = {"then", "elif", "else", "fi",
                                                     "do",   "done", "}",    "esac"};
        const auto& t = peek();
        if (t.type == Token::Type::end) return true;
        if (t.type == Token::Type::op && (t.op == ")" || t.op == ";;")) return true;
        for (const auto end : kEnds)
            if (is_reserved(end)) return true;
        return false;
    }
    void skip_newlines() {
        while (peek().type == Token::Type::newline) take();
    }

    [[noreturn]] void unexpected() const {
        const auto& t = peek();
        if (t.type == Token::Type::end)
            throw SyntaxError{"syntax error: unexpected end of file", true};
        std::string text = t.type == Token::Type::newline ? "newline"
                           : t.type == Token::Type::op    ? t.op
                           : t.type == Token::Type::word  ? t.word.literal()
                                                          : "redirection";
        throw SyntaxError{"syntax error near unexpected token `" + text + "'"};
    }
    void expect_reserved(std::string_view word) {
        if (!is_reserved(word)) unexpected();
        take();
    }

    struct DepthGuard {
        explicit DepthGuard(Parser& p) : p_(p) {
            if (++p_.depth_ > p_.limits_.max_depth)
                throw SyntaxError{"syntax error: nesting too deep"};
        }
        ~DepthGuard() { --p_.depth_; }
        Parser& p_;
    };

    // and_or items separated by ; & or newlines, up to a closing word or the end.
    List parse_list() {
        DepthGuard guard(*this);
        List list;
        skip_newlines();
        while (!at_list_end()) {
            AndOr item = parse_and_or();
            if (is_op(";") || is_op("&")) {
                item.background = take().op == "&";
            } else if (peek().type == Token::Type::newline) {
                take();
            } else if (!at_list_end()) {
                unexpected();
            }
            list.items.push_back(std::move(item));
            skip_newlines();
        }
        return list;
    }

    // A list that must hold at least one command (the body of if, while, { }).
    List parse_body() {
        List list = parse_list();
        if (list.items.empty()) unexpected();
        return list;
    }

    AndOr parse_and_or() {
        AndOr out;
        out.pipelines.push_back(parse_pipeline());
        while (is_op("&&") || is_op("||")) {
            out.and_then.push_back(take().op == "&&");
            skip_newlines();
            out.pipelines.push_back(parse_pipeline());
        }
        return out;
    }

    Pipeline parse_pipeline() {
        Pipeline p;
        if (is_reserved("!")) {
            take();
            p.negated = true;
        }
        p.commands.push_back(parse_command());
        while (is_op("|")) {
            take();
            skip_newlines();
            p.commands.push_back(parse_command());
        }
        return p;
    }

    CommandPtr parse_command() {
        DepthGuard guard(*this);
        auto c = std::make_shared<Command>();
        if (is_reserved("if")) {
            parse_if(*c);
        } else if (is_reserved("while") || is_reserved("until")) {
            c->kind = take().word.parts[0].text == "while" ? Command::Kind::while_loop
                                                           : Command::Kind::until_loop;
            c->lists.push_back(parse_body());
            expect_reserved("do");
            c->lists.push_back(parse_body());
            expect_reserved("done");
        } else if (is_reserved("for")) {
            parse_for(*c);
        } else if (is_reserved("{")) {
            take();
            c->kind = Command::Kind::group;
            c->lists.push_back(parse_body());
            expect_reserved("}");
        } else if (is_op("(")) {
            take();
            c->kind = Command::Kind::subshell;
            c->lists.push_back(parse_body());
            if (!is_op(")")) unexpected();
            take();
        } else if (is_reserved("function") && peek(1).type == Token::Type::word) {
            take();
            c->name = take().word.literal();
            if (is_op("(") && is_op(")", 1)) at_ += 2;
            parse_function_body(*c);
            return c;
        } else if (peek().type == Token::Type::word && is_op("(", 1) && is_op(")", 2) &&
                   peek().word.is_plain_literal()) {
            c->name = take().word.literal();
            at_ += 2;
            parse_function_body(*c);
            return c;
        } else {
            parse_simple(*c);
            return c;
        }
        parse_redirects(*c);
        return c;
    }

    void parse_function_body(Command& c) {
        c.kind = Command::Kind::function_def;
        skip_newlines();
        if (!is_reserved("{") && !is_op("(") && !is_reserved("if") && !is_reserved("while") &&
            !is_reserved("for") && !is_reserved("until"))
            unexpected();
        c.body = parse_command();
    }

    void parse_if(Command& c) {
        c.kind = Command::Kind::if_clause;
        take();  // if
        c.lists.push_back(parse_body());
        expect_reserved("then");
        c.lists.push_back(parse_body());
        while (is_reserved("elif")) {
            take();
            c.lists.push_back(parse_body());
            expect_reserved("then");
            c.lists.push_back(parse_body());
        }
        if (is_reserved("else")) {
            take();
            c.lists.push_back(parse_body());
        }
        expect_reserved("fi");
    }

    void parse_for(Command& c) {
        c.kind = Command::Kind::for_loop;
        take();  // for
        if (peek().type != Token::Type::word || !is_name(peek().word.literal())) unexpected();
        c.name = take().word.literal();
        skip_newlines();
        if (is_reserved("in")) {
            take();
            c.for_in = true;
            while (peek().type == Token::Type::word) c.items.push_back(take().word);
        }
        if (is_op(";") || peek().type == Token::Type::newline) take();
        skip_newlines();
        expect_reserved("do");
        c.lists.push_back(parse_body());
        expect_reserved("done");
    }

    void parse_redirects(Command& c) {
        while (peek().type == Token::Type::redirect) parse_redirect(c);
    }

    void parse_redirect(Command& c) {
        Token& r = take();
        Redirect redirect = std::move(r.redirect);
        if (!r.here_doc) {
            // `ls >` at the end of the line: bash names the newline, it does not wait.
            if (peek().type == Token::Type::end)
                throw SyntaxError{"syntax error near unexpected token `newline'"};
            if (peek().type != Token::Type::word) unexpected();
            redirect.target = take().word;
        }
        c.redirects.push_back(std::move(redirect));
    }

    void parse_simple(Command& c) {
        c.kind = Command::Kind::simple;
        for (;;) {
            const auto& t = peek();
            if (t.type == Token::Type::redirect) {
                parse_redirect(c);
            } else if (t.type == Token::Type::word) {
                Word w = take().word;
                if (c.words.empty() && !assignment(c, w))
                    c.words.push_back(std::move(w));
                else if (!c.words.empty())
                    c.words.push_back(std::move(w));
            } else {
                break;
            }
        }
        if (c.words.empty() && c.assignments.empty() && c.redirects.empty()) unexpected();
    }

    // NAME=value before the command name: true when `w` was one (and recorded).
    static bool assignment(Command& c, Word& w) {
        if (w.parts.empty() || w.parts[0].kind != WordPart::Kind::literal || w.parts[0].quoted)
            return false;
        const auto& first = w.parts[0].text;
        const auto eq = first.find('=');
        if (eq == std::string::npos || !is_name(std::string_view(first).substr(0, eq)))
            return false;
        Word value;
        value.parts.push_back({WordPart::Kind::literal, first.substr(eq + 1), false});
        for (std::size_t i = 1; i < w.parts.size(); ++i) value.parts.push_back(w.parts[i]);
        c.assignments.emplace_back(first.substr(0, eq), std::move(value));
        return true;
    }

    std::vector<Token> t_;
    const ParseLimits& limits_;
    std::size_t at_ = 0;
    int depth_ = 0;
};

}  // namespace

ParseResult parse(std::string_view text, const ParseLimits& limits) {
    ParseResult result;
    auto lexed = lex(text, limits.max_tokens);
    if (lexed.incomplete) {
        result.incomplete = true;
        result.error = "unexpected EOF while looking for matching quote";
        return result;
    }
    if (!lexed.error.empty()) {
        result.error = lexed.error;
        return result;
    }
    try {
        result.list = Parser(std::move(lexed.tokens), limits).parse_all();
    } catch (const SyntaxError& e) {
        result.error = e.message;
        result.incomplete = e.incomplete;
        result.list = {};
    }
    return result;
}

}  // namespace decnet::honeypot::shell
