// Runs an external command (iproute2's `ip`) without a shell: argv as given, stdout and
// stderr captured together, a hard time limit, and the exit status checked by the caller.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace decnet::engine::netns {

struct CommandResult {
    int exit_code = -1;  // -1 when killed (timeout) or not started
    std::string output;  // stdout and stderr, at most kMaxCommandOutput bytes
    bool timed_out = false;
};

inline constexpr std::size_t kMaxCommandOutput = 64 * 1024;
inline constexpr std::chrono::seconds kCommandTimeout{10};

// Never throws for a failing command; throws ConfigError only when it cannot be started.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = kCommandTimeout);

// `ip <args...>`; throws ConfigError "ip link add … failed (exit 2): <output>" unless it
// exits 0.
std::string run_ip(const std::vector<std::string>& args);
// Same, but a failure is returned instead of thrown (teardown steps that may find the
// object already gone).
CommandResult try_ip(const std::vector<std::string>& args);

}  // namespace decnet::engine::netns
