// The interpreter's execution (see interpreter.hpp): lists, pipelines, compound commands,
// dispatch to functions, commands and files, under the line's budget.
#include "honeypot/shell/interpreter.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>

#include "honeypot/shell/commands/support.hpp"
#include "honeypot/shell/redirected.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/shell/terminal.hpp"
#include "honeypot/world/fs_overlay.hpp"

// GCC 12 false positive (PR 109224): Asio's sized frame operator delete is reported as
// mismatched once a coroutine awaits several sub-coroutines on different paths.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::shell {

using boost::asio::awaitable;

namespace {

constexpr std::size_t kYieldEvery = 128;  // steps between yields to the session's other work
constexpr std::size_t kMaxScript = 1024 * 1024;
constexpr std::size_t kMemoryCheckEvery = 16;       // steps between looks at the variables
constexpr std::size_t kMaxVariableBytes = 8 << 20;  // all variables of a login together
constexpr std::size_t kMaxFunctions = 1000;

// Where bash finds a bare name that is not a command we implement.
constexpr std::array<std::string_view, 6> kPath = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                                   "/usr/bin",        "/sbin",          "/bin"};

// Commands that read stdin when given no file operand.
bool reads_stdin(const std::vector<std::string>& argv) {
    static constexpr std::string_view kReaders[] = {
        "cat",    "head",    "tail",      "grep",    "egrep", "fgrep", "wc",     "base64",
        "md5sum", "sha1sum", "sha256sum", "sh",      "bash",  "dash",  "ash",    "tee",
        "sort",   "uniq",    "tr",        "crontab", "xargs", "perl",  "python", "python3"};
    const auto& name = argv.front();
    const auto base = name.substr(name.rfind('/') + 1);
    if (base == "passwd" || base == "chpasswd" || base == "read")
        return true;  // the new password comes from stdin
    if (std::find(std::begin(kReaders), std::end(kReaders), base) == std::end(kReaders))
        return false;
    for (std::size_t i = 1; i < argv.size(); ++i)
        if (!argv[i].starts_with('-') || argv[i] == "-") return argv[i] == "-";
    return true;
}

void append_bounded(std::string& to, std::string_view text) {
    if (to.size() >= kMaxCommandOutput) return;
    to.append(text.substr(0, kMaxCommandOutput - to.size()));
}

}  // namespace

bool Invocation::write_out(std::string_view text) {
    append_bounded(out, text);
    return out.size() < kMaxCommandOutput;
}

void Invocation::write_err(std::string_view text) {
    append_bounded(err, text);
}

Interpreter::Interpreter(ShellState& state, boost::asio::any_io_executor executor,
                         ShellBudget budget)
    : state_(state), executor_(std::move(executor)), budget_(budget) {
    state_.runner = this;
}

awaitable<bool> Interpreter::write_terminal(const ShellState& state, Terminal& terminal,
                                            std::string_view text) {
    if (text.empty()) co_return true;
    if (!state.pty) co_return co_await terminal.write(text);
    std::string converted;
    converted.reserve(text.size() + text.size() / 16);
    for (const char c : text) {
        if (c == '\n') converted += '\r';
        converted += c;
    }
    co_return co_await terminal.write(converted);
}

awaitable<int> Interpreter::run_line(std::string_view line, Terminal& terminal,
                                     bool stdin_from_terminal) {
    terminal_ = &terminal;
    stdin_from_terminal_ = stdin_from_terminal;
    terminal_input_.reset();
    deadline_ = std::chrono::steady_clock::now() + budget_.max_time;
    steps_ = 0;
    recursed_ = false;
    limit_hit_.clear();
    control_ = LoopControl::none;
    std::string err;
    const auto parsed = parse(line);
    int status = 0;
    if (!parsed) {
        err = state_.error_prefix + ": " + parsed.error + "\n";
        status = 2;
    } else {
        Io io;
        status = co_await exec_list(parsed.list, io);
        if (spent() && recursed_)
            err = state_.error_prefix + ": fork: retry: Resource temporarily unavailable\n";
    }
    if (!err.empty()) co_await write_terminal(state_, terminal, err);
    state_.last_status = status;
    co_return status;
}

