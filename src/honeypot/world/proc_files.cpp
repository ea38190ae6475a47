// /proc contents from the host profile (see proc_files.hpp).
#include "honeypot/world/proc_files.hpp"

#include <algorithm>
#include <cstdio>

#include "core/rng.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "honeypot/world/host_profile.hpp"

namespace decnet::honeypot {
namespace {

std::string format(const char* fmt, auto... args) {
    char buffer[256];
    const int n = std::snprintf(buffer, sizeof buffer, fmt, args...);
    return std::string(buffer, n < 0 ? 0 : std::min<std::size_t>(n, sizeof buffer - 1));
}

// A value that wanders slowly with time but is the same for everyone reading it in the
// same `period` seconds: what a quiet host's counters look like.
std::uint64_t drift(const HostProfile& host, std::int64_t now, std::int64_t period,
                    std::uint64_t salt) {
    Rng rng(host.seed ^ salt ^ static_cast<std::uint64_t>(now / period));
    return rng.next();
}

}  // namespace

std::string proc_cpuinfo(const HostProfile& host) {
    const bool amd = host.cpu_vendor == "AuthenticAMD";
    const char* flags =
        amd ? "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush "
              "mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc "
              "rep_good nopl cpuid extd_apicid pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 "
              "x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy "
              "abm sse4a misalignsse 3dnowprefetch osvw topoext fsgsbase bmi1 avx2 smep bmi2 "
              "erms invpcid rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 "
              "xsaves clzero xsaveerptr rdpru arat npt nrip_save umip vaes vpclmulqdq rdpid"
            : "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush "
              "mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc arch_perfmon "
              "rep_good nopl xtopology cpuid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid "
              "sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand "
              "hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp "
              "fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid mpx avx512f avx512dq rdseed "
              "adx smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 "
              "xsaves arat pku ospke md_clear arch_capabilities";
    std::string out;
    for (int i = 0; i < host.cpu_count; ++i) {
        out += format("processor\t: %d\nvendor_id\t: %s\ncpu family\t: %d\nmodel\t\t: %d\n", i,
                      host.cpu_vendor.c_str(), host.cpu_family, host.cpu_model_number);
        out += "model name\t: " + host.cpu_model + "\n";
        out += format("stepping\t: %d\nmicrocode\t: 0x%x\ncpu MHz\t\t: %.3f\ncache size\t: %d KB\n",
                      host.cpu_stepping, amd ? 0xa0011d1 : 0x5003605, host.cpu_mhz, host.cache_kb);
        out += format(
            "physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\napicid\t\t: "
            "%d\ninitial apicid\t: %d\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: "
            "%d\nwp\t\t: yes\n",
            host.cpu_count, i, host.cpu_count, i, i, amd ? 16 : 22);
        out += std::string("flags\t\t: ") + flags + "\n";
        out += amd ? "bugs\t\t: sysret_ss_attrs spectre_v1 spectre_v2 spec_store_bypass srso\n"
                   : "bugs\t\t: spectre_v1 spectre_v2 spec_store_bypass swapgs taa itlb_multihit "
                     "mmio_stale_data retbleed gds\n";
        out += format(
            "bogomips\t: %.2f\nclflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: %s\n"
            "power management:\n\n",
            host.cpu_mhz * 2,
            amd ? "48 bits physical, 48 bits virtual" : "46 bits physical, 48 bits virtual");
    }
    return out;
}

std::string proc_meminfo(const HostProfile& host, std::int64_t now) {
    const std::uint64_t total = host.mem_total_kb;
    const std::uint64_t r = drift(host, now, 300, 0x6d656d);
    // A host that has been up a while: most memory in cache, a fraction free.
    const std::uint64_t free_kb = total / 100 * (8 + r % 10);
    const std::uint64_t cached = total / 100 * (35 + (r >> 8) % 15);
    const std::uint64_t buffers = total / 100 * (2 + (r >> 16) % 3);
    const std::uint64_t available = free_kb + cached + buffers - total / 100 * 3;
    const std::uint64_t swap = total >= 8ULL * 1024 * 1024 ? 2097148 : 1048572;
    std::string out;
    auto line = [&](const char* name, std::uint64_t kb) {
        out += format("%-16s%8llu kB\n", (std::string(name) + ":").c_str(),
                      static_cast<unsigned long long>(kb));
    };
    line("MemTotal", total);
    line("MemFree", free_kb);
    line("MemAvailable", available);
    line("Buffers", buffers);
    line("Cached", cached);
    line("SwapCached", 0);
    line("Active", total / 100 * 30);
    line("Inactive", total / 100 * 28);
    line("SwapTotal", swap);
    line("SwapFree", swap - (r >> 24) % 2048 * 4);
    line("Dirty", (r >> 32) % 512);
    line("Writeback", 0);
    line("AnonPages", total / 100 * 18);
    line("Mapped", total / 100 * 6);
    line("Shmem", total / 100);
    line("Slab", total / 100 * 4);
    line("SReclaimable", total / 100 * 3);
    line("SUnreclaim", total / 100);
    line("KernelStack", 4096 + host.cpu_count * 512);
    line("PageTables", total / 400);
    line("CommitLimit", total / 2 + swap);
    line("Committed_AS", total / 100 * 40);
    line("VmallocTotal", 34359738367);
    out += "HugePages_Total:       0\n";
    line("Hugepagesize", 2048);
    return out;
}

std::string proc_uptime(const HostProfile& host, std::int64_t now) {
    // The boot was not on a whole second.
    const double up = host.uptime(now) + static_cast<double>(host.seed % 97) / 100.0;
    const double idle = up * host.cpu_count * 0.93;
    return format("%.2f %.2f\n", up, idle);
}

std::string proc_loadavg(const HostProfile& host, std::int64_t now) {
    const std::uint64_t r = drift(host, now, 60, 0x6c6f6164);
    const double one = static_cast<double>(r % 40) / 100.0;
    const double five = static_cast<double>((r >> 8) % 30) / 100.0;
    const double fifteen = static_cast<double>((r >> 16) % 20) / 100.0;
    const unsigned last_pid =
        1200 + static_cast<unsigned>((now - host.boot_time(now)) / 40 % 30000);
    return format("%.2f %.2f %.2f %u/%u %u\n", one, five, fifteen,
                  1 + static_cast<unsigned>((r >> 24) % 3),
                  110 + host.cpu_count * 4 + static_cast<unsigned>((r >> 32) % 20), last_pid);
}

void add_proc_files(FakeFilesystem& fs, const HostProfile& host, std::string_view hostname) {
    const FsMeta ro{0444, 0, 0, 0};
    fs.add_dir("/proc", {0555, 0, 0, 0});
    fs.add_file("/proc/version", host.proc_version + "\n", ro);
    fs.add_generated(
        "/proc/cpuinfo", [host](std::int64_t) { return proc_cpuinfo(host); }, ro);
    fs.add_generated(
        "/proc/meminfo", [host](std::int64_t now) { return proc_meminfo(host, now); }, ro);
    fs.add_generated(
        "/proc/uptime", [host](std::int64_t now) { return proc_uptime(host, now); }, ro);
    fs.add_generated(
        "/proc/loadavg", [host](std::int64_t now) { return proc_loadavg(host, now); }, ro);
    fs.add_file("/proc/cmdline",
                "BOOT_IMAGE=/boot/vmlinuz-" + host.kernel_release + " root=UUID=" +
                    format("%08llx", static_cast<unsigned long long>(host.seed & 0xffffffff)) +
                    "-4e1d-4c2a-9f0b-" +
                    format("%012llx", static_cast<unsigned long long>(host.seed >> 16)) +
                    " ro quiet\n",
                ro);
    fs.add_file("/proc/sys/kernel/hostname", std::string(hostname) + "\n", {0644});
    fs.add_file("/proc/sys/kernel/ostype", "Linux\n", ro);
    fs.add_file("/proc/sys/kernel/osrelease", host.kernel_release + "\n", ro);
    fs.add_file("/proc/filesystems",
                "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tcgroup2\nnodev\tdevpts\n\text4\n"
                "nodev\tmqueue\n\tvfat\nnodev\tautofs\n",
                ro);
    fs.add_file("/proc/mounts",
                "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
                "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
                "udev /dev devtmpfs rw,nosuid,relatime,mode=755 0 0\n"
                "tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,mode=755 0 0\n"
                "/dev/sda1 / ext4 rw,relatime,errors=remount-ro 0 0\n"
                "tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0\n",
                ro);
}

}  // namespace decnet::honeypot
