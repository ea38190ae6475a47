// The shell's lexer (see lexer.hpp): bash's quoting rules, one pass, bounded by the text's
// length and a token count.
#include "honeypot/shell/lexer.hpp"

#include <cctype>

namespace decnet::honeypot::shell {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}
bool is_meta(char c) {
    return is_blank(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' ||
           c == '(' || c == ')';
}
bool is_name_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// A here-document waiting for the end of its line.
struct PendingHereDoc {
    std::size_t token;
    std::string delimiter;
    bool strip_tabs;
};

class Lexer {
  public:
    Lexer(std::string_view text, std::size_t max_tokens) : s_(text), max_tokens_(max_tokens) {}

    LexResult run() {
        while (result_.error.empty() && !result_.incomplete) {
            skip_blanks();
            if (at_ >= s_.size()) break;
            if (result_.tokens.size() >= max_tokens_) {
                result_.error = "too many words";
                break;
            }
            const char c = s_[at_];
            if (c == '#') {
                while (at_ < s_.size() && s_[at_] != '\n') ++at_;
            } else if (c == '\n') {
                ++at_;
                push_simple(Token::Type::newline, "");
                read_here_docs();
            } else if (redirect_ahead()) {
                lex_redirect();
            } else if (is_meta(c)) {
                lex_operator();
            } else {
                Token t;
                t.type = Token::Type::word;
                t.word = lex_word();
                result_.tokens.push_back(std::move(t));
            }
        }
        if (!pending_.empty() && result_.error.empty()) read_here_docs();
        push_simple(Token::Type::end, "");
        return std::move(result_);
    }

  private:
    void skip_blanks() {
        while (at_ < s_.size()) {
            if (is_blank(s_[at_])) {
                ++at_;
            } else if (s_[at_] == '\\' && at_ + 1 < s_.size() && s_[at_ + 1] == '\n') {
                at_ += 2;  // line continuation
            } else {
                break;
            }
        }
    }

    void push_simple(Token::Type type, std::string op) {
        Token t;
        t.type = type;
        t.op = std::move(op);
        result_.tokens.push_back(std::move(t));
    }

    bool redirect_ahead() const {
        std::size_t i = at_;
        while (i < s_.size() && i - at_ < 2 && std::isdigit(static_cast<unsigned char>(s_[i]))) ++i;
        if (i < s_.size() && (s_[i] == '<' || s_[i] == '>')) return true;
        return i == at_ && s_[i] == '&' && i + 1 < s_.size() && s_[i + 1] == '>';
    }

    void lex_redirect() {
        Token t;
        t.type = Token::Type::redirect;
        int fd = -1;
        while (std::isdigit(static_cast<unsigned char>(s_[at_])))
            fd = (fd < 0 ? 0 : fd * 10) + (s_[at_++] - '0');
        auto rest = s_.substr(at_);
        auto take = [&](std::string_view op) {
            if (!rest.starts_with(op)) return false;
            at_ += op.size();
            return true;
        };
        auto& r = t.redirect;
        const auto set = [&r](RedirectOp op, int default_fd) {
            r.op = op;
            r.fd = default_fd;  // -2: both stdout and stderr (&>)
        };
        if (take("&>>")) {
            set(RedirectOp::append, -2);
        } else if (take("&>")) {
            set(RedirectOp::out, -2);
        } else if (take("<<<")) {
            set(RedirectOp::here_string, 0);
        } else if (take("<<-") || take("<<")) {
            set(RedirectOp::here_doc, 0);
            t.here_doc = true;
            const bool strip = rest.starts_with("<<-");
            skip_blanks();
            const Word delimiter = lex_word();
            bool quoted = false;
            std::string text;
            for (const auto& p : delimiter.parts) {
                quoted = quoted || p.quoted;
                text += p.kind == WordPart::Kind::literal ? p.text : "$" + p.text;
            }
            r.here_quoted = quoted;
            if (text.empty()) {
                result_.error = "syntax error near unexpected token `newline'";
                return;
            }
            pending_.push_back({result_.tokens.size(), text, strip});
        } else if (take(">>")) {
            set(RedirectOp::append, 1);
        } else if (take(">&") || take("<&")) {
            set(RedirectOp::dup_out, rest.starts_with('<') ? 0 : 1);
        } else if (take(">|") || take(">")) {
            set(RedirectOp::out, 1);
        } else if (take("<>") || take("<")) {
            set(RedirectOp::in, 0);
        }
        if (fd >= 0 && r.fd >= 0) r.fd = fd;
        result_.tokens.push_back(std::move(t));
    }

    void lex_operator() {
        static constexpr std::string_view kOps[] = {"&&", "||", ";;", "|&", ";",
                                                    "&",  "|",  "(",  ")"};
        for (const auto op : kOps)
            if (s_.substr(at_).starts_with(op)) {
                at_ += op.size();
                push_simple(Token::Type::op, std::string(op == "|&" ? "|" : op));
                return;
            }
        ++at_;  // unreachable: every metacharacter is an operator or a blank
    }

    void add_literal(Word& w, std::string_view text, bool quoted) {
        if (!w.parts.empty() && w.parts.back().kind == WordPart::Kind::literal &&
            w.parts.back().quoted == quoted) {
            w.parts.back().text += text;
            return;
        }
        w.parts.push_back({WordPart::Kind::literal, std::string(text), quoted});
    }

    Word lex_word() {
        Word w;
        while (at_ < s_.size() && !is_meta(s_[at_]) && !result_.incomplete &&
               result_.error.empty()) {
            const char c = s_[at_];
            if (c == '\\') {
                if (at_ + 1 >= s_.size()) {
                    ++at_;
                    break;
                }
                if (s_[at_ + 1] != '\n') add_literal(w, s_.substr(at_ + 1, 1), true);
                at_ += 2;
            } else if (c == '\'') {
                const auto end = s_.find('\'', at_ + 1);
                if (end == std::string_view::npos) return incomplete(w);
                // '' still makes a word (an empty argument): a quoted part, even an empty one
                add_literal(w, s_.substr(at_ + 1, end - at_ - 1), true);
                at_ = end + 1;
            } else if (c == '"') {
                ++at_;
                lex_double_quoted(w);
            } else if (c == '$' && at_ + 1 < s_.size() && s_[at_ + 1] == '\'') {
                at_ += 2;
                lex_ansi_c(w);
            } else if (c == '$' || c == '`') {
                lex_expansion(w, false);
            } else {
                std::size_t end = at_;
                while (end < s_.size() && !is_meta(s_[end]) && s_[end] != '\\' && s_[end] != '\'' &&
                       s_[end] != '"' && s_[end] != '$' && s_[end] != '`')
                    ++end;
                add_literal(w, s_.substr(at_, end - at_), false);
                at_ = end;
            }
        }
        return w;
    }

    Word incomplete(Word& w) {
        result_.incomplete = true;
        at_ = s_.size();
        return std::move(w);
    }

    void lex_double_quoted(Word& w) {
        bool any = false;
        while (at_ < s_.size()) {
            const char c = s_[at_];
            if (c == '"') {
                ++at_;
                if (!any) add_literal(w, "", true);
                return;
            }
            any = true;
            if (c == '\\' && at_ + 1 < s_.size()) {
                const char n = s_[at_ + 1];
                if (n == '$' || n == '`' || n == '"' || n == '\\') {
                    add_literal(w, s_.substr(at_ + 1, 1), true);
                } else if (n != '\n') {
                    add_literal(w, s_.substr(at_, 2), true);
                }
                at_ += 2;
            } else if (c == '$' || c == '`') {
                lex_expansion(w, true);
                if (result_.incomplete || !result_.error.empty()) return;
            } else {
                add_literal(w, s_.substr(at_, 1), true);
                ++at_;
            }
        }
        incomplete(w);
    }

    // $'...': bash's C-style escapes (\n, \t, \xHH, \NNN octal, \\, \').
    void lex_ansi_c(Word& w) {
        std::string out;
        while (at_ < s_.size() && s_[at_] != '\'') {
            char c = s_[at_++];
            if (c == '\\' && at_ < s_.size()) {
                const char e = s_[at_++];
                switch (e) {
                    case 'n':
                        c = '\n';
                        break;
                    case 't':
                        c = '\t';
                        break;
                    case 'r':
                        c = '\r';
                        break;
                    case 'a':
                        c = '\a';
                        break;
                    case 'e':
                        c = '\x1b';
                        break;
                    case 'x': {
                        int v = 0, n = 0;
                        while (n < 2 && at_ < s_.size() &&
                               std::isxdigit(static_cast<unsigned char>(s_[at_]))) {
                            const char h = s_[at_++];
                            v = v * 16 +
                                (std::isdigit(static_cast<unsigned char>(h))
                                     ? h - '0'
                                     : (std::tolower(static_cast<unsigned char>(h)) - 'a' + 10));
                            ++n;
                        }
                        c = static_cast<char>(v);
                        break;
                    }
                    default:
                        if (e >= '0' && e <= '7') {
                            int v = e - '0', n = 1;
                            while (n < 3 && at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '7')
                                v = v * 8 + (s_[at_++] - '0'), ++n;
                            c = static_cast<char>(v);
                        } else {
                            c = e;
                        }
                }
            }
            out += c;
        }
        if (at_ >= s_.size()) {
            incomplete(w);
            return;
        }
        ++at_;
        add_literal(w, out, true);
    }

    // $name, ${...}, $(...), $((...)), `...` at at_.
    void lex_expansion(Word& w, bool quoted) {
        if (s_[at_] == '`') {
            std::string body;
            std::size_t i = at_ + 1;
            for (; i < s_.size() && s_[i] != '`'; ++i) {
                if (s_[i] == '\\' && i + 1 < s_.size() &&
                    (s_[i + 1] == '`' || s_[i + 1] == '\\' || s_[i + 1] == '$'))
                    ++i;
                body += s_[i];
            }
            if (i >= s_.size()) {
                incomplete(w);
                return;
            }
            at_ = i + 1;
            w.parts.push_back({WordPart::Kind::command, std::move(body), quoted});
            return;
        }
        const std::size_t next = at_ + 1;
        if (next >= s_.size()) {
            add_literal(w, "$", quoted);
            ++at_;
            return;
        }
        const char c = s_[next];
        if (c == '(') {
            const bool arithmetic = next + 1 < s_.size() && s_[next + 1] == '(';
            const auto end = find_closing(s_, next + 1, '(', ')');
            if (end == std::string_view::npos) {
                incomplete(w);
                return;
            }
            if (arithmetic && end > next + 1 && s_[end - 1] == ')') {
                w.parts.push_back({WordPart::Kind::arithmetic,
                                   std::string(s_.substr(next + 2, end - next - 3)), quoted});
            } else {
                w.parts.push_back({WordPart::Kind::command,
                                   std::string(s_.substr(next + 1, end - next - 1)), quoted});
            }
            at_ = end + 1;
        } else if (c == '{') {
            const auto end = find_closing(s_, next + 1, '{', '}');
            if (end == std::string_view::npos) {
                incomplete(w);
                return;
            }
            w.parts.push_back({WordPart::Kind::parameter,
                               std::string(s_.substr(next + 1, end - next - 1)), quoted});
            at_ = end + 1;
        } else if (is_name_start(c)) {
            std::size_t end = next;
            while (end < s_.size() && is_name_char(s_[end])) ++end;
            w.parts.push_back(
                {WordPart::Kind::parameter, std::string(s_.substr(next, end - next)), quoted});
            at_ = end;
        } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '?' || c == '$' ||
                   c == '#' || c == '!' || c == '@' || c == '*' || c == '-') {
            w.parts.push_back({WordPart::Kind::parameter, std::string(1, c), quoted});
            at_ = next + 1;
        } else {
            add_literal(w, "$", quoted);
            ++at_;
        }
    }

    // After a newline: the bodies of the here-documents opened on the line before.
    void read_here_docs() {
        for (const auto& p : pending_) {
            std::string body;
            bool ended = false;
            while (at_ < s_.size()) {
                auto end = s_.find('\n', at_);
                if (end == std::string_view::npos) end = s_.size();
                std::string_view line = s_.substr(at_, end - at_);
                at_ = end < s_.size() ? end + 1 : end;
                if (p.strip_tabs)
                    while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
                if (line == p.delimiter) {
                    ended = true;
                    break;
                }
                body.append(line);
                body += '\n';
            }
            (void)ended;  // bash warns and takes what it has, and so do we
            result_.tokens[p.token].redirect.here_doc = std::move(body);
        }
        pending_.clear();
    }

    std::string_view s_;
    std::size_t max_tokens_;
    std::size_t at_ = 0;
    LexResult result_;
    std::vector<PendingHereDoc> pending_;
};

}  // namespace

std::size_t find_closing(std::string_view text, std::size_t from, char open, char close) {
    int depth = 1;
    for (std::size_t i = from; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\') {
            ++i;
        } else if (c == '\'') {
            i = text.find('\'', i + 1);
            if (i == std::string_view::npos) return i;
        } else if (c == '"') {
            for (++i; i < text.size() && text[i] != '"'; ++i)
                if (text[i] == '\\') ++i;
            if (i >= text.size()) return std::string_view::npos;
        } else if (c == open) {
            ++depth;
        } else if (c == close && --depth == 0) {
            return i;
        }
    }
    return std::string_view::npos;
}

LexResult lex(std::string_view text, std::size_t max_tokens) {
    return Lexer(text, max_tokens).run();
}

}  // namespace decnet::honeypot::shell