awaitable<bool> Interpreter::step() {
    if (spent()) co_return false;
    if (++steps_ > budget_.max_steps) limit_hit_ = "steps";
    if (std::chrono::steady_clock::now() > deadline_) limit_hit_ = "time";
    if (steps_ % kMemoryCheckEvery == 0 && !within_memory()) limit_hit_ = "memory";
    if (spent()) co_return false;
    // A busy loop must not keep the session's thread from everyone else.
    if (steps_ % kYieldEvery == 0)
        co_await boost::asio::post(executor_, boost::asio::use_awaitable);
    co_return true;
}

// The variables (and aliases) a login accumulates stay under kMaxVariableBytes: past it the
// largest go first, and the line that grew them stops.
bool Interpreter::within_memory() {
    const auto bytes = [](const std::map<std::string, std::string>& m) {
        std::size_t n = 0;
        for (const auto& [k, v] : m) n += k.size() + v.size() + 32;
        return n;
    };
    std::size_t total = bytes(state_.env) + bytes(state_.aliases);
    if (total <= kMaxVariableBytes) return true;
    while (total > kMaxVariableBytes / 2 && !state_.env.empty()) {
        auto largest = state_.env.begin();
        for (auto it = state_.env.begin(); it != state_.env.end(); ++it)
            if (it->second.size() > largest->second.size()) largest = it;
        total -= largest->first.size() + largest->second.size() + 32;
        state_.env.erase(largest);
    }
    if (total > kMaxVariableBytes / 2) state_.aliases.clear();
    return false;
}

awaitable<int> Interpreter::exec_list(const List& list, Io& io) {
    int status = state_.last_status;
    for (const auto& item : list.items) {
        if (spent() || state_.exit_requested || control_ != LoopControl::none) break;
        if (item.background) {
            // bash shows the job's number and pid, then the job runs (here, to its end).
            ++background_jobs_;
            if (state_.pty && io.err == nullptr && function_depth_ == 0) {
                const std::string job = "[" + std::to_string(background_jobs_) + "] " +
                                        std::to_string(2000 + background_jobs_ * 7) + "\n";
                co_await put(io, "", job);
            }
        }
        status = co_await exec_and_or(item, io);
        if (item.background) status = 0;
        state_.last_status = status;
    }
    co_return status;
}

awaitable<int> Interpreter::exec_and_or(const AndOr& item, Io& io) {
    int status = co_await exec_pipeline(item.pipelines[0], io);
    for (std::size_t i = 1; i < item.pipelines.size(); ++i) {
        if (spent() || state_.exit_requested || control_ != LoopControl::none) break;
        const bool run = item.and_then[i - 1] ? status == 0 : status != 0;
        if (run) status = co_await exec_pipeline(item.pipelines[i], io);
        state_.last_status = status;
    }
    co_return status;
}

awaitable<int> Interpreter::exec_pipeline(const Pipeline& pipeline, Io& io) {
    int status = 0;
    if (pipeline.commands.size() == 1) {
        status = co_await exec_command(*pipeline.commands[0], io);
    } else {
        // Each stage is a subshell: what it changes (cd, variables, exit) stays in it.
        std::string previous;
        for (std::size_t i = 0; i < pipeline.commands.size(); ++i) {
            if (spent()) break;
            const bool last = i + 1 == pipeline.commands.size();
            std::string output;
            Io stage{i == 0 ? io.input : std::optional<std::string_view>(previous),
                     last ? io.out : &output, io.err};
            const auto cwd = state_.cwd;
            const auto env = state_.env;
            const bool exiting = state_.exit_requested;
            status = co_await exec_command(*pipeline.commands[i], stage);
            state_.cwd = cwd;
            state_.env = env;
            state_.exit_requested = exiting;
            previous = std::move(output);
        }
    }
    if (pipeline.negated) status = status == 0 ? 1 : 0;
    co_return status;
}

awaitable<int> Interpreter::exec_command(const Command& command, Io& io) {
    if (command.kind == Command::Kind::function_def) {
        // A definition costs a step too, and the table is bounded.
        const bool go = co_await step();
        if (!go) co_return 1;
        if (functions_.size() < kMaxFunctions || functions_.count(command.name))
            functions_[command.name] = command.body;
        co_return 0;
    }
    if (command.redirects.empty()) {
        if (command.kind == Command::Kind::simple) co_return co_await exec_simple(command, io);
        co_return co_await exec_compound(command, io);
    }
    Redirected r;
    const bool opened = co_await open_redirects(command.redirects, io, r);
    if (!opened) co_return 1;
    int status = 0;
    if (command.kind == Command::Kind::simple)
        status = co_await exec_simple(command, r.io);
    else
        status = co_await exec_compound(command, r.io);
    close_redirects(r);
    co_return status;
}

