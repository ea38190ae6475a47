// posix_spawn + poll: safe in a multi-threaded process (no fork-then-work), bounded in
// time and output so a hung `ip` can never stall start-up or teardown.
#include "engine/netns/command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"

extern char** environ;

namespace decnet::engine::netns {
namespace {

std::string joined(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
    return out;
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// Waits for the child; after `deadline` it is killed. Returns the wait status.
int reap(pid_t pid, std::chrono::steady_clock::time_point deadline, bool& timed_out) {
    int status = 0;
    // Bounded: the child was already SIGKILLed or its output closed; 200 × 10 ms at most.
    for (int i = 0; i < 200; ++i) {
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return -1;
        if (std::chrono::steady_clock::now() > deadline && !timed_out) {
            timed_out = true;
            kill(pid, SIGKILL);
        }
        usleep(10'000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return status;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    CommandResult result;
    if (argv.empty()) throw ConfigError("run_command: empty command line");
    std::array<int, 2> pipe_fds{};
    if (pipe2(pipe_fds.data(), O_CLOEXEC) != 0)
        throw ConfigError("cannot create a pipe for '" + argv[0] + "': " + std::strerror(errno));

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int err = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (err != 0) {
        close(pipe_fds[0]);
        throw ConfigError("cannot run '" + argv[0] + "': " + std::strerror(err) +
                          (argv[0] == "ip" ? " (install iproute2)" : ""));
    }

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::array<char, 4096> buffer{};
    for (;;) {  // ends at EOF, on the deadline, or when the output cap is reached
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{pipe_fds[0], POLLIN, 0};
        const int ready = poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) break;
        const ssize_t n = read(pipe_fds[0], buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (result.output.size() < kMaxCommandOutput)
            result.output.append(buffer.data(), static_cast<std::size_t>(n));
    }
    close(pipe_fds[0]);
    if (std::chrono::steady_clock::now() > deadline) {
        result.timed_out = true;
        kill(pid, SIGKILL);
    }
    const int status = reap(pid, deadline, result.timed_out);
    result.exit_code = (!result.timed_out && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
    return result;
}

CommandResult try_ip(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"ip"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
}

std::string run_ip(const std::vector<std::string>& args) {
    auto r = try_ip(args);
    if (r.exit_code == 0) return r.output;
    const std::string what = "ip " + joined(args);
    if (r.timed_out)
        throw ConfigError("'" + what + "' did not finish within " +
                          std::to_string(kCommandTimeout.count()) + " s");
    throw ConfigError("'" + what + "' failed (exit " + std::to_string(r.exit_code) +
                      "): " + trimmed(r.output));
}

}  // namespace decnet::engine::netns
