// bash's small builtins that scripts and bots use in passing: type and command -v (probing
// for tools), exec, read, ulimit, umask, set, and the ones that only change shell options
// here (shopt, trap, wait, jobs, disown, hash, local, declare, readonly).
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

// Where a name resolves: "" when nowhere; `builtin` set for bash's own.
std::string locate(const ShellState& state, const std::string& name, bool& builtin) {
    builtin = false;
    if (state.aliases.count(name)) return "alias";
    if (const auto* spec = find_command(name); spec && available(state, name)) {
        if (spec->path.empty()) {
            builtin = true;
            return name;
        }
        return std::string(spec->path);
    }
    for (const auto dir : kShellPath) {
        const std::string candidate = std::string(dir) + "/" + name;
        const auto st = state.fs.stat(candidate, state.scope());
        if (st && st.value.type == FsType::regular) return candidate;
    }
    return "";
}

}  // namespace

boost::asio::awaitable<int> type(Invocation& inv) {
    auto& state = inv.state;
    int status = 0;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& name = inv.argv[i];
        if (name.starts_with('-')) continue;
        bool builtin = false;
        const auto where = locate(state, name, builtin);
        if (where == "alias")
            inv.write_out(name + " is aliased to `" + state.aliases.at(name) + "'\n");
        else if (builtin)
            inv.write_out(name + " is a shell builtin\n");
        else if (!where.empty())
            inv.write_out(name + " is " + where + "\n");
        else {
            inv.write_err(state.error_prefix + ": type: " + name + ": not found\n");
            status = 1;
        }
    }
    co_return status;
}

// command -v/-V NAME: where it is; command NAME ARGS: run it, skipping functions.
boost::asio::awaitable<int> command(Invocation& inv) {
    auto& state = inv.state;
    std::size_t i = 1;
    bool show = false;
    for (; i < inv.argv.size() && inv.argv[i].starts_with('-'); ++i)
        if (inv.argv[i] == "-v" || inv.argv[i] == "-V") show = true;
    if (i >= inv.argv.size()) co_return 0;
    if (show) {
        int status = 0;
        for (; i < inv.argv.size(); ++i) {
            bool builtin = false;
            const auto where = locate(state, inv.argv[i], builtin);
            if (where.empty())
                status = 1;
            else
                inv.write_out((where == "alias" ? "alias " + inv.argv[i] + "='" +
                                                      state.aliases.at(inv.argv[i]) + "'"
                                                : where) +
                              "\n");
        }
        co_return status;
    }
    if (!state.runner) co_return 0;
    std::vector<std::string> argv(inv.argv.begin() + static_cast<std::ptrdiff_t>(i),
                                  inv.argv.end());
    co_return co_await state.runner->run_argv(inv, std::move(argv));
}

// exec CMD: runs it (the session goes on: the real shell's replacement would too).
boost::asio::awaitable<int> exec(Invocation& inv) {
    if (inv.argv.size() < 2 || !inv.state.runner) co_return 0;
    std::vector<std::string> argv(inv.argv.begin() + 1, inv.argv.end());
    co_return co_await inv.state.runner->run_argv(inv, std::move(argv));
}

// read [-r] [-p prompt] NAME…: one line of stdin split over the names (the rest in the last).
boost::asio::awaitable<int> read(Invocation& inv) {
    auto& state = inv.state;
    std::vector<std::string> names;
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a == "-p" || a == "-t" || a == "-n" || a == "-d" || a == "-u") {
            if (a == "-p" && i + 1 < inv.argv.size()) inv.write_err(inv.argv[i + 1]);
            ++i;
        } else if (!a.starts_with('-')) {
            names.push_back(a);
        }
    }
    if (names.empty()) names.push_back("REPLY");
    if (inv.input.empty()) co_return 1;
    const auto end = inv.input.find('\n');
    std::string_view line = inv.input.substr(0, end);
    for (std::size_t n = 0; n < names.size(); ++n) {
        const auto start = line.find_first_not_of(" \t");
        line = start == std::string_view::npos ? std::string_view() : line.substr(start);
        if (n + 1 == names.size()) {
            state.env[names[n]] = std::string(line);
            break;
        }
        const auto space = line.find_first_of(" \t");
        state.env[names[n]] = std::string(line.substr(0, space));
        line = space == std::string_view::npos ? std::string_view() : line.substr(space);
    }
    co_return end == std::string_view::npos ? 1 : 0;
}

boost::asio::awaitable<int> ulimit(Invocation& inv) {
    const auto args = parse_args(inv.argv, "", "");
    if (!args.operands.empty()) co_return 0;  // setting a limit: accepted
    if (args.has('a')) {
        inv.write_out(
            "real-time non-blocking time  (microseconds, -R) unlimited\ncore file size             "
            " (blocks, -c) 0\n"
            "data seg size               (kbytes, -d) unlimited\nscheduling priority               "
            "  (-e) 0\n"
            "file size                   (blocks, -f) unlimited\npending signals                   "
            "  (-i) 15398\n"
            "max locked memory           (kbytes, -l) 500520\nmax memory size             (kbytes, "
            "-m) unlimited\n"
            "open files                          (-n) 1024\npipe size                (512 bytes, "
            "-p) 8\n"
            "POSIX message queues         (bytes, -q) 819200\nreal-time priority                  "
            "(-r) 0\n"
            "stack size                  (kbytes, -s) 8192\ncpu time                   (seconds, "
            "-t) unlimited\n"
            "max user processes                  (-u) 15398\nvirtual memory              (kbytes, "
            "-v) unlimited\n"
            "file locks                          (-x) unlimited\n");
    } else if (args.has('n')) {
        inv.write_out("1024\n");
    } else if (args.has('u')) {
        inv.write_out("15398\n");
    } else {
        inv.write_out("unlimited\n");
    }
    co_return 0;
}

boost::asio::awaitable<int> umask(Invocation& inv) {
    if (inv.argv.size() == 1) inv.write_out("0022\n");
    co_return 0;
}

// set: alone, the variables; with options (set +o history, set -e) accepted.
boost::asio::awaitable<int> set(Invocation& inv) {
    if (inv.argv.size() == 1) {
        std::string out;
        for (const auto& [k, v] : inv.state.env) out += k + "=" + v + "\n";
        inv.write_out(out);
    }
    co_return 0;
}

// enable: alone, the enabled builtins (`enable cd`, …); with names, accepted.
boost::asio::awaitable<int> enable(Invocation& inv) {
    if (inv.argv.size() > 1) co_return 0;
    std::string out;
    for (const auto& spec : commands())
        if (spec.path.empty()) out += "enable " + std::string(spec.name) + "\n";
    inv.write_out(out);
    co_return 0;
}

// Builtins with nothing to show here.
boost::asio::awaitable<int> quiet_builtin(Invocation&) {
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
