// OS family data. The sysctl columns are the reference's; window, MSS and buffer sizes
// are what each family's stack typically advertises (p0f/nmap signatures).
#include "core/os_profiles.hpp"

#include <algorithm>
#include <array>

namespace decnet {
namespace {

// family, ttl, syn_retries, ts, wscale, sack, ecn, no_pmtu, fin, icmp_rl, icmp_mask,
// window, wscale shift, mss, rmem, wmem
constexpr std::array<OsProfile, 5> kProfiles = {{
    {"linux", 64, 6, true, true, true, 2, false, 60, 1000, 6168, 64240, 7, 1460, 212992, 212992},
    {"windows", 128, 2, false, true, true, 0, false, 30, 0, 0, 64240, 8, 1460, 65536, 65536},
    {"bsd", 64, 6, true, true, true, 0, false, 60, 250, 6168, 65535, 6, 1460, 65536, 32768},
    {"embedded", 255, 3, false, false, false, 0, true, 15, 0, 0, 5840, 0, 1460, 16384, 16384},
    {"cisco", 255, 2, false, false, false, 0, true, 15, 0, 0, 4128, 0, 536, 16384, 16384},
}};

std::string flag(bool b) {
    return b ? "1" : "0";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> OsProfile::sysctls() const {
    return {
        {"net.ipv4.ip_default_ttl", std::to_string(ttl)},
        {"net.ipv4.tcp_syn_retries", std::to_string(syn_retries)},
        {"net.ipv4.tcp_timestamps", flag(tcp_timestamps)},
        {"net.ipv4.tcp_window_scaling", flag(window_scaling)},
        {"net.ipv4.tcp_sack", flag(sack)},
        {"net.ipv4.tcp_ecn", std::to_string(ecn)},
        {"net.ipv4.ip_no_pmtu_disc", flag(no_pmtu_disc)},
        {"net.ipv4.tcp_fin_timeout", std::to_string(fin_timeout)},
        {"net.ipv4.icmp_ratelimit", std::to_string(icmp_ratelimit)},
        {"net.ipv4.icmp_ratemask", std::to_string(icmp_ratemask)},
    };
}

std::span<const OsProfile> all_os_profiles() {
    return kProfiles;
}

const OsProfile& os_profile(std::string_view family) {
    const auto it = std::find_if(kProfiles.begin(), kProfiles.end(),
                                 [&](const OsProfile& p) { return p.family == family; });
    return it == kProfiles.end() ? kProfiles[0] : *it;
}

bool is_known_os_family(std::string_view family) {
    return std::any_of(kProfiles.begin(), kProfiles.end(),
                       [&](const OsProfile& p) { return p.family == family; });
}

}  // namespace decnet
