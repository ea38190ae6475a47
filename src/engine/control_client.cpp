// One request/response exchange over the control socket, bounded in time and size.
#include "engine/control_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace decnet::engine {
namespace {

constexpr std::size_t kMaxResponse = 16 * 1024 * 1024;

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::optional<std::string> control_request(const std::string& socket_path, std::string_view request,
                                           std::chrono::milliseconds timeout) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof address.sun_path) return std::nullopt;
    std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
    const Fd sock{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
    if (sock.fd < 0) throw ConfigError(std::string("socket: ") + std::strerror(errno));
    if (::connect(sock.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        return std::nullopt;  // ENOENT / ECONNREFUSED: nobody serves this state dir

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const auto left = [&] {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
        return ms > 0 ? static_cast<int>(ms) : 0;
    };
    const auto broken = [&](const std::string& why) {
        return ConfigError("control socket " + socket_path + ": " + why);
    };
    std::string out = std::string(request) + "\n";
    std::string_view pending = out;
    while (!pending.empty()) {
        pollfd p{sock.fd, POLLOUT, 0};
        if (::poll(&p, 1, left()) <= 0) throw broken("timed out sending the request");
        const auto n = ::send(sock.fd, pending.data(), pending.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw broken(std::strerror(errno));
        pending.remove_prefix(static_cast<std::size_t>(n));
    }
    std::string response;
    while (response.find('\n') == std::string::npos) {
        if (response.size() > kMaxResponse) throw broken("response too large");
        pollfd p{sock.fd, POLLIN, 0};
        if (::poll(&p, 1, left()) <= 0) throw broken("no answer in time");
        char chunk[8192];
        const auto n = ::recv(sock.fd, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw broken("closed before answering");
        response.append(chunk, static_cast<std::size_t>(n));
    }
    response.resize(response.find('\n'));
    return response;
}

}  // namespace decnet::engine
