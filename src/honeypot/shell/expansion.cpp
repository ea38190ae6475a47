// The interpreter's word expansion (see interpreter.hpp): parameters, command substitution,
// arithmetic, `~`, field splitting of unquoted results and globbing against the overlay, in
// bash's order, each bounded (substitution depth, sizes, pattern complexity).
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>

#include "honeypot/shell/interpreter.hpp"
#include "honeypot/shell/lexer.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fs_overlay.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::shell {

using boost::asio::awaitable;

namespace {

constexpr std::size_t kMaxFields = 65536;
// What one command's words may expand to: Linux's ARG_MAX (past it, E2BIG). `X=$X$X` in a
// loop or thousands of `$X` cannot grow memory beyond it.
constexpr std::size_t kMaxExpansion = 2 * 1024 * 1024;
constexpr std::size_t kMaxPattern = 255;
constexpr int kMaxStars = 12;  // fnmatch backtracks: many `*` on long names is slow

std::vector<std::string> split_fields(std::string_view text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while ((at = text.find_first_not_of(" \t\n", at)) != std::string_view::npos) {
        const auto end = text.find_first_of(" \t\n", at);
        out.emplace_back(text.substr(at, end - at));
        if (out.size() >= kMaxFields) break;
        at = end;
    }
    return out;
}

bool has_glob(std::string_view text) {
    return text.find_first_of("*?[") != std::string_view::npos;
}

// A tiny $(( )) evaluator: integers, variables, + - * / % ( ), comparisons, && || !.
class Arithmetic {
  public:
    Arithmetic(std::string_view text, const Interpreter& shell,
               std::string (Interpreter::*lookup)(const std::string&) const)
        : s_(text), shell_(shell), lookup_(lookup) {}

    bool evaluate(long long& value) {
        value = binary(0);
        skip();
        return ok_ && at_ == s_.size();
    }

  private:
    void skip() {
        while (at_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[at_]))) ++at_;
    }
    bool take(std::string_view op) {
        skip();
        if (!s_.substr(at_).starts_with(op)) return false;
        at_ += op.size();
        return true;
    }
    long long primary() {
        if (++depth_ > 64) {
            ok_ = false;
            return 0;
        }
        skip();
        long long v = 0;
        if (take("(")) {
            v = binary(0);
            if (!take(")")) ok_ = false;
        } else if (take("!")) {
            v = !primary();
        } else if (take("-")) {
            v = -primary();
        } else if (take("+")) {
            v = primary();
        } else if (at_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[at_]))) {
            std::size_t end = at_;
            while (end < s_.size() && std::isalnum(static_cast<unsigned char>(s_[end]))) ++end;
            v = std::strtoll(std::string(s_.substr(at_, end - at_)).c_str(), nullptr, 0);
            at_ = end;
        } else if (at_ < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[at_])) ||
                                       s_[at_] == '_' || s_[at_] == '$')) {
            if (s_[at_] == '$') ++at_;
            std::size_t end = at_;
            while (end < s_.size() &&
                   (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_'))
                ++end;
            const auto text = (shell_.*lookup_)(std::string(s_.substr(at_, end - at_)));
            v = std::strtoll(text.c_str(), nullptr, 10);
            at_ = end;
        } else {
            ok_ = false;
        }
        --depth_;
        return v;
    }
    // Precedence climbing over the binary operators.
    long long binary(int min) {
        static constexpr std::pair<std::string_view, int> kOps[] = {
            {"||", 1}, {"&&", 2}, {"==", 3}, {"!=", 3}, {"<=", 4}, {">=", 4}, {"<", 4},
            {">", 4},  {"+", 5},  {"-", 5},  {"*", 6},  {"/", 6},  {"%", 6}};
        long long left = primary();
        for (;;) {
            skip();
            const std::pair<std::string_view, int>* found = nullptr;
            for (const auto& op : kOps)
                if (s_.substr(at_).starts_with(op.first)) {
                    found = &op;
                    break;
                }
            if (!found || found->second < min || !ok_) return left;
            at_ += found->first.size();
            const long long right = binary(found->second + 1);
            const auto op = found->first;
            if ((op == "/" || op == "%") && right == 0) {
                ok_ = false;
                return 0;
            }
            if (op == "||")
                left = left || right;
            else if (op == "&&")
                left = left && right;
            else if (op == "==")
                left = left == right;
            else if (op == "!=")
                left = left != right;
            else if (op == "<=")
                left = left <= right;
            else if (op == ">=")
                left = left >= right;
            else if (op == "<")
                left = left < right;
            else if (op == ">")
                left = left > right;
            else if (op == "+")
                left = static_cast<long long>(static_cast<unsigned long long>(left) +
                                              static_cast<unsigned long long>(right));
            else if (op == "-")
                left = static_cast<long long>(static_cast<unsigned long long>(left) -
                                              static_cast<unsigned long long>(right));
            else if (op == "*")
                left = static_cast<long long>(static_cast<unsigned long long>(left) *
                                              static_cast<unsigned long long>(right));
            else if (op == "/")
                left = (left == LLONG_MIN && right == -1) ? left : left / right;
            else if (op == "%")
                left = (right == -1) ? 0 : left % right;
        }
    }

    std::string_view s_;
    const Interpreter& shell_;
    std::string (Interpreter::*lookup_)(const std::string&) const;
    std::size_t at_ = 0;
    int depth_ = 0;
    bool ok_ = true;
};

}  // namespace

