// TCP/IP stack fingerprint of a target's SYN-ACK (intel.md §3.4): the IPv4 and TCP header
// fields and option order of the answer to an ordinary connect(), read from a raw
// IPPROTO_TCP socket (needs CAP_NET_RAW; docs/PROBER.md). The parser is pure and fuzzed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::intel::prober {

struct SynAck {
    std::uint32_t src = 0, dst = 0;  // host byte order
    std::uint16_t src_port = 0, dst_port = 0;
    std::uint8_t flags = 0;
    int ttl = 0;
    int window_size = 0;
    int df_bit = 0;
    int mss = 0;            // 0 when absent
    int window_scale = -1;  // -1 when absent
    int sack_ok = 0;
    int timestamp = 0;
    std::string options_order;  // "M,N,W,N,N,T,S,E" (intel.md §2.7 letters, '?' unknown)
};

// An IPv4 packet carrying TCP (the IP header first, as a raw socket delivers it); nullopt
// when it is not one or is malformed. Flags are not checked here.
std::optional<SynAck> parse_tcp_packet(std::string_view packet);

// "ttl:window:df:mss:wscale:sack:ts:options" and its hash (first 32 hex of SHA-256).
std::string tcpfp_raw(const SynAck& s);
std::string tcpfp_hash(std::string_view raw);

}  // namespace decnet::intel::prober