awaitable<int> Interpreter::exec_compound(const Command& command, Io& io) {
    switch (command.kind) {
        case Command::Kind::simple:
            co_return co_await exec_simple(command, io);
        case Command::Kind::group:
            co_return co_await exec_list(command.lists[0], io);
        case Command::Kind::subshell: {
            const auto cwd = state_.cwd;
            const auto env = state_.env;
            const bool exiting = state_.exit_requested;
            const int status = co_await exec_list(command.lists[0], io);
            state_.cwd = cwd;
            state_.env = env;
            state_.exit_requested = exiting;
            co_return status;
        }
        case Command::Kind::if_clause: {
            const auto& lists = command.lists;
            std::size_t i = 0;
            for (; i + 1 < lists.size(); i += 2) {
                const int condition = co_await exec_list(lists[i], io);
                if (spent() || state_.exit_requested) co_return condition;
                if (condition == 0) co_return co_await exec_list(lists[i + 1], io);
            }
            if (i < lists.size()) co_return co_await exec_list(lists[i], io);
            co_return 0;
        }
        case Command::Kind::while_loop:
        case Command::Kind::until_loop:
            co_return co_await exec_loop(command, io);
        case Command::Kind::for_loop:
            co_return co_await exec_for(command, io);
        case Command::Kind::function_def:
            break;
    }
    co_return 0;
}

awaitable<int> Interpreter::exec_loop(const Command& command, Io& io) {
    const bool until = command.kind == Command::Kind::until_loop;
    int status = 0;
    ++loop_depth_;
    for (;;) {
        const bool go = co_await step();
        if (!go) break;
        const int condition = co_await exec_list(command.lists[0], io);
        if (spent() || state_.exit_requested) break;
        if ((condition == 0) == until) break;
        status = co_await exec_list(command.lists[1], io);
        if (control_ == LoopControl::break_loop || control_ == LoopControl::continue_loop) {
            const bool broke = control_ == LoopControl::break_loop;
            if (--control_count_ <= 0) control_ = LoopControl::none;
            if (broke || control_ != LoopControl::none) break;
        }
        if (spent() || state_.exit_requested || control_ != LoopControl::none) break;
    }
    --loop_depth_;
    co_return status;
}

awaitable<int> Interpreter::exec_for(const Command& command, Io& io) {
    std::vector<std::string> items;
    if (command.for_in) {
        items = co_await expand_words(command.items, io);
    } else if (!positional_.empty()) {
        items.assign(positional_.back().begin() + 1, positional_.back().end());
    }
    int status = 0;
    ++loop_depth_;
    for (const auto& item : items) {
        const bool go = co_await step();
        if (!go) break;
        state_.env[command.name] = item;
        status = co_await exec_list(command.lists[0], io);
        if (control_ == LoopControl::break_loop || control_ == LoopControl::continue_loop) {
            const bool broke = control_ == LoopControl::break_loop;
            if (--control_count_ <= 0) control_ = LoopControl::none;
            if (broke || control_ != LoopControl::none) break;
        }
        if (spent() || state_.exit_requested || control_ != LoopControl::none) break;
    }
    --loop_depth_;
    co_return status;
}

