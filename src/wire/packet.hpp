// Captured frames decoded down to TCP/UDP, for the sniffer: link layers libpcap hands over
// (Ethernet with 802.1Q/QinQ tags, BSD loopback, Linux cooked v1/v2, raw IP), IPv4 (with
// options), IPv6 (skipping hop-by-hop/routing/destination extension headers), TCP with its
// options, UDP. Bounded by the frame and by the IP length fields (Ethernet padding is not
// payload). Non-first fragments and anything else give nullopt. No Boost, no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::wire::packet {

// libpcap DLT / LINKTYPE numbers this decoder reads.
enum class LinkType : int {
    null = 0,         // BSD loopback: 4-byte address family in host order
    ethernet = 1,     // DLT_EN10MB
    raw = 12,         // DLT_RAW (as Linux libpcap reports it; LINKTYPE_RAW is 101)
    raw_ip = 101,     // LINKTYPE_RAW
    loop = 108,       // OpenBSD loopback: family in network order
    linux_sll = 113,  // Linux cooked capture v1 ("any")
    ipv4 = 228,
    ipv6 = 229,
    linux_sll2 = 276,
};

struct Address {
    std::uint8_t family = 0;  // 4 or 6
    std::array<std::uint8_t, 16> bytes{};
    bool operator==(const Address&) const = default;
    auto operator<=>(const Address&) const = default;
    std::string text() const;  // dotted quad or RFC 5952 text
    static std::optional<Address> parse(std::string_view text);
};

struct TcpOptions {
    std::vector<std::uint8_t> kinds;  // in wire order (EOL included, padding after it not)
    std::optional<std::uint16_t> mss;
    std::optional<std::uint8_t> wscale;
    bool sack_permitted = false, sack = false;
    std::optional<std::uint32_t> ts_val, ts_ecr;
    std::uint8_t eol_padding = 0;  // bytes after EOL
    bool data_after_eol = false;   // any of them non-zero (p0f's opt+)
    bool malformed = false;        // a length past the end or below 2 (p0f's bad)
};
TcpOptions parse_tcp_options(std::string_view options);

struct Packet {
    // IP
    std::uint8_t ip_version = 0;
    Address src, dst;
    std::uint8_t ttl = 0;  // hop limit for IPv6
    std::uint8_t tos = 0;  // IPv4 TOS / IPv6 traffic class
    std::uint16_t ip_id = 0;
    bool df = false, reserved_flag = false;
    std::uint32_t flow_label = 0;
    std::uint8_t ip_options_length = 0;
    std::uint8_t protocol = 0;  // 6 TCP, 17 UDP
    // TCP / UDP
    std::uint16_t src_port = 0, dst_port = 0;
    std::uint32_t seq = 0, ack = 0;
    std::uint8_t flags =
        0;  // FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 ECE 0x40 CWR 0x80
    bool ns_flag = false;
    std::uint16_t window = 0, urgent = 0;
    std::string_view tcp_options;  // raw option bytes (views into the frame)
    std::string_view payload;
};

namespace tcp_flag {
constexpr std::uint8_t fin = 0x01, syn = 0x02, rst = 0x04, psh = 0x08, ack = 0x10, urg = 0x20,
                       ece = 0x40, cwr = 0x80;
}

// Decodes one frame; the views in the result point into `frame`.
std::optional<Packet> decode(LinkType link, std::string_view frame);
// From the IP header on (the version nibble says which).
std::optional<Packet> decode_ip(std::string_view datagram);

}  // namespace decnet::wire::packet
