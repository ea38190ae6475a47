// A blocking loopback TCP client for runtime tests: connect with a 2 s receive timeout, and
// a RESP PING through it (a redis decky is the runtime tests' probe service).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace decnet::testing {

// The connected socket, or -1 when the connect is refused.
inline int connect_to(const std::string& ip, int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// The answer to one inline PING ("" when the peer is gone or silent for 2 s).
inline std::string ping(int fd) {
    const std::string command = "PING\r\n";
    if (::send(fd, command.data(), command.size(), MSG_NOSIGNAL) < 0) return {};
    char buffer[64];
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace decnet::testing
