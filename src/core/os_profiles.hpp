// OS fingerprint families: the TCP/IP behaviour a decky shows so scanners guess the OS its
// archetype claims (engine.md §4.4). Used for per-socket options in loopback mode and for
// per-namespace sysctls in netns mode.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet {

struct OsProfile {
    std::string_view family;  // linux, windows, bsd, embedded, cisco
    int ttl;                  // IP TTL of every packet (net.ipv4.ip_default_ttl)
    int syn_retries;
    bool tcp_timestamps;
    bool window_scaling;
    bool sack;
    int ecn;  // net.ipv4.tcp_ecn
    bool no_pmtu_disc;
    int fin_timeout;  // seconds
    int icmp_ratelimit;
    int icmp_ratemask;
    int initial_window;  // bytes advertised in the SYN-ACK
    int window_scale;    // shift advertised when window_scaling is on
    int mss;
    int rmem_default;  // socket buffer sizes (bytes)
    int wmem_default;

    // The ten namespaced sysctls as strings, in the reference's order.
    std::vector<std::pair<std::string, std::string>> sysctls() const;
};

// In order: linux, windows, bsd, embedded, cisco.
std::span<const OsProfile> all_os_profiles();
// Unknown family → the linux profile (like the reference).
const OsProfile& os_profile(std::string_view family);
bool is_known_os_family(std::string_view family);

}  // namespace decnet
