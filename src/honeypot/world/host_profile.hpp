// HostProfile: the machine facts a decky's shell and /proc must agree on — kernel release
// and build line of its distro, CPU model and count, memory, boot time, install date —
// chosen deterministically from the decky's name and hostname (the same decky is the same
// machine after a restart; two deckies differ) and sized for its archetype.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot {

struct HostIdentity {
    std::string_view decky;
    std::string_view hostname;
    std::string_view distro;     // slug; unknown → debian
    std::string_view archetype;  // slug or empty
    std::string_view os_family;  // nmap_os
    std::string_view ip;         // the decky's address: a private one sets its LAN
};

// A neighbour on the decky's pretend LAN (in /etc/hosts, known_hosts, histories, `last`).
struct LanHost {
    std::string name;  // short name (db01)
    std::string ip;
};

struct HostProfile {
    std::uint64_t seed = 0;      // hash of decky name and hostname: every later choice uses it
    std::string kernel_release;  // uname -r: 6.1.0-27-amd64
    std::string kernel_version;  // uname -v: #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (…)
    std::string proc_version;    // /proc/version (without the newline)
    std::string machine = "x86_64";
    std::string os_name = "GNU/Linux";  // uname -o
    std::string cpu_vendor;             // GenuineIntel / AuthenticAMD
    std::string cpu_model;              // model name
    int cpu_family = 6, cpu_model_number = 85, cpu_stepping = 7;
    double cpu_mhz = 2400.0;
    int cache_kb = 16384;
    int cpu_count = 2;
    std::uint64_t mem_total_kb = 4'000'000;
    std::int64_t install_time = 0;  // epoch seconds: the OS was installed then
    std::int64_t boot_period = 0;   // the host "reboots for patches" this often…
    std::int64_t boot_phase = 0;    // …at this offset in the period
    std::string domain;             // the LAN's DNS domain (corp.local, …)
    std::vector<LanHost> lan;       // gateway first, then dc01, db01, backup01, …

    // When the host last booted, as seen at `now` (stable across restarts of decnet).
    std::int64_t boot_time(std::int64_t now) const;
    double uptime(std::int64_t now) const { return static_cast<double>(now - boot_time(now)); }
    // A neighbour by name, else the gateway.
    const LanHost& neighbour(std::string_view name) const;
};

// A stable 64-bit hash (FNV-1a) of `text`: seeds for per-decky choices.
std::uint64_t stable_hash(std::string_view text, std::uint64_t seed = 0xcbf29ce484222325ULL);

HostProfile make_host_profile(const HostIdentity& identity);

}  // namespace decnet::honeypot
