// Builds IPv4/IPv6 TCP frames for the sniffer's tests (no checksums: nothing checks them).
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <string>
#include <vector>

namespace decnet::test::packet {

struct Tcp {
    std::string src = "10.0.0.7", dst = "192.168.1.10";
    std::uint16_t sport = 40000, dport = 443;
    std::uint32_t seq = 1000, ack = 0;
    std::uint8_t flags = 0x02;
    std::uint16_t window = 64240;
    std::uint8_t ttl = 64;
    bool df = true;
    std::uint16_t ip_id = 1;
    std::string options;  // raw, padded to 4 bytes by the builder
    std::string payload;
};

inline std::string be16(unsigned v) {
    return {char(v >> 8), char(v & 0xff)};
}
inline std::string be32(std::uint32_t v) {
    return be16(v >> 16) + be16(v & 0xffff);
}

inline std::string tcp_segment(const Tcp& t) {
    std::string options = t.options;
    while (options.size() % 4) options += '\0';
    std::string out = be16(t.sport) + be16(t.dport) + be32(t.seq) + be32(t.ack);
    out += char(((20 + options.size()) / 4) << 4);
    out += char(t.flags);
    out += be16(t.window) + be16(0) + be16(0) + options + t.payload;
    return out;
}

inline std::string ipv4(const Tcp& t) {
    const auto segment = tcp_segment(t);
    std::string out = "\x45";
    out += '\0';
    out += be16(20 + segment.size()) + be16(t.ip_id) + be16(t.df ? 0x4000 : 0);
    out += char(t.ttl);
    out += char(6);
    out += be16(0);
    unsigned char a[4], b[4];
    inet_pton(AF_INET, t.src.c_str(), a);
    inet_pton(AF_INET, t.dst.c_str(), b);
    out.append(reinterpret_cast<char*>(a), 4).append(reinterpret_cast<char*>(b), 4);
    return out + segment;
}

inline std::string ipv6(const Tcp& t) {
    const auto segment = tcp_segment(t);
    std::string out = std::string("\x60\x00\x00\x00", 4) + be16(segment.size());
    out += char(6);
    out += char(t.ttl);
    unsigned char a[16], b[16];
    inet_pton(AF_INET6, t.src.c_str(), a);
    inet_pton(AF_INET6, t.dst.c_str(), b);
    out.append(reinterpret_cast<char*>(a), 16).append(reinterpret_cast<char*>(b), 16);
    return out + segment;
}

inline std::string ethernet(const std::string& ip, std::vector<unsigned> vlans = {},
                            unsigned ethertype = 0x0800) {
    std::string out(12, '\x11');
    for (auto vlan : vlans) out += be16(0x8100) + be16(vlan);
    out += be16(ethertype) + ip;
    while (out.size() < 60) out += '\0';  // Ethernet padding
    return out;
}

// MSS 1460, SACK-permitted, timestamps, NOP, window scale 7: Linux's SYN options.
inline std::string linux_options(std::uint32_t tsval = 12345) {
    return std::string("\x02\x04\x05\xb4\x04\x02\x08\x0a", 8) + be32(tsval) + be32(0) +
           std::string("\x01\x03\x03\x07", 4);
}

}  // namespace decnet::test::packet
