// socket/bind/listen on a thread that entered the namespace (see namespace_socket.hpp).
#include "engine/netns/namespace_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "engine/netns/enter_namespace.hpp"

namespace decnet::engine::netns {

namespace {

// Closes what it holds unless released: a failure halfway leaves no socket behind.
struct SocketList {
    std::vector<int> fds;
    SocketList() = default;
    SocketList(const SocketList&) = delete;
    SocketList& operator=(const SocketList&) = delete;
    ~SocketList() {
        for (const int fd : fds) close(fd);
    }
    std::vector<int> release() { return std::exchange(fds, {}); }
};

}  // namespace

std::vector<int> open_sockets_in_namespace(const std::string& namespace_name, const std::string& ip,
                                           std::uint16_t port, SocketKind kind,
                                           std::size_t copies) {
    const bool tcp = kind == SocketKind::tcp;
    const std::string where = ip + ":" + std::to_string(port) + (tcp ? "/tcp" : "/udp") +
                              " in namespace " + namespace_name;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1)
        throw ConfigError("cannot listen on " + where + ": not an IPv4 address");
    const bool group = copies > 1;
    const auto fail = [&] {
        throw ConfigError("cannot listen on " + where + ": " + std::strerror(errno));
    };

    SocketList sockets;
    run_in_namespace(namespace_name, [&] {
        // A socket belongs to the namespace of the thread that creates it.
        const auto open_bound = [&](bool reuse_port) {
            const int s = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
            if (s < 0) fail();
            sockets.fds.push_back(s);
            const int on = 1;
            setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
            if (reuse_port && setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) fail();
            if (bind(s, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) fail();
        };
        if (group) {
            // A plain bind first: the group must not join another socket's by accident.
            open_bound(false);
            close(sockets.fds.back());
            sockets.fds.pop_back();
        }
        for (std::size_t i = 0; i < std::max<std::size_t>(copies, 1); ++i) {
            open_bound(group);
            if (tcp && listen(sockets.fds.back(), SOMAXCONN) != 0) fail();
        }
    });
    return sockets.release();
}

}  // namespace decnet::engine::netns
