// Per-distro kernels and per-archetype hardware, picked by the decky's seed.
#include "honeypot/world/host_profile.hpp"

#include <array>
#include <span>
#include <vector>

#include "core/rng.hpp"

namespace decnet::honeypot {
namespace {

// uname -r, uname -v, and the compiler part of /proc/version, as the distro ships them.
struct Kernel {
    std::string_view release;
    std::string_view version;
    std::string_view builder;  // "(user@host) (compiler, linker)"
};

constexpr std::array<Kernel, 3> kDebian = {{
    {"6.1.0-25-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.106-3 (2024-08-26)",
     "(debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils "
     "for Debian) 2.40)"},
    {"6.1.0-26-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30)",
     "(debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils "
     "for Debian) 2.40)"},
    {"6.1.0-27-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)",
     "(debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils "
     "for Debian) 2.40)"},
}};
constexpr std::array<Kernel, 3> kUbuntu22 = {{
    {"5.15.0-119-generic", "#129-Ubuntu SMP Fri Aug 2 19:25:20 UTC 2024",
     "(buildd@lcy02-amd64-033) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils "
     "for Ubuntu) 2.38)"},
    {"5.15.0-122-generic", "#132-Ubuntu SMP Thu Aug 29 13:45:52 UTC 2024",
     "(buildd@lcy02-amd64-106) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils "
     "for Ubuntu) 2.38)"},
    {"5.15.0-125-generic", "#135-Ubuntu SMP Fri Sep 27 13:53:58 UTC 2024",
     "(buildd@lcy02-amd64-116) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils "
     "for Ubuntu) 2.38)"},
}};
constexpr std::array<Kernel, 2> kUbuntu20 = {{
    {"5.4.0-150-generic", "#167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023",
     "(buildd@bos03-amd64-012) (gcc version 9.4.0 (Ubuntu 9.4.0-1ubuntu1~20.04.1))"},
    {"5.4.0-200-generic", "#220-Ubuntu SMP Fri Sep 27 13:19:16 UTC 2024",
     "(buildd@lcy02-amd64-049) (gcc version 9.4.0 (Ubuntu 9.4.0-1ubuntu1~20.04.2))"},
}};
constexpr std::array<Kernel, 1> kRocky9 = {{
    {"5.14.0-427.42.1.el9_4.x86_64", "#1 SMP PREEMPT_DYNAMIC Fri Nov 1 14:58:01 UTC 2024",
     "(mockbuild@iad1-prod-build001.bld.equ.rockylinux.org) (gcc (GCC) 11.4.1 20231218 (Red Hat "
     "11.4.1-3), GNU ld version 2.35.2-43.el9)"},
}};
constexpr std::array<Kernel, 1> kCentos7 = {{
    {"3.10.0-1160.119.1.el7.x86_64", "#1 SMP Tue Jun 4 14:43:51 UTC 2024",
     "(mockbuild@kbuilder.bsys.centos.org) (gcc version 4.8.5 20150623 (Red Hat 4.8.5-44) (GCC) "
     ")"},
}};
constexpr std::array<Kernel, 1> kAlpine = {{
    {"6.6.58-0-lts", "#1-Alpine SMP PREEMPT_DYNAMIC Mon, 28 Oct 2024 10:01:37 +0000",
     "(buildozer@build-3-19-x86_64) (gcc (Alpine 13.2.1_git20231014) 13.2.1 20231014, GNU ld "
     "(GNU Binutils) 2.41)"},
}};
constexpr std::array<Kernel, 1> kFedora = {{
    {"6.11.9-100.fc39.x86_64", "#1 SMP PREEMPT_DYNAMIC Sun Nov 17 18:52:19 UTC 2024",
     "(mockbuild@a1fb8ba9a8b54e6eb8dc3a8b2ee5c3b0) (gcc (GCC) 13.3.1 20240913 (Red Hat "
     "13.3.1-3), GNU ld version 2.40-14.fc39)"},
}};
constexpr std::array<Kernel, 1> kKali = {{
    {"6.11.2-amd64", "#1 SMP PREEMPT_DYNAMIC Kali 6.11.2-1kali1 (2024-10-15)",
     "(devel@kali.org) (x86_64-linux-gnu-gcc-14 (Debian 14.2.0-6) 14.2.0, GNU ld (GNU Binutils "
     "for Debian) 2.43.1)"},
}};
constexpr std::array<Kernel, 1> kArch = {{
    {"6.12.1-arch1-1", "#1 SMP PREEMPT_DYNAMIC Fri, 22 Nov 2024 16:04:27 +0000",
     "(linux@archlinux) (gcc (GCC) 14.2.1 20240910, GNU ld (GNU Binutils) 2.43.0)"},
}};

std::span<const Kernel> kernels_of(std::string_view distro) {
    if (distro == "ubuntu22") return kUbuntu22;
    if (distro == "ubuntu20") return kUbuntu20;
    if (distro == "rocky9") return kRocky9;
    if (distro == "centos7") return kCentos7;
    if (distro == "alpine") return kAlpine;
    if (distro == "fedora") return kFedora;
    if (distro == "kali") return kKali;
    if (distro == "arch") return kArch;
    return kDebian;
}

// When a host of this distro plausibly was installed: its release, give or take.
std::int64_t release_epoch(std::string_view distro) {
    if (distro == "ubuntu22") return 1650499200;  // 2022-04-21
    if (distro == "ubuntu20") return 1587600000;  // 2020-04-23
    if (distro == "rocky9") return 1657756800;    // 2022-07-14
    if (distro == "centos7") return 1546300800;   // 2019-01-01 (a long-lived box)
    if (distro == "alpine") return 1701907200;    // 2023-12-07
    if (distro == "fedora") return 1699315200;    // 2023-11-07
    if (distro == "kali") return 1704067200;      // 2024-01-01
    if (distro == "arch") return 1704067200;
    return 1686355200;  // Debian 12: 2023-06-10
}

struct Cpu {
    std::string_view vendor;
    std::string_view model;
    int family, model_number, stepping;
    double mhz;
    int cache_kb;
};

constexpr std::array<Cpu, 5> kServerCpus = {{
    {"GenuineIntel", "Intel(R) Xeon(R) Silver 4214R CPU @ 2.40GHz", 6, 85, 7, 2394.374, 16896},
    {"GenuineIntel", "Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz", 6, 85, 7, 2992.968, 36608},
    {"GenuineIntel", "Intel Xeon Processor (Skylake, IBRS)", 6, 85, 4, 2095.076, 16384},
    {"AuthenticAMD", "AMD EPYC 7543P 32-Core Processor", 25, 1, 1, 2794.748, 512},
    {"GenuineIntel", "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", 6, 79, 1, 2399.998, 35840},
}};
constexpr std::array<Cpu, 2> kSmallCpus = {{
    {"GenuineIntel", "Intel(R) Atom(TM) CPU C3338 @ 1.50GHz", 6, 95, 1, 1500.000, 4096},
    {"GenuineIntel", "Intel(R) Celeron(R) J4125 CPU @ 2.00GHz", 6, 122, 8, 1996.800, 4096},
}};
constexpr std::array<Cpu, 2> kDesktopCpus = {{
    {"GenuineIntel", "Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz", 6, 165, 5, 2903.998, 16384},
    {"GenuineIntel", "Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz", 6, 158, 10, 3000.000, 9216},
}};

// CPU count and memory in GiB for an archetype, as {choices}.
struct Size {
    std::span<const int> cpus;
    std::span<const int> mem_gib;
};

constexpr std::array<int, 3> kBigCpus = {8, 12, 16};
constexpr std::array<int, 3> kBigMem = {32, 48, 64};
constexpr std::array<int, 3> kMidCpus = {2, 4, 8};
constexpr std::array<int, 3> kMidMem = {4, 8, 16};
constexpr std::array<int, 2> kTinyCpus = {1, 2};
constexpr std::array<int, 2> kTinyMem = {1, 2};

constexpr std::array<std::string_view, 6> kDomains = {"corp.local", "internal.lan", "office.lan",
                                                      "ad.local",   "hq.local",     "prod.lan"};
// The neighbours every office LAN has, each somewhere in its own block of ten addresses.
constexpr std::array<std::pair<std::string_view, int>, 8> kNeighbours = {{
    {"dc01", 10},
    {"db01", 20},
    {"backup01", 30},
    {"git", 40},
    {"jenkins", 50},
    {"fs01", 60},
    {"mail", 70},
    {"mon01", 80},
}};

bool private_ipv4(std::string_view ip) {
    if (ip.starts_with("10.") || ip.starts_with("192.168.")) return true;
    if (!ip.starts_with("172.") || ip.size() < 7) return false;
    const int second = (ip[4] - '0') * 10 + (ip[5] - '0');
    return ip[6] == '.' && second >= 16 && second <= 31;
}

bool is_embedded(std::string_view archetype, std::string_view os_family) {
    return os_family == "embedded" || archetype == "iot-device" || archetype == "printer" ||
           archetype == "industrial-control";
}

}  // namespace

std::uint64_t stable_hash(std::string_view text, std::uint64_t seed) {
    std::uint64_t h = seed;
    for (const unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::int64_t HostProfile::boot_time(std::int64_t now) const {
    if (boot_period <= 0) return now;
    // The last moment ≤ now that is ≡ boot_phase (mod boot_period).
    const std::int64_t since = ((now - boot_phase) % boot_period + boot_period) % boot_period;
    return now - since;
}

const LanHost& HostProfile::neighbour(std::string_view name) const {
    for (const auto& h : lan)
        if (h.name == name) return h;
    return lan.front();
}

HostProfile make_host_profile(const HostIdentity& id) {
    HostProfile p;
    std::string key(id.decky);
    key += '\n';
    key += id.hostname;
    p.seed = stable_hash(key);
    Rng rng(p.seed);

    const auto kernels = kernels_of(id.distro);
    const Kernel& k = kernels[rng.below(kernels.size())];
    p.kernel_release = k.release;
    p.kernel_version = k.version;
    p.proc_version = "Linux version " + std::string(k.release) + " " + std::string(k.builder) +
                     " " + std::string(k.version);
    if (id.distro == "alpine") p.os_name = "Linux";

    const bool embedded = is_embedded(id.archetype, id.os_family);
    const bool big = id.archetype == "database-server" || id.archetype == "file-server" ||
                     id.archetype == "domain-controller" || id.archetype == "devops-host";
    const bool desktop = id.archetype == "windows-workstation";
    const Cpu& cpu = embedded  ? kSmallCpus[rng.below(kSmallCpus.size())]
                     : desktop ? kDesktopCpus[rng.below(kDesktopCpus.size())]
                               : kServerCpus[rng.below(kServerCpus.size())];
    p.cpu_vendor = cpu.vendor;
    p.cpu_model = cpu.model;
    p.cpu_family = cpu.family;
    p.cpu_model_number = cpu.model_number;
    p.cpu_stepping = cpu.stepping;
    p.cpu_mhz = cpu.mhz;
    p.cache_kb = cpu.cache_kb;
    const Size size = embedded ? Size{kTinyCpus, kTinyMem}
                      : big    ? Size{kBigCpus, kBigMem}
                               : Size{kMidCpus, kMidMem};
    p.cpu_count = size.cpus[rng.below(size.cpus.size())];
    const int gib = size.mem_gib[rng.below(size.mem_gib.size())];
    // What the kernel reports: the RAM minus firmware and kernel reservations (~2-4 %).
    const std::uint64_t ram_kb = static_cast<std::uint64_t>(gib) * 1024 * 1024;
    p.mem_total_kb = ram_kb - ram_kb / 100 * (2 + rng.below(3)) - rng.below(4096);

    p.install_time = release_epoch(id.distro) + static_cast<std::int64_t>(rng.below(365 * 86400));
    p.boot_period = static_cast<std::int64_t>(30 + rng.below(90)) * 86400;  // 30-119 days
    p.boot_phase = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(p.boot_period)));

    // The LAN: the decky's own /24 when it has a private address, else a private one.
    p.domain = kDomains[rng.below(kDomains.size())];
    std::string prefix;
    if (private_ipv4(id.ip)) {
        prefix = std::string(id.ip.substr(0, id.ip.rfind('.') + 1));
    } else {
        prefix = "10." + std::to_string(rng.below(250) + 1) + "." +
                 std::to_string(rng.below(250) + 1) + ".";
    }
    p.lan.push_back({"gateway", prefix + "1"});
    for (const auto& [name, number] : kNeighbours)
        p.lan.push_back(
            {std::string(name), prefix + std::to_string(number + static_cast<int>(rng.below(10)))});
    return p;
}

}  // namespace decnet::honeypot