awaitable<int> Interpreter::exec_simple(const Command& command, Io& io) {
    const bool go = co_await step();
    if (!go) co_return 1;
    too_long_ = false;
    auto argv = co_await expand_words(command.words, io);
    std::vector<std::pair<std::string, std::string>> assignments;
    for (const auto& [name, value] : command.assignments) {
        auto text = co_await expand_word(value, io);
        assignments.emplace_back(name, std::move(text));
    }
    if (too_long_) {
        too_long_ = false;
        const std::string name = argv.empty() ? std::string("bash") : argv.front();
        const std::string err = state_.error_prefix + ": " + name + ": Argument list too long\n";
        co_await put(io, "", err);
        co_return 126;
    }
    if (argv.empty()) {
        // Only assignments (and redirections): they stay in the shell.
        for (auto& [name, value] : assignments) state_.env[name] = std::move(value);
        co_return command.words.empty() ? 0 : state_.last_status;
    }
    // An alias replaces the first word when it was typed plainly (ll → ls -alF).
    if (!command.words.empty() && command.words[0].is_plain_literal()) {
        const auto alias = state_.aliases.find(argv[0]);
        if (alias != state_.aliases.end()) {
            std::vector<std::string> replaced;
            std::size_t at = 0;
            const auto& text = alias->second;
            while ((at = text.find_first_not_of(' ', at)) != std::string::npos) {
                const auto end = text.find(' ', at);
                replaced.push_back(text.substr(at, end - at));
                at = end;
            }
            if (!replaced.empty()) {
                replaced.insert(replaced.end(), argv.begin() + 1, argv.end());
                argv = std::move(replaced);
            }
        }
    }
    // NAME=value cmd: the variables hold for that command only.
    std::vector<std::pair<std::string, std::optional<std::string>>> saved;
    for (auto& [name, value] : assignments) {
        const auto old = state_.env.find(name);
        saved.emplace_back(
            name, old == state_.env.end() ? std::nullopt : std::optional<std::string>(old->second));
        state_.env[name] = std::move(value);
    }
    const int status = co_await dispatch(std::move(argv), io);
    for (auto& [name, value] : saved) {
        if (value)
            state_.env[name] = std::move(*value);
        else
            state_.env.erase(name);
    }
    co_return status;
}

bool Interpreter::control_builtin(const std::vector<std::string>& argv, int& status) {
    const auto& name = argv[0];
    if (name != "break" && name != "continue" && name != "return") return false;
    status = 0;
    if (name == "return") {
        if (function_depth_ == 0) return false;
        control_ = LoopControl::return_function;
        if (argv.size() > 1) status = std::atoi(argv[1].c_str()) & 0xff;
        return true;
    }
    if (loop_depth_ == 0) return true;  // bash says nothing outside a loop in a script
    control_ = name == "break" ? LoopControl::break_loop : LoopControl::continue_loop;
    control_count_ = argv.size() > 1 ? std::max(1, std::atoi(argv[1].c_str())) : 1;
    return true;
}

awaitable<int> Interpreter::dispatch(std::vector<std::string> argv, Io& io) {
    int status = 0;
    if (control_builtin(argv, status)) co_return status;
    const auto& name = argv.front();
    if (const auto f = functions_.find(name); f != functions_.end() && f->second) {
        const CommandPtr body = f->second;  // the definition may be replaced while it runs
        co_return co_await call_function(*body, std::move(argv), io);
    }
    if (name.find('/') != std::string::npos) {
        const std::string path = name;
        co_return co_await exec_path(path, std::move(argv), io);
    }
    if (const auto* spec = find_command(name))
        co_return co_await run_command(*spec, std::move(argv), io);
    for (const auto dir : kPath) {
        const std::string path = std::string(dir) + "/" + name;
        const auto stat = state_.fs.stat(path, state_.scope());
        if (stat && stat.value.type == FsType::regular)
            co_return co_await exec_path(path, std::move(argv), io);
    }
    const std::string err = state_.error_prefix + ": " + name +
                            (busybox_shell(state_) ? ": not found\n" : ": command not found\n");
    co_await put(io, "", err);
    co_return 127;
}

awaitable<int> Interpreter::call_function(const Command& body, std::vector<std::string> argv,
                                          Io& io) {
    if (function_depth_ >= budget_.max_function_depth) {
        recursed_ = true;
        co_return 1;
    }
    if (function_depth_ > 8) recursed_ = true;
    ++function_depth_;
    positional_.push_back(std::move(argv));
    const int saved_loops = loop_depth_;
    loop_depth_ = 0;
    int status = co_await exec_command(body, io);
    if (control_ == LoopControl::return_function) {
        control_ = LoopControl::none;
        status = state_.last_status;
    }
    loop_depth_ = saved_loops;
    positional_.pop_back();
    --function_depth_;
    co_return status;
}

awaitable<std::string_view> Interpreter::terminal_input() {
    if (!terminal_input_) {
        terminal_input_.emplace();
        while (terminal_ && terminal_input_->size() < budget_.max_input &&
               std::chrono::steady_clock::now() < deadline_) {
            auto chunk = co_await terminal_->read();
            if (!chunk) break;
            append_bounded(*terminal_input_, *chunk);
        }
    }
    co_return std::string_view(*terminal_input_);
}

