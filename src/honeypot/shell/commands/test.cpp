// test and [: files (-e -f -d -L -h -r -w -x -s), strings (-z -n = != ==), integers (-eq -ne
// -lt -le -gt -ge), ! and a bracket that must close.
#include <cstdlib>

#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

bool integer(const std::string& s, long long& value) {
    char* end = nullptr;
    value = std::strtoll(s.c_str(), &end, 10);
    return !s.empty() && end && *end == '\0';
}

// 0 true, 1 false, 2 error (err set).
int evaluate(const ShellState& state, std::vector<std::string> a, std::string& err,
             const std::string& self) {
    bool negate = false;
    while (!a.empty() && a[0] == "!" && a.size() > 1) {
        negate = !negate;
        a.erase(a.begin());
    }
    auto result = [&](bool v) { return (v != negate) ? 0 : 1; };
    if (a.empty()) return negate ? 0 : 1;
    if (a.size() == 1) return result(!a[0].empty());
    if (a.size() == 2) {
        const auto& op = a[0];
        const auto& x = a[1];
        if (op == "-z") return result(x.empty());
        if (op == "-n") return result(!x.empty());
        const bool follow = op != "-L" && op != "-h";
        const auto st = state.fs.stat(x, state.scope(), follow);
        if (op == "-e" || op == "-a") return result(bool(st));
        if (op == "-f") return result(st && st.value.type == FsType::regular);
        if (op == "-d") return result(st && st.value.type == FsType::directory);
        if (op == "-L" || op == "-h") return result(st && st.value.type == FsType::symlink);
        if (op == "-s") return result(st && st.value.size > 0);
        if (op == "-r") return result(st && may_read(state, st.value));
        if (op == "-w") return result(st && may_write(state, st.value));
        if (op == "-x") return result(st && (st.value.meta.mode & 0111) != 0);
        if (op == "-c" || op == "-b" || op == "-p" || op == "-S") return result(false);
        err = self + ": " + op + ": unary operator expected\n";
        return 2;
    }
    if (a.size() == 3) {
        const auto& op = a[1];
        if (op == "=" || op == "==") return result(a[0] == a[2]);
        if (op == "!=") return result(a[0] != a[2]);
        if (op == "<") return result(a[0] < a[2]);
        if (op == ">") return result(a[0] > a[2]);
        long long l = 0, r = 0;
        const bool numeric =
            op == "-eq" || op == "-ne" || op == "-lt" || op == "-le" || op == "-gt" || op == "-ge";
        if (numeric) {
            if (!integer(a[0], l)) {
                err = self + ": " + a[0] + ": integer expression expected\n";
                return 2;
            }
            if (!integer(a[2], r)) {
                err = self + ": " + a[2] + ": integer expression expected\n";
                return 2;
            }
            if (op == "-eq") return result(l == r);
            if (op == "-ne") return result(l != r);
            if (op == "-lt") return result(l < r);
            if (op == "-le") return result(l <= r);
            if (op == "-gt") return result(l > r);
            return result(l >= r);
        }
        if (op == "-a" || op == "-o") {
            const bool left = !a[0].empty(), right = !a[2].empty();
            return result(op == "-a" ? left && right : left || right);
        }
        err = self + ": " + op + ": binary operator expected\n";
        return 2;
    }
    // a -a b / a -o b with longer sides: split at the first -o, else -a.
    for (const char* joiner : {"-o", "-a"})
        for (std::size_t i = 1; i + 1 < a.size(); ++i)
            if (a[i] == joiner) {
                const std::vector<std::string> left(a.begin(),
                                                    a.begin() + static_cast<std::ptrdiff_t>(i));
                const std::vector<std::string> right(a.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                                     a.end());
                const int l = evaluate(state, left, err, self);
                const int r = evaluate(state, right, err, self);
                if (l == 2 || r == 2) return 2;
                const bool v =
                    std::string(joiner) == "-o" ? (l == 0 || r == 0) : (l == 0 && r == 0);
                return result(v);
            }
    err = self + ": too many arguments\n";
    return 2;
}

}  // namespace

boost::asio::awaitable<int> test(Invocation& inv) {
    std::vector<std::string> args(inv.argv.begin() + 1, inv.argv.end());
    const std::string self = inv.state.error_prefix + ": " + inv.name();
    if (inv.name() == "[") {
        if (args.empty() || args.back() != "]") {
            inv.write_err(inv.state.error_prefix + ": [: missing `]'\n");
            co_return 2;
        }
        args.pop_back();
    }
    std::string err;
    const int status = evaluate(inv.state, std::move(args), err, self);
    inv.write_err(err);
    co_return status;
}

}  // namespace decnet::honeypot::shell::cmd
