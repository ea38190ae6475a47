// fork/setsid daemonisation with a readiness pipe and a TTY progress bar.
#include "cli/daemon.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

#include "core/error.hpp"

namespace decnet::cli {
namespace {

// Long enough for thousands of deckies; a daemon silent for this long is reported stuck.
constexpr auto kReadyTimeout = std::chrono::seconds(120);

void draw_progress(std::size_t done, std::size_t total) {
    constexpr std::size_t width = 30;
    const std::size_t filled = total ? done * width / total : width;
    std::cerr << "\rStarting deckies [" << std::string(filled, '#')
              << std::string(width - filled, ' ') << "] " << done << "/" << total << std::flush;
}

// The parent's side: read lines until "ready"/"error", EOF or the timeout.
int wait_for_daemon(int fd, const std::string& log_file) {
    const bool tty = ::isatty(STDERR_FILENO);
    bool bar_drawn = false;
    std::string buffer;
    const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
    const auto finish_bar = [&] {
        if (bar_drawn) std::cerr << "\n";
        bar_drawn = false;
    };
    while (std::chrono::steady_clock::now() < deadline) {
        const auto nl = buffer.find('\n');
        if (nl != std::string::npos) {
            const std::string line = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            std::istringstream in(line);
            std::string kind;
            in >> kind;
            if (kind == "progress") {
                std::size_t done = 0, total = 0;
                in >> done >> total;
                if (tty) {
                    draw_progress(done, total);
                    bar_drawn = true;
                }
            } else if (kind == "ready") {
                finish_bar();
                long pid = 0;
                std::size_t deckies = 0, listeners = 0;
                in >> pid >> deckies >> listeners;
                std::cout << "decnet deployed: " << deckies << " deckies, " << listeners
                          << " listeners (daemon pid " << pid << ", log " << log_file << ")."
                          << std::endl;
                return 0;
            } else if (kind == "error") {
                finish_bar();
                std::cerr << "Error:" << line.substr(5) << "\n";
                return 1;
            }
            continue;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 500) <= 0) continue;
        char chunk[4096];
        const auto n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
    finish_bar();
    std::cerr << "Error: the decnet daemon did not report its deckies listening; see " << log_file
              << "\n";
    return 1;
}

}  // namespace

DaemonChannel::~DaemonChannel() {
    if (fd_ >= 0) ::close(fd_);
}

void DaemonChannel::send(const std::string& line) {
    if (fd_ < 0) return;
    const auto text = line + "\n";
    // The parent may be gone (Ctrl+C while waiting); the daemon carries on regardless.
    if (::write(fd_, text.data(), text.size()) < 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

void DaemonChannel::progress(std::size_t done, std::size_t total) {
    send("progress " + std::to_string(done) + " " + std::to_string(total));
}

void DaemonChannel::ready(std::size_t deckies, std::size_t listeners) {
    send("ready " + std::to_string(::getpid()) + " " + std::to_string(deckies) + " " +
         std::to_string(listeners));
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void DaemonChannel::failed(const std::string& message) {
    std::string one_line = message;
    for (auto& c : one_line)
        if (c == '\n') c = ' ';
    send("error " + one_line);
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

int run_daemonized(const std::string& log_file, const std::function<int(DaemonChannel&)>& body) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        throw ConfigError(std::string("pipe: ") + std::strerror(errno));
    std::cout << std::flush;
    std::cerr << std::flush;
    const pid_t first = ::fork();
    if (first < 0) throw ConfigError(std::string("fork: ") + std::strerror(errno));
    if (first > 0) {
        ::close(pipe_fds[1]);
        int status = 0;
        ::waitpid(first, &status, 0);  // the intermediate child exits at once
        const int code = wait_for_daemon(pipe_fds[0], log_file);
        ::close(pipe_fds[0]);
        return code;
    }
    // Intermediate child: new session, then fork again so the daemon is no session
    // leader and can never reacquire a controlling terminal.
    ::close(pipe_fds[0]);
    ::setsid();
    const pid_t second = ::fork();
    if (second != 0) ::_exit(second < 0 ? 1 : 0);

    DaemonChannel channel(pipe_fds[1]);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (null_fd < 0 || log_fd < 0) {
        channel.failed("cannot open " + log_file + ": " + std::strerror(errno));
        ::_exit(1);
    }
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::close(null_fd);
    ::close(log_fd);
    ::umask(0077);
    try {
        return body(channel);
    } catch (const ConfigError& e) {
        std::cerr << "Error: " << e.located() << std::endl;
        channel.failed(e.located());
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "Error: " << e.what() << std::endl;
        channel.failed(e.what());
        return 1;
    }
}

}  // namespace decnet::cli
