// The attacker's side of UDP in tests (unit and integration): an IPv4 address, a socket
// connected to a decky's port, one datagram out and its reply back, and whether a port
// can be bound. Header-only: shared by test binaries that link nothing else in common.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace decnet::testing {

inline sockaddr_in ipv4_address(const std::string& ip, std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
    return address;
}

// A UDP socket connected to ip:port whose receives give up after `wait` (so an ICMP port
// unreachable or silence both end in "no reply").
inline int connected_udp_socket(const std::string& ip, std::uint16_t port,
                                std::chrono::milliseconds wait = std::chrono::milliseconds(500)) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(wait).count();
    timeval tv{static_cast<time_t>(micros / 1'000'000),
               static_cast<suseconds_t>(micros % 1'000'000)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const auto address = ipv4_address(ip, port);
    ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    return fd;
}

// Sends one datagram to ip:port; the reply, or "" (none within 500 ms, or ICMP port
// unreachable).
inline std::string udp_exchange(const std::string& ip, std::uint16_t port,
                                const std::string& datagram) {
    const int fd = connected_udp_socket(ip, port);
    ::send(fd, datagram.data(), datagram.size(), 0);
    char buffer[2048];
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    ::close(fd);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

// Binds a UDP socket to ip:port; returns it (the caller closes it) or -1.
inline int bound_udp_socket(const std::string& ip, std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    const auto address = ipv4_address(ip, port);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) return fd;
    ::close(fd);
    return -1;
}

inline bool udp_bindable(const std::string& ip, std::uint16_t port) {
    const int fd = bound_udp_socket(ip, port);
    if (fd >= 0) ::close(fd);
    return fd >= 0;
}

}  // namespace decnet::testing
