// The shell's event vocabulary (see shell_events.hpp).
#include "honeypot/shell/shell_events.hpp"

namespace decnet::honeypot::shell {

namespace {

constexpr EventDecl kShellEvents[] = {
    {"command", "src_ip src_port user cmd cwd status",
     "one shell command line (typed or ssh exec), where it ran and its exit status"},
    {"shell_limit", "src_ip src_port user cmd limit",
     "a command line cut short by the shell's budget (steps, time or memory)"},
};

}  // namespace

std::span<const EventDecl> shell_events() {
    return kShellEvents;
}

}  // namespace decnet::honeypot::shell
