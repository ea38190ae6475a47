// The attacker's shell (see shell.hpp): a login's state built from the world (account, home,
// environment, aliases and history from its dotfiles), the prompt loop with line editing, and
// one `command` event per line.
#include "honeypot/shell/shell.hpp"

#include <boost/asio/awaitable.hpp>

#include <ctime>

#include "core/text.hpp"
#include "honeypot/session.hpp"
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/shell/interpreter.hpp"
#include "honeypot/shell/line_editor.hpp"
#include "honeypot/shell/parser.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/shell/terminal.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "honeypot/world/fs_overlay.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::shell {

using boost::asio::awaitable;

namespace {

constexpr std::size_t kMaxHistory = 1000;        // bash's HISTSIZE
constexpr std::size_t kMaxHistoryLine = 4096;    // what one history entry keeps
constexpr std::size_t kMaxEventCommand = 16384;  // what one `command` event carries
constexpr std::size_t kMaxLine = 1024 * 1024;

const DeckyWorld& world_of(const Session& session) {
    if (session.context().world) return *session.context().world;
    static const DeckyWorld bare = [] {
        DeckyWorld w;
        w.hostname = "localhost";
        w.fs = std::make_shared<FakeFilesystem>();
        return w;
    }();
    return bare;
}

// `alias ll='ls -alF'` lines of a dotfile.
void read_aliases(std::string_view text, std::map<std::string, std::string>& aliases) {
    std::size_t at = 0;
    while (at < text.size()) {
        auto end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        auto line = trim(text.substr(at, end - at));
        at = end + 1;
        if (!line.starts_with("alias ")) continue;
        line.remove_prefix(6);
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        auto value = line.substr(eq + 1);
        if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
            value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        aliases[std::string(line.substr(0, eq))] = std::string(value);
    }
}

void init_state(ShellState& state, const ShellLogin& login) {
    const auto& world = state.world;
    state.user = login.user;
    state.hostname = login.hostname.empty() ? world.hostname : login.hostname;
    state.pty = login.pty;
    state.login_time = static_cast<std::int64_t>(std::time(nullptr));
    const auto* account = world.accounts.find(login.user);
    if (account) {
        state.uid = account->uid;
        state.gid = account->gid;
        state.home = account->home;
    } else if (login.user != "root") {
        state.uid = state.gid = 1000;
        state.home = "/home/" + login.user;
    }
    state.cwd = state.fs.is_dir(state.home) ? state.home : "/";
    state.fs.set_creator(state.uid, state.gid);
    if (busybox_shell(state)) state.error_prefix = "-ash";
    const bool root = state.uid == 0;
    auto& env = state.env;
    env["SHELL"] = account && !account->shell.empty() ? account->shell : "/bin/bash";
    env["PWD"] = state.cwd;
    env["LOGNAME"] = state.user;
    env["HOME"] = state.home;
    env["LANG"] = "C.UTF-8";
    env["TERM"] = login.term;
    env["USER"] = state.user;
    env["SHLVL"] = "1";
    env["MAIL"] = "/var/mail/" + state.user;
    env["PATH"] = root ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                       : "/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games";
    env["_"] = "/usr/bin/env";
    for (const auto& [name, value] : login.env) env[name] = value;
    // Only an interactive bash reads .bashrc (and expands aliases): not `ssh host 'cmd'`.
    for (const auto* dotfile : {"/.bashrc", "/.bash_aliases"}) {
        if (!login.pty) break;
        const auto text = state.fs.read(state.home + dotfile);
        if (text) read_aliases(text.value, state.aliases);
    }
    // bash loads the history file: the previous admin's commands are there for `history`.
    const auto history = state.fs.read(state.home + "/.bash_history");
    if (history) {
        std::size_t at = 0;
        const auto& text = history.value;
        while (at < text.size() && state.history.size() < kMaxHistory) {
            auto end = text.find('\n', at);
            if (end == std::string::npos) end = text.size();
            if (end > at)
                state.history.push_back(text.substr(at, std::min(end - at, kMaxHistoryLine)));
            at = end + 1;
        }
    }
}

}  // namespace

struct Shell::Impl {
    Session& session;
    ShellState state;
    Interpreter interpreter;

