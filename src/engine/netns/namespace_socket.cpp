// socket/bind/listen on a thread that entered the namespace (see namespace_socket.hpp).
#include "engine/netns/namespace_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "engine/netns/enter_namespace.hpp"

namespace decnet::engine::netns {

int open_socket_in_namespace(const std::string& namespace_name, const std::string& ip,
                             std::uint16_t port, SocketKind kind) {
    const bool tcp = kind == SocketKind::tcp;
    const std::string where = ip + ":" + std::to_string(port) + (tcp ? "/tcp" : "/udp") +
                              " in namespace " + namespace_name;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1)
        throw ConfigError("cannot listen on " + where + ": not an IPv4 address");

    int fd = -1;
    run_in_namespace(namespace_name, [&] {
        // The socket belongs to the namespace of the thread that creates it.
        const int s = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
        if (s < 0) throw ConfigError("cannot listen on " + where + ": " + std::strerror(errno));
        const int on = 1;
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        const bool ok = bind(s, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
                        (!tcp || listen(s, SOMAXCONN) == 0);
        if (!ok) {
            const int err = errno;
            close(s);
            throw ConfigError("cannot listen on " + where + ": " + std::strerror(err));
        }
        fd = s;
    });
    return fd;
}

}  // namespace decnet::engine::netns