std::string Interpreter::variable(const std::string& name) const {
    if (name == "?") return std::to_string(state_.last_status);
    if (name == "$") return std::to_string(1000 + state_.login_time % 30000);
    if (name == "!") return background_jobs_ ? std::to_string(2000 + background_jobs_ * 7) : "";
    if (name == "-") return state_.pty ? "himBHs" : "hBc";
    if (name == "RANDOM") return std::to_string(std::rand() % 32768);
    if (name == "UID" || name == "EUID") return std::to_string(state_.uid);
    if (name == "PWD") return state_.cwd;
    if (name == "HOSTNAME") return state_.world.hostname;
    if (name == "#")
        return positional_.empty() ? "0" : std::to_string(positional_.back().size() - 1);
    if (name == "@" || name == "*") {
        std::string out;
        if (!positional_.empty())
            for (std::size_t i = 1; i < positional_.back().size(); ++i)
                out += (i > 1 ? " " : "") + positional_.back()[i];
        return out;
    }
    if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) {
        const auto n = static_cast<std::size_t>(std::atoi(name.c_str()));
        if (positional_.empty()) return n == 0 ? state_.error_prefix.substr(0, 5) : "";
        return n < positional_.back().size() ? positional_.back()[n] : "";
    }
    const auto v = state_.env.find(name);
    return v == state_.env.end() ? "" : v->second;
}

// ${name}, ${#name}, ${name:-word}, ${name:=word}, ${name:+word} (and without the colon).
std::string Interpreter::parameter(const std::string& expression) {
    if (expression.size() > 1 && expression[0] == '#')
        return std::to_string(variable(expression.substr(1)).size());
    std::size_t end = 0;
    while (end < expression.size() &&
           (std::isalnum(static_cast<unsigned char>(expression[end])) || expression[end] == '_'))
        ++end;
    if (end == 0) end = std::min<std::size_t>(1, expression.size());
    const std::string name = expression.substr(0, end);
    std::string rest = expression.substr(end);
    const std::string value = variable(name);
    if (rest.empty()) return value;
    const bool colon = rest[0] == ':';
    if (colon) rest.erase(0, 1);
    if (rest.empty()) return value;
    const char op = rest[0];
    const std::string word = rest.substr(1);
    const bool unset = state_.env.find(name) == state_.env.end() && value.empty();
    const bool missing = colon ? value.empty() : unset;
    switch (op) {
        case '-':
            return missing ? word : value;
        case '=':
            if (missing) state_.env[name] = word;
            return missing ? word : value;
        case '+':
            return missing ? "" : word;
        case '?':
            return value;
        default:
            return value;
    }
}

