// SystemView: the machine the shell's inspection commands (ps, top, free, df, mount, ip,
// ifconfig, ss, netstat, w, uptime, lscpu) describe, as pure functions of the decky's world
// and a time. The numbers come from the same sources as its /proc files (proc_files.hpp),
// so `free` agrees with /proc/meminfo and `uptime` with /proc/uptime; PIDs, the MAC and the
// disk are stable per decky; listening sockets are the decky's configured services.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot {
struct DeckyWorld;
}

namespace decnet::honeypot::shell {

// The attacker's own login, as the process list and `w` show it.
struct LoginView {
    std::string user = "root";
    std::string tty = "pts/0";
    std::string from;                // the attacker's address (w's FROM)
    std::int64_t login_time = 0;     // epoch seconds
    std::string command = "ps aux";  // what is running now (the last process)
};

struct ProcessEntry {
    int pid = 0, ppid = 0;
    std::string user;
    double cpu = 0.0, mem = 0.0;  // percent
    std::uint64_t vsz_kb = 0, rss_kb = 0;
    std::string tty = "?";
    std::string stat = "S";
    std::int64_t start = 0;  // epoch seconds
    std::uint64_t cpu_seconds = 0;
    std::string command;  // full command line ([kthreadd] for kernel threads)
    std::string name;     // comm (top, ps -e, ss -p)
};

// Everything running, sorted by PID: kernel threads, init and the distro's daemons, the
// services' daemons, the attacker's sshd, shell and `login.command` last.
std::vector<ProcessEntry> process_list(const DeckyWorld& world, const LoginView& login,
                                       std::int64_t now);

// /proc/meminfo's numbers in KiB, and what `free` computes from them.
struct MemoryView {
    std::uint64_t total = 0, free = 0, available = 0, buffers = 0, cached = 0, shared = 0;
    std::uint64_t reclaimable = 0, swap_total = 0, swap_free = 0;
    std::uint64_t buff_cache() const { return buffers + cached + reclaimable; }
    std::uint64_t used() const { return total - free - buff_cache(); }
};
MemoryView memory_view(const DeckyWorld& world, std::int64_t now);

// /proc/uptime's seconds and /proc/loadavg's three averages.
struct LoadView {
    double uptime = 0.0;
    double load[3] = {0.0, 0.0, 0.0};
    int running = 1, total = 100;  // tasks
};
LoadView load_view(const DeckyWorld& world, std::int64_t now);

struct DiskEntry {
    std::string source, type, mount;
    std::uint64_t size_kb = 0, used_kb = 0, avail_kb = 0;
};
// df's table (the block devices and tmpfs of /proc/mounts).
std::vector<DiskEntry> disk_table(const DeckyWorld& world);

struct MountEntry {
    std::string source, mount, type, options;
};
// /proc/mounts as the world's file says it.
std::vector<MountEntry> mount_table(const DeckyWorld& world);

struct InterfaceView {
    std::string name;  // lo, eth0
    std::string mac;   // "" for lo
    std::string ipv4;
    int prefix = 24;
    std::string broadcast;
    std::string ipv6_link_local;  // fe80::… from the MAC (EUI-64)
    int mtu = 1500;
    int index = 1;
    std::uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
};
std::vector<InterfaceView> interfaces(const DeckyWorld& world, std::int64_t now);
// A QEMU/KVM MAC (52:54:00:…) derived from the host seed: a virtual server's NIC.
std::string mac_address(const DeckyWorld& world);
// The default gateway on the decky's /24 (the LAN's gateway when it is the same network).
std::string default_gateway(const DeckyWorld& world);

struct SocketView {
    std::string protocol;  // tcp, tcp6, udp, udp6
    std::string local;     // 0.0.0.0, ::, 127.0.0.53
    std::uint16_t port = 0;
    std::string state;  // LISTEN, "" for udp (UNCONN in ss)
    int pid = 0;
    std::string process;  // comm of the owner
};
// Listening sockets: the decky's services' catalogue ports, plus the local resolver.
std::vector<SocketView> listening_sockets(const DeckyWorld& world, std::int64_t now);

// "up 12 days,  3:04" as uptime and top print it.
std::string format_uptime(double seconds);
// "HH:MM:SS" of `now` in the host's time (UTC: servers run in UTC).
std::string clock_time(std::int64_t now);
// How many people are logged in (the attacker's session, and sometimes the admin's).
int logged_in_users(const DeckyWorld& world, const LoginView& login);

}  // namespace decnet::honeypot::shell