awaitable<int> Interpreter::run_command(const CommandSpec& spec, std::vector<std::string> argv,
                                        Io& io) {
    std::string_view input;
    if (io.input) {
        input = *io.input;
    } else if (stdin_from_terminal_ && reads_stdin(argv)) {
        input = co_await terminal_input();
    }
    Invocation inv{state_, std::move(argv), input, {}, {}, nullptr};
    if (io.out == nullptr) inv.terminal = terminal_;
    const int status = co_await spec.run(inv);
    co_await put(io, inv.out, inv.err);
    co_return status;
}

awaitable<void> Interpreter::put(Io& io, std::string_view out, std::string_view err) {
    // stderr first: unbuffered, it reaches a terminal before the command's buffered stdout.
    if (io.err)
        append_bounded(*io.err, err);
    else if (terminal_)
        co_await write_terminal(state_, *terminal_, err);
    if (io.out)
        append_bounded(*io.out, out);
    else if (terminal_)
        co_await write_terminal(state_, *terminal_, out);
}

awaitable<int> Interpreter::exec_path(const std::string& path, std::vector<std::string> argv,
                                      Io& io) {
    const auto fail = [&](std::string_view why) {
        return state_.error_prefix + ": " + path + ": " + std::string(why) + "\n";
    };
    const auto stat = state_.fs.stat(path, state_.scope());
    std::string err;
    int status = 126;
    if (!stat) {
        err = fail(fs_error_text(stat.error));
        status = 127;
    } else if (stat.value.type == FsType::directory) {
        err = fail("Is a directory");
    } else if ((stat.value.meta.mode & 0111) == 0) {
        err = fail("Permission denied");
    }
    if (!err.empty()) {
        co_await put(io, "", err);
        co_return status;
    }
    const auto real = state_.fs.realpath(path, state_.scope());
    const std::string base = real ? real.value.substr(real.value.rfind('/') + 1) : path;
    const auto body = state_.fs.read(path, state_.scope());
    const std::string_view data = body ? std::string_view(body.value) : std::string_view();
    if (data.starts_with("\x7f"
                         "ELF")) {
        // The decky's own binaries run as the command they are; anything else (a dropped
        // bot for another CPU, or one that "needs" a missing loader) fails to exec.
        const bool system =
            real && (real.value.starts_with("/usr/") || real.value.starts_with("/bin/") ||
                     real.value.starts_with("/sbin/"));
        if (system) {
            if (const auto* spec = find_command(base)) {
                argv[0] = base;
                co_return co_await run_command(*spec, std::move(argv), io);
            }
            co_return 0;  // a real tool we do not emulate: it does nothing visible
        }
        const std::string err = fail("cannot execute binary file: Exec format error");
        co_await put(io, "", err);
        co_return 126;
    }
    if (data.size() > kMaxScript) {
        const std::string err = fail("Argument list too long");
        co_await put(io, "", err);
        co_return 126;
    }
    // A script: its lines run here, as sh would run them.
    std::string script(data);
    co_return co_await run_parsed(script, std::move(argv), io, path);
}

awaitable<int> Interpreter::run_parsed(std::string_view script, std::vector<std::string> args,
                                       Io& io, std::string_view error_prefix) {
    if (substitution_depth_ >= budget_.max_substitution_depth) {
        recursed_ = true;
        co_return 1;
    }
    const auto parsed = parse(script);
    if (!parsed) {
        const std::string err = std::string(error_prefix) + ": line 1: " + parsed.error + "\n";
        co_await put(io, "", err);
        co_return 2;
    }
    ++substitution_depth_;
    positional_.push_back(std::move(args));
    const bool exiting = state_.exit_requested;
    const int status = co_await exec_list(parsed.list, io);
    const int exit_status = state_.exit_status;
    const bool exited = state_.exit_requested && !exiting;
    state_.exit_requested = exiting;  // `exit` in a script ends the script, not the login
    positional_.pop_back();
    --substitution_depth_;
    co_return exited ? exit_status : status;
}

awaitable<int> Interpreter::run_argv(Invocation& parent, std::vector<std::string> argv) {
    if (argv.empty()) co_return 0;
    Io io{parent.input, &parent.out, &parent.err};
    co_return co_await dispatch(std::move(argv), io);
}

awaitable<int> Interpreter::run_script(Invocation& parent, std::string_view script,
                                       std::vector<std::string> args) {
    Io io{parent.input, &parent.out, &parent.err};
    const std::string prefix = args.empty() ? std::string("bash") : args.front();
    std::string text(script);
    co_return co_await run_parsed(text, std::move(args), io, prefix);
}

}  // namespace decnet::honeypot::shell