std::string Interpreter::arithmetic(const std::string& expression) const {
    long long value = 0;
    Arithmetic a(expression, *this, &Interpreter::variable);
    if (!a.evaluate(value)) return "0";
    return std::to_string(value);
}

awaitable<std::string> Interpreter::substitute(const std::string& script, Io& io) {
    if (substitution_depth_ >= budget_.max_substitution_depth || spent()) {
        recursed_ = true;
        co_return std::string();
    }
    const auto parsed = parse(script);
    if (!parsed) {
        const std::string err =
            state_.error_prefix + ": command substitution: line 1: " + parsed.error + "\n";
        co_await put(io, "", err);
        co_return std::string();
    }
    std::string out;
    Io sub{std::string_view(), &out, io.err};
    ++substitution_depth_;
    // A subshell: cd, variables and exit inside it stay inside it.
    const auto cwd = state_.cwd;
    const auto env = state_.env;
    const bool exiting = state_.exit_requested;
    state_.last_status = co_await exec_list(parsed.list, sub);
    state_.cwd = cwd;
    state_.env = env;
    state_.exit_requested = exiting;
    --substitution_depth_;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    co_return out;
}

awaitable<std::vector<std::string>> Interpreter::expand_words(const std::vector<Word>& words,
                                                              Io& io) {
    std::vector<std::string> fields;
    std::size_t total = 0;  // bytes in `fields`
    for (const auto& word : words) {
        std::string current;
        bool have = false, glob_here = false;
        for (std::size_t i = 0; i < word.parts.size(); ++i) {
            if (total + current.size() > kMaxExpansion) {
                too_long_ = true;
                co_return fields;
            }
            const auto& part = word.parts[i];
            std::string value;
            if (part.kind == WordPart::Kind::literal) {
                value = part.text;
                if (!part.quoted && i == 0 && value.starts_with('~')) {
                    const auto slash = value.find('/');
                    const auto user =
                        value.substr(1, slash == std::string::npos ? slash : slash - 1);
                    const auto* account = user.empty() ? nullptr : state_.world.accounts.find(user);
                    if (user.empty())
                        value = variable("HOME") +
                                (slash == std::string::npos ? "" : value.substr(slash));
                    else if (account)
                        value =
                            account->home + (slash == std::string::npos ? "" : value.substr(slash));
                }
                if (!part.quoted && has_glob(value)) glob_here = true;
                current += value;
                have = have || part.quoted || !value.empty();
                continue;
            }
            if (part.kind == WordPart::Kind::parameter)
                value = parameter(part.text);
            else if (part.kind == WordPart::Kind::arithmetic)
                value = arithmetic(part.text);
            else
                value = co_await substitute(part.text, io);
            if (part.quoted) {
                current += value;
                have = true;
                continue;
            }
            // Unquoted: split on blanks; the first piece joins what came before.
            auto pieces = split_fields(value);
            if (pieces.empty()) continue;
            const bool leading = value.find_first_of(" \t\n") == 0;
            if (leading && have) {
                total += current.size();
                fields.push_back(std::move(current));
                current.clear();
            }
            current += pieces[0];
            for (std::size_t p = 1; p < pieces.size() && fields.size() < kMaxFields; ++p) {
                total += current.size();
                fields.push_back(std::move(current));
                current = std::move(pieces[p]);
            }
            have = true;
        }
        if (!have) continue;
        if (glob_here) {
            auto matches = glob(current);
            if (!matches.empty()) {
                for (auto& m : matches) {
                    total += m.size();
                    fields.push_back(std::move(m));
                }
                continue;
            }
        }
        if (total + current.size() > kMaxExpansion) {
            too_long_ = true;
            break;
        }
        total += current.size();
        if (fields.size() < kMaxFields) fields.push_back(std::move(current));
    }
    co_return fields;
}

