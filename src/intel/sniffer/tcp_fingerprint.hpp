// What a client's SYN says about its TCP stack, besides p0f: the reference's option letters
// and coarse OS table (intel.md §2.7, kept as the fallback label), TTL buckets, and JA4T
// (FoxIO: window_options_mss_wscale).
#pragma once

#include <optional>
#include <string>

#include "wire/packet.hpp"

namespace decnet::intel::sniffer {

struct SynFingerprint {
    int ttl = 0, initial_ttl = 0, hop_distance = 0;
    int window = 0, mss = 0;
    std::optional<int> wscale;
    std::string options_sig;  // "M,S,T,N,W"
    bool has_sack = false, has_timestamps = false;
    std::string ja4t;  // "64240_2-4-8-1-3_1460_7"
};
SynFingerprint syn_fingerprint(const wire::packet::Packet& syn);

// intel.md §2.7 (checks 30 and 31).
int initial_ttl(int ttl);
int hop_distance(int ttl);
std::string options_signature(const wire::packet::TcpOptions& options);
std::string guess_os(int ttl, int window, int mss, std::optional<int> wscale,
                     const std::string& options_sig);

}  // namespace decnet::intel::sniffer
