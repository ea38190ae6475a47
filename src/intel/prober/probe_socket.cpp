// POSIX sockets with poll deadlines for the prober's probes.
#include "intel/prober/probe_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace decnet::intel::prober {
namespace {

int millis_left(Deadline deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 60000));
}

IoStatus wait_for(int fd, short events, Deadline deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        // A deadline already past still looks once: "whatever has arrived".
        const int r = ::poll(&p, 1, millis_left(deadline));
        if (r > 0) return IoStatus::ok;
        if (r == 0) return IoStatus::timeout;
        if (errno != EINTR) return IoStatus::error;
    }
}

}  // namespace

ProbeSocket::~ProbeSocket() {
    if (fd_ >= 0) ::close(fd_);
}

IoStatus ProbeSocket::open_bound(std::uint16_t& local_port) {
    if (fd_ < 0) fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return IoStatus::error;
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return IoStatus::error;
    socklen_t len = sizeof local;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len) != 0) return IoStatus::error;
    local_port = ntohs(local.sin_port);
    return IoStatus::ok;
}

IoStatus ProbeSocket::connect(const std::string& ip, std::uint16_t port, Deadline deadline,
                              std::string& error) {
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(port);
    if (::inet_pton(AF_INET, ip.c_str(), &peer.sin_addr) != 1) {
        error = "not an IPv4 address";
        return IoStatus::error;
    }
    if (fd_ < 0) fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        error = std::strerror(errno);
        return IoStatus::error;
    }
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&peer), sizeof peer) == 0) return IoStatus::ok;
    if (errno != EINPROGRESS) {
        error = std::strerror(errno);
        return IoStatus::error;
    }
    const auto waited = wait_for(fd_, POLLOUT, deadline);
    if (waited != IoStatus::ok) {
        error = waited == IoStatus::timeout ? "connect timed out" : std::strerror(errno);
        return waited;
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
        error = std::strerror(so_error);
        return IoStatus::error;
    }
    return IoStatus::ok;
}

IoStatus ProbeSocket::send_all(std::string_view data, Deadline deadline) {
    while (!data.empty()) {
        const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            const auto waited = wait_for(fd_, POLLOUT, deadline);
            if (waited != IoStatus::ok) return waited;
            continue;
        }
        return IoStatus::error;
    }
    return IoStatus::ok;
}

IoStatus ProbeSocket::read_some(std::string& out, std::size_t max, Deadline deadline) {
    if (max == 0) return IoStatus::ok;
    for (;;) {
        const auto waited = wait_for(fd_, POLLIN, deadline);
        if (waited != IoStatus::ok) return waited;
        const auto old = out.size();
        out.resize(old + max);
        const auto n = ::recv(fd_, out.data() + old, max, 0);
        out.resize(old + static_cast<std::size_t>(n > 0 ? n : 0));
        if (n > 0) return IoStatus::ok;
        if (n == 0) return IoStatus::closed;
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        return IoStatus::error;
    }
}

void ProbeSocket::abort() {
    if (fd_ < 0) return;
    const linger hard{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(fd_);
    fd_ = -1;
}

}  // namespace decnet::intel::prober