awaitable<std::string> Interpreter::expand_word(const Word& word, Io& io) {
    std::string out;
    for (const auto& part : word.parts) {
        if (out.size() > kMaxExpansion) {
            too_long_ = true;
            out.resize(kMaxExpansion);
            break;
        }
        if (part.kind == WordPart::Kind::literal) {
            if (!part.quoted && &part == &word.parts.front() &&
                (part.text == "~" || part.text.starts_with("~/")))
                out += variable("HOME") + part.text.substr(1);
            else
                out += part.text;
        } else if (part.kind == WordPart::Kind::parameter) {
            out += parameter(part.text);
        } else if (part.kind == WordPart::Kind::arithmetic) {
            out += arithmetic(part.text);
        } else {
            out += co_await substitute(part.text, io);
        }
    }
    if (out.size() > kMaxExpansion) {
        too_long_ = true;
        out.resize(kMaxExpansion);
    }
    co_return out;
}

// A here-document's body as bash expands it: $name, ${…}, $(…), `…`, backslash escapes.
awaitable<std::string> Interpreter::expand_here_doc(const std::string& body, Io& io) {
    std::string out;
    std::size_t at = 0;
    while (at < body.size() && out.size() <= kMaxExpansion) {
        const char c = body[at];
        if (c == '\\' && at + 1 < body.size() &&
            (body[at + 1] == '$' || body[at + 1] == '`' || body[at + 1] == '\\')) {
            out += body[at + 1];
            at += 2;
        } else if (c == '`') {
            const auto end = body.find('`', at + 1);
            if (end == std::string::npos) {
                out += body.substr(at);
                break;
            }
            out += co_await substitute(body.substr(at + 1, end - at - 1), io);
            at = end + 1;
        } else if (c == '$' && at + 1 < body.size() &&
                   (body[at + 1] == '(' || body[at + 1] == '{')) {
            const char open = body[at + 1];
            const auto end = find_closing(body, at + 2, open, open == '(' ? ')' : '}');
            if (end == std::string::npos) {
                out += body.substr(at);
                break;
            }
            const std::string inner = body.substr(at + 2, end - at - 2);
            if (open == '{')
                out += parameter(inner);
            else
                out += co_await substitute(inner, io);
            at = end + 1;
        } else if (c == '$' && at + 1 < body.size() &&
                   (std::isalpha(static_cast<unsigned char>(body[at + 1])) ||
                    body[at + 1] == '_')) {
            std::size_t end = at + 1;
            while (end < body.size() &&
                   (std::isalnum(static_cast<unsigned char>(body[end])) || body[end] == '_'))
                ++end;
            out += variable(body.substr(at + 1, end - at - 1));
            at = end;
        } else if (c == '$' && at + 1 < body.size() && body[at + 1] == '?') {
            out += variable("?");
            at += 2;
        } else {
            out += c;
            ++at;
        }
    }
    co_return out;
}

// Matches of a pattern whose last component holds * ? or [ (the directories before it are
// taken literally); empty when nothing matches, and bash then keeps the pattern as typed.
std::vector<std::string> Interpreter::glob(const std::string& pattern) const {
    if (pattern.size() > kMaxPattern || std::count(pattern.begin(), pattern.end(), '*') > kMaxStars)
        return {};
    // `*/`: directories only, shown with their slash.
    if (pattern.size() > 1 && pattern.back() == '/') {
        std::vector<std::string> dirs;
        for (auto& m : glob(pattern.substr(0, pattern.size() - 1)))
            if (state_.fs.is_dir(m, state_.scope())) dirs.push_back(m + "/");
        return dirs;
    }
    const auto slash = pattern.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : pattern.substr(0, slash + 1);
    const std::string last = slash == std::string::npos ? pattern : pattern.substr(slash + 1);
    if (has_glob(dir) || last.empty()) return {};
    const auto entries = state_.fs.list(dir.empty() ? "." : dir, state_.scope());
    std::vector<std::string> out;
    if (!entries) return out;
    for (const auto& e : entries.value) {
        if (e.name.starts_with('.') && !last.starts_with('.')) continue;
        if (::fnmatch(last.c_str(), e.name.c_str(), FNM_PERIOD) == 0) out.push_back(dir + e.name);
        if (out.size() >= kMaxFields) break;
    }
    return out;
}

}  // namespace decnet::honeypot::shell