    Impl(Session& s, FsOverlay& overlay, const ShellSettings& settings, const ShellLogin& login)
        : session(s), state{s, world_of(s), overlay, settings}, interpreter(state, s.executor()) {
        init_state(state, login);
    }

    std::string prompt() const {
        std::string where = state.cwd;
        if (where == state.home)
            where = "~";
        else if (where.starts_with(state.home + "/") && state.home != "/")
            where = "~" + where.substr(state.home.size());
        const std::string sign = state.uid == 0 ? "# " : "$ ";
        // Alpine's /etc/profile: PS1='\h:\w\$ '.
        if (busybox_shell(state)) return state.hostname + ":" + where + sign;
        return state.user + "@" + state.hostname + ":" + where + sign;
    }

    void remember(std::string_view line) {
        if (state.history.size() >= kMaxHistory) state.history.erase(state.history.begin());
        state.history.emplace_back(line.substr(0, kMaxHistoryLine));
    }

    // Runs one line and reports it; blank lines are neither run nor reported.
    awaitable<int> run_one(std::string_view line, Terminal& terminal, bool stdin_from_terminal) {
        const auto cmd = trim(line, " \t\r\n");
        if (cmd.empty()) co_return state.last_status;
        // HISTCONTROL=ignoreboth (Debian's and Ubuntu's .bashrc): a line typed with a
        // leading space stays out of the history, but still runs and is reported.
        if (!line.starts_with(' ')) remember(cmd);
        const std::string cwd = state.cwd;
        const int status = co_await interpreter.run_line(line, terminal, stdin_from_terminal);
        const std::string text(cmd.substr(0, kMaxEventCommand));
        session.emit(session.event("command")
                         .add("user", state.user)
                         .add("cmd", text)
                         .add("cwd", cwd)
                         .add("status", status));
        if (!interpreter.limit_hit().empty())
            session.emit(session.event("shell_limit", Severity::warning)
                             .add("user", state.user)
                             .add("cmd", text)
                             .add("limit", interpreter.limit_hit()));
        co_return status;
    }
};

Shell::Shell(Session& session, FsOverlay& overlay, const ShellSettings& settings, ShellLogin login)
    : impl_(std::make_unique<Impl>(session, overlay, settings, login)) {}

Shell::~Shell() = default;

awaitable<int> Shell::interactive(Terminal& terminal) {
    auto& s = impl_->state;
    LineEditor editor(terminal, s.history, s.pty, kMaxLine);
    for (;;) {
        const std::string prompt = s.pty ? impl_->prompt() : "";
        bool sent = true;
        if (!prompt.empty()) sent = co_await terminal.write(prompt);
        if (!sent) break;
        auto read = co_await editor.read_line(prompt);
        if (read.outcome == LineEditor::Outcome::gone) break;
        if (read.outcome == LineEditor::Outcome::end_of_input) {
            if (s.pty && !busybox_shell(s)) co_await terminal.write("logout\r\n");  // bash only
            break;
        }
        if (read.outcome == LineEditor::Outcome::interrupted) {
            s.last_status = 130;
            continue;
        }
        std::string line = std::move(read.text);
        // An open quote or `if` without `fi`: bash asks for the rest with PS2.
        bool complete = true;
        while (parse(line).incomplete && line.size() < kMaxLine) {
            if (s.pty) co_await terminal.write("> ");
            auto more = co_await editor.read_line("> ");
            if (more.outcome != LineEditor::Outcome::line) {
                complete = more.outcome == LineEditor::Outcome::end_of_input && !s.pty;
                break;
            }
            line += "\n" + more.text;
        }
        if (!complete) {
            if (s.pty) continue;  // ^C or ^D at "> " drops the unfinished line
            break;
        }
        co_await impl_->run_one(line, terminal, false);
        if (s.exit_requested) {
            if (s.pty && !busybox_shell(s)) co_await terminal.write("logout\r\n");  // bash only
            break;
        }
    }
    co_return s.exit_requested ? s.exit_status : s.last_status;
}

awaitable<int> Shell::run(std::string_view command_line, Terminal& terminal) {
    auto& s = impl_->state;
    s.error_prefix = busybox_shell(s) ? "sh" : "bash: line 1";
    const int status = co_await impl_->run_one(command_line, terminal, true);
    co_return s.exit_requested ? s.exit_status : status;
}

}  // namespace decnet::honeypot::shell
