// Every command the shell knows, one line each: its name, its function (commands/<name>.cpp)
// and where `which` finds it ("" for bash builtins).
#include <algorithm>
#include <array>

#include "honeypot/shell/command.hpp"

namespace decnet::honeypot::shell {

namespace cmd {
using Fn = boost::asio::awaitable<int>(Invocation&);
Fn cat, cd, clear, echo, eval, exit, false_command, hostname, id, logout, ls, printf, pwd, sh,
    source, test, true_command, uname, whoami;
}  // namespace cmd

namespace {

namespace c = cmd;

const auto kCommands = std::to_array<CommandSpec>({
    {":", &c::true_command, ""},
    {".", &c::source, ""},
    {"[", &c::test, ""},
    {"ash", &c::sh, "/usr/bin/ash"},
    {"bash", &c::sh, "/usr/bin/bash"},
    {"cat", &c::cat, "/usr/bin/cat"},
    {"cd", &c::cd, ""},
    {"clear", &c::clear, "/usr/bin/clear"},
    {"dash", &c::sh, "/usr/bin/dash"},
    {"echo", &c::echo, ""},
    {"eval", &c::eval, ""},
    {"exit", &c::exit, ""},
    {"false", &c::false_command, ""},
    {"hostname", &c::hostname, "/usr/bin/hostname"},
    {"id", &c::id, "/usr/bin/id"},
    {"logout", &c::logout, ""},
    {"ls", &c::ls, "/usr/bin/ls"},
    {"printf", &c::printf, ""},
    {"pwd", &c::pwd, ""},
    {"sh", &c::sh, "/usr/bin/sh"},
    {"source", &c::source, ""},
    {"test", &c::test, ""},
    {"true", &c::true_command, ""},
    {"uname", &c::uname, "/usr/bin/uname"},
    {"whoami", &c::whoami, "/usr/bin/whoami"},
});

}  // namespace

std::span<const CommandSpec> commands() {
    return kCommands;
}

const CommandSpec* find_command(std::string_view name) {
    for (const auto& spec : kCommands)
        if (spec.name == name) return &spec;
    return nullptr;
}

}  // namespace decnet::honeypot::shell
