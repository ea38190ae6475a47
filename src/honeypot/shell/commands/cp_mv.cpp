// cp and mv: files into files or directories (the last operand), cp -r for trees (bounded),
// mv by renaming in the overlay; coreutils' wording for what is missing.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

constexpr int kMaxCopied = 2000;  // nodes one cp -r copies

std::string base_name(const std::string& path) {
    auto p = path;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return p.substr(p.rfind('/') + 1);
}

// Copies one node (a tree with `recursive`); false after an error was written.
bool copy(Invocation& inv, const std::string& from, const std::string& to, bool recursive,
          int& budget) {
    auto& state = inv.state;
    if (--budget < 0) return false;
    const auto st = state.fs.stat(from, state.scope());
    if (st.value.type == FsType::directory) {
        if (!recursive) {
            inv.write_err("cp: -r not specified; omitting directory '" + from + "'\n");
            return false;
        }
        if (!state.fs.is_dir(to, state.scope())) {
            const auto error = state.fs.mkdir(to, state.scope(), st.value.meta.mode);
            if (error != FsError::ok) {
                inv.write_err("cp: cannot create directory '" + to +
                              "': " + std::string(fs_error_text(error)) + "\n");
                return false;
            }
        }
        const auto entries = state.fs.list(from, state.scope());
        bool ok = true;
        if (entries)
            for (const auto& e : entries.value)
                ok = copy(inv, from + "/" + e.name, to + "/" + e.name, true, budget) && ok;
        return ok;
    }
    auto read = read_for_command(state, from);
    if (!read.ok()) {
        inv.write_err("cp: cannot open '" + from + "' for reading: " + read.error + "\n");
        return false;
    }
    const auto error = state.fs.write(to, read.data, state.scope());
    if (error != FsError::ok) {
        inv.write_err("cp: cannot create regular file '" + to +
                      "': " + std::string(fs_error_text(error)) + "\n");
        return false;
    }
    (void)state.fs.chmod(to, st.value.meta.mode, state.scope());
    return true;
}

boost::asio::awaitable<int> copy_or_move(Invocation& inv, bool move) {
    const std::string self = move ? "mv" : "cp";
    const auto args = parse_args(inv.argv, "", move ? "fivnuTb" : "rRafipvdnuTbLPx");
    if (args.invalid) {
        inv.write_err(invalid_option(self, args.invalid));
        co_return 1;
    }
    auto& state = inv.state;
    const auto& ops = args.operands;
    if (ops.size() < 2) {
        inv.write_err(ops.empty() ? self + ": missing file operand\nTry '" + self +
                                        " --help' for more information.\n"
                                  : self + ": missing destination file operand after '" + ops[0] +
                                        "'\nTry '" + self + " --help' for more information.\n");
        co_return 1;
    }
    const std::string dest = ops.back();
    const bool into_dir = state.fs.is_dir(dest, state.scope());
    if (ops.size() > 2 && !into_dir) {
        inv.write_err(self + ": target '" + dest + "' is not a directory\n");
        co_return 1;
    }
    int status = 0, budget = kMaxCopied;
    for (std::size_t i = 0; i + 1 < ops.size(); ++i) {
        const auto& from = ops[i];
        const auto st = state.fs.stat(from, state.scope(), !move);
        if (!st) {
            inv.write_err(self + ": cannot stat '" + from +
                          "': " + std::string(fs_error_text(st.error)) + "\n");
            status = 1;
            continue;
        }
        const std::string to = into_dir ? (dest == "/" ? "" : dest) + "/" + base_name(from) : dest;
        if (!may_write_parent(state, to) || (move && !may_write_parent(state, from))) {
            inv.write_err(self + ": cannot " +
                          (move ? "move '" + from + "' to '" + to + "'"
                                : "create regular file '" + to + "'") +
                          ": Permission denied\n");
            status = 1;
            continue;
        }
        if (move) {
            const auto error = state.fs.rename(from, to, state.scope());
            if (error != FsError::ok) {
                inv.write_err("mv: cannot move '" + from + "' to '" + to +
                              "': " + std::string(fs_error_text(error)) + "\n");
                status = 1;
            }
        } else if (!copy(inv, from, to, args.has('r') || args.has('R') || args.has('a'), budget)) {
            status = 1;
        }
    }
    co_return status;
}

}  // namespace

boost::asio::awaitable<int> cp(Invocation& inv) {
    co_return co_await copy_or_move(inv, false);
}
boost::asio::awaitable<int> mv(Invocation& inv) {
    co_return co_await copy_or_move(inv, true);
}

}  // namespace decnet::honeypot::shell::cmd
