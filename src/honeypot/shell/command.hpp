// One shell command (commands/<name>.cpp, one file each, Cowrie's layout): a coroutine over
// an Invocation — its argv, its stdin (a pipe's previous output, a here-string, or the
// exec channel's input), and stdout/stderr buffers the interpreter routes to the terminal,
// the next pipe stage or a redirection. commands/registry.cpp lists them, one line each.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::shell {

struct ShellState;
class Terminal;

// Output a command may produce (yes, cat /dev/zero): past it the command stops, as if the
// reader went away, and the shell says nothing more about it.
constexpr std::size_t kMaxCommandOutput = 1024 * 1024;

struct Invocation {
    ShellState& state;
    std::vector<std::string> argv;  // argv[0] as typed (`/bin/ls` or `ls`)
    std::string_view input;         // stdin
    std::string out;                // stdout (bounded by kMaxCommandOutput: use write_out)
    std::string err;                // stderr
    // The terminal when this command's stdout goes straight to it (last in a pipeline, no
    // redirection): long-running commands (ping, sleep loops) may stream through it.
    Terminal* terminal = nullptr;

    // Appends within kMaxCommandOutput; false once the cap is reached (stop producing).
    bool write_out(std::string_view text);
    void write_err(std::string_view text);
    const std::string& name() const { return argv.front(); }
};

// What commands that run other commands (sh -c, sudo, nohup, busybox, xargs) call back
// into: the shell's interpreter. Their output lands in `parent`'s out and err.
class CommandRunner {
  public:
    virtual ~CommandRunner() = default;
    // argv as a simple command (argv[0] looked up as functions, commands and paths are).
    virtual boost::asio::awaitable<int> run_argv(Invocation& parent,
                                                 std::vector<std::string> argv) = 0;
    // A script (sh -c '...', sh file, eval) with parent's stdin; `args` are $0 $1 ….
    virtual boost::asio::awaitable<int> run_script(Invocation& parent, std::string_view script,
                                                   std::vector<std::string> args) = 0;
};

// Exit status, as the real command would return it.
using CommandFn = boost::asio::awaitable<int> (*)(Invocation&);

struct CommandSpec {
    std::string_view name;  // bare name (ls)
    CommandFn run;
    std::string_view path;  // where `which` finds it (/usr/bin/ls); "" for shell builtins
};

// Every command the shell knows (commands/registry.cpp).
std::span<const CommandSpec> commands();
const CommandSpec* find_command(std::string_view name);

}  // namespace decnet::honeypot::shell
