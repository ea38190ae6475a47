// Control socket server: poll()-driven, one connection at a time (control traffic is a
// handful of CLI calls), each with a deadline and a request-size cap.
#include "engine/control_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace decnet::engine {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

bool write_all(int fd, std::string_view data, Clock::time_point deadline) {
    while (!data.empty()) {
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
        const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

ControlServer::ControlServer(std::string socket_path, Handler handler, ControlLimits limits)
    : path_(std::move(socket_path)), handler_(std::move(handler)), limits_(limits) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path_.size() >= sizeof address.sun_path)
        throw ConfigError("control socket path too long (" + std::to_string(path_.size()) +
                          " bytes, at most " + std::to_string(sizeof address.sun_path - 1) +
                          "): " + path_ + "; use a shorter --state-dir");
    std::memcpy(address.sun_path, path_.c_str(), path_.size() + 1);
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (listen_fd_ < 0) throw ConfigError(std::string("control socket: ") + std::strerror(errno));
    ::unlink(path_.c_str());  // a stale socket from a crashed instance
    // Created 0600 (umask), then chmod'ed in case the umask was more permissive.
    const auto old_mask = ::umask(0177);
    const int bound = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::umask(old_mask);
    if (bound != 0 || ::listen(listen_fd_, 16) != 0) {
        const std::string why = std::strerror(errno);
        ::close(listen_fd_);
        throw ConfigError("cannot listen on control socket " + path_ + ": " + why);
    }
    ::chmod(path_.c_str(), 0600);
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
        ::close(listen_fd_);
        throw ConfigError(std::string("control socket: ") + std::strerror(errno));
    }
    thread_ = std::thread([this] { serve(); });
}

ControlServer::~ControlServer() {
    stop();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

void ControlServer::stop() {
    if (stopping_.exchange(true)) return;
    const char byte = 1;
    if (::write(wake_[1], &byte, 1) < 0) {
        // The pipe is non-blocking and empty, so this can't fail in practice.
    }
    if (thread_.joinable()) thread_.join();
    ::unlink(path_.c_str());
}

void ControlServer::serve() {
    while (!stopping_) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        if (::poll(fds, 2, 1000) <= 0) continue;
        if (fds[1].revents) break;
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) continue;
        serve_connection(fd);
        ::close(fd);
    }
}

void ControlServer::serve_connection(int fd) {
    const auto deadline = Clock::now() + limits_.connection_timeout;
    std::string buffer;
    for (int served = 0; served < limits_.max_requests_per_connection && !stopping_;) {
        const auto newline = buffer.find('\n');
        if (newline != std::string::npos) {
            const std::string request = buffer.substr(0, newline);
            buffer.erase(0, newline + 1);
            ++served;
            if (!write_all(fd, handler_(request) + "\n", deadline)) return;
            continue;
        }
        if (buffer.size() > limits_.max_request) {
            write_all(fd,
                      R"({"ok":false,"error":"request too large"})"
                      "\n",
                      deadline);
            return;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return;  // timed out
        char chunk[4096];
        const auto n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) return;  // peer closed
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

}  // namespace decnet::engine
