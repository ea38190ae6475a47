// The machine's state as the inspection commands see it (system_view.hpp).
#include "honeypot/shell/system_view.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>

#include "core/rng.hpp"
#include "core/service_catalog.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "honeypot/world/proc_files.hpp"

namespace decnet::honeypot::shell {
namespace {

// The daemon a service's port belongs to on a real host: its comm, user and command line.
struct Daemon {
    std::string_view service;
    std::string_view name;
    std::string_view user;
    std::string_view command;
    int workers = 0;  // forked children (nginx workers, postgres backends)
};

constexpr std::array<Daemon, 24> kDaemons{{
    {"ssh", "sshd", "root", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"},
    {"http", "nginx", "root",
     "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;", 2},
    {"https", "nginx", "root",
     "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;", 2},
    {"ftp", "vsftpd", "root", "/usr/sbin/vsftpd /etc/vsftpd.conf"},
    {"mysql", "mysqld", "mysql", "/usr/sbin/mysqld"},
    {"postgres", "postgres", "postgres",
     "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c "
     "config_file=/etc/postgresql/15/main/postgresql.conf",
     4},
    {"redis", "redis-server", "redis", "/usr/bin/redis-server 127.0.0.1:6379"},
    {"mongodb", "mongod", "mongodb", "/usr/bin/mongod --config /etc/mongod.conf"},
    {"smtp", "master", "root", "/usr/lib/postfix/sbin/master -w"},
    {"pop3", "dovecot", "root", "/usr/sbin/dovecot -F"},
    {"imap", "dovecot", "root", "/usr/sbin/dovecot -F"},
    {"telnet", "inetd", "root", "/usr/sbin/inetd"},
    {"tftp", "in.tftpd", "root",
     "/usr/sbin/in.tftpd --listen --user tftp --address :69 --secure /srv/tftp"},
    {"snmp", "snmpd", "Debian-snmp",
     "/usr/sbin/snmpd -LOw -u Debian-snmp -g Debian-snmp -I -smux mteTrigger mteTriggerConf -f -p "
     "/run/snmpd.pid"},
    {"smb", "smbd", "root", "/usr/sbin/smbd --foreground --no-process-group"},
    {"ldap", "slapd", "openldap",
     "/usr/sbin/slapd -h ldap:/// ldapi:/// -g openldap -u openldap -F /etc/ldap/slapd.d"},
    {"mqtt", "mosquitto", "mosquitto", "/usr/sbin/mosquitto -c /etc/mosquitto/mosquitto.conf"},
    {"docker_api", "dockerd", "root",
     "/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375 "
     "--containerd=/run/containerd/containerd.sock"},
    {"k8s", "kube-apiserver", "root",
     "kube-apiserver --advertise-address=0.0.0.0 --allow-privileged=true "
     "--authorization-mode=Node,RBAC --etcd-servers=https://127.0.0.1:2379"},
    {"sip", "asterisk", "asterisk", "/usr/sbin/asterisk -f -U asterisk -G asterisk"},
    {"vnc", "Xvnc", "root", "/usr/bin/Xvnc :0 -rfbport 5900 -localhost no"},
    {"elasticsearch", "java", "elasticsearch",
     "/usr/share/elasticsearch/jdk/bin/java -Xms1g -Xmx1g -Des.path.home=/usr/share/elasticsearch "
     "org.elasticsearch.bootstrap.Elasticsearch"},
    {"mssql", "sqlservr", "mssql", "/opt/mssql/bin/sqlservr"},
    {"memcached", "memcached", "memcache",
     "/usr/bin/memcached -m 64 -p 11211 -u memcache -l 0.0.0.0"},
}};

const Daemon* daemon_of(std::string_view service) {
    for (const auto& d : kDaemons)
        if (d.service == service) return &d;
    return nullptr;
}

bool rhel_like(std::string_view distro) {
    return distro == "rocky9" || distro == "centos7" || distro == "fedora";
}

// The distro's base system: what every booted host of that family runs.
struct BaseProcess {
    std::string_view name, user, command;
};

std::vector<BaseProcess> base_system(std::string_view distro) {
    if (distro == "alpine")
        return {{"syslogd", "root", "/sbin/syslogd -t -n"},
                {"crond", "root", "/usr/sbin/crond -c /etc/crontabs -f"},
                {"getty", "root", "/sbin/getty 38400 tty1"}};
    std::vector<BaseProcess> base{
        {"systemd-journal", "root", "/lib/systemd/systemd-journald"},
        {"systemd-udevd", "root", "/lib/systemd/systemd-udevd"},
        {"systemd-timesyn", "systemd-timesync", "/lib/systemd/systemd-timesyncd"},
        {"dbus-daemon", "messagebus",
         "/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile "
         "--systemd-activation --syslog-only"},
    };
    if (rhel_like(distro)) {
        base.push_back({"rsyslogd", "root", "/usr/sbin/rsyslogd -n"});
        base.push_back({"crond", "root", "/usr/sbin/crond -n"});
        base.push_back({"NetworkManager", "root", "/usr/sbin/NetworkManager --no-daemon"});
    } else {
        base.push_back({"cron", "root", "/usr/sbin/cron -f"});
        base.push_back({"rsyslogd", "root", "/usr/sbin/rsyslogd -n -iNONE"});
        if (distro.starts_with("ubuntu"))
            base.push_back({"systemd-resolve", "systemd-resolve", "/lib/systemd/systemd-resolved"});
    }
    base.push_back({"systemd-logind", "root", "/lib/systemd/systemd-logind"});
    base.push_back({"agetty", "root", "/sbin/agetty -o -p -- \\u --noclear tty1 linux"});
    return base;
}

std::uint64_t field_kb(const std::string& meminfo, std::string_view name) {
    const auto at = meminfo.find(std::string(name) + ":");
    if (at == std::string::npos) return 0;
    return std::strtoull(meminfo.c_str() + at + name.size() + 1, nullptr, 10);
}

}  // namespace

std::vector<ProcessEntry> process_list(const DeckyWorld& world, const LoginView& login,
                                       std::int64_t now) {
    const auto& host = world.host;
    const std::int64_t boot = host.boot_time(now);
    const auto memory = memory_view(world, now);
    Rng rng(host.seed ^ 0x70726f63ULL);  // the same list for the same decky
    std::vector<ProcessEntry> list;
    auto add = [&](int ppid, std::string_view user, std::string_view name, std::string_view command,
                   std::uint64_t rss_kb, std::int64_t after_boot) {
        ProcessEntry p;
        // init is 1 and kthreadd 2, as on every Linux boot; the rest leave gaps like a boot's.
        if (list.size() < 2)
            p.pid = static_cast<int>(list.size()) + 1;
        else
            p.pid = list.back().pid + 1 + static_cast<int>(rng.below(40));
        p.ppid = ppid;
        p.user = user;
        p.name = name;
        p.command = command;
        p.rss_kb = rss_kb;
        p.vsz_kb = rss_kb == 0 ? 0 : rss_kb * (3 + rng.below(6));
        p.mem = memory.total
                    ? 100.0 * static_cast<double>(rss_kb) / static_cast<double>(memory.total)
                    : 0.0;
        p.start = boot + after_boot;
        p.cpu_seconds = rss_kb == 0 ? 0 : rng.below(60);
        p.stat = "Ss";
        list.push_back(std::move(p));
        return list.back().pid;
    };
    add(0, "root", "systemd", "/sbin/init", 10000 + rng.below(4000), 0);
    list.back().stat = "Ss";
    const int kthreadd = add(0, "root", "kthreadd", "[kthreadd]", 0, 0);
    list.back().stat = "S";
    for (const char* name : {"rcu_gp", "rcu_par_gp", "slub_flushwq", "netns", "mm_percpu_wq",
                             "rcu_tasks_kthread", "rcu_preempt"}) {
        add(kthreadd, "root", name, std::string("[") + name + "]", 0, 0);
        list.back().stat = "I<";
    }
    for (int cpu = 0; cpu < std::min(host.cpu_count, 16); ++cpu) {
        const std::string n = std::to_string(cpu);
        add(kthreadd, "root", "migration/" + n, "[migration/" + n + "]", 0, 0);
        list.back().stat = "S";
        add(kthreadd, "root", "ksoftirqd/" + n, "[ksoftirqd/" + n + "]", 0, 0);
        list.back().stat = "S";
    }
    for (const char* name : {"kworker/u4:1-events_unbound", "kauditd", "khungtaskd", "oom_reaper",
                             "kswapd0", "jbd2/sda1-8", "ext4-rsv-conver"}) {
        add(kthreadd, "root", name, std::string("[") + name + "]", 0, 1);
        list.back().stat = "S";
    }
    for (const auto& base : base_system(world.distro))
        add(1, base.user, base.name, base.command, 3000 + rng.below(9000), 2 + rng.below(5));
    int sshd = 0;
    std::vector<std::string_view> seen;
    for (const auto& service : world.services) {
        const auto* d = daemon_of(service);
        if (d == nullptr || std::find(seen.begin(), seen.end(), d->name) != seen.end()) continue;
        seen.push_back(d->name);
        const int master =
            add(1, d->user, d->name, d->command, 6000 + rng.below(60000), 4 + rng.below(8));
        if (d->name == "sshd") sshd = master;
        for (int i = 0; i < d->workers; ++i) {
            const bool nginx = d->name == "nginx";
            add(master, nginx ? "www-data" : d->user, d->name,
                nginx ? "nginx: worker process" : "postgres: 15/main: background writer",
                4000 + rng.below(8000), 4 + rng.below(8));
            list.back().stat = "S";
        }
    }
    if (sshd == 0) sshd = add(1, "root", "sshd", kDaemons[0].command, 7000 + rng.below(2000), 5);
    // The attacker's own processes, numbered after the last PID /proc/loadavg reports.
    const std::int64_t up = now - boot;
    const int last = std::max(list.back().pid + 1, 1200 + static_cast<int>(up / 40 % 30000));
    const std::int64_t logged_in = login.login_time ? login.login_time : now;
    const std::array<std::pair<std::string, std::string>, 2> session{{
        {"sshd", "sshd: " + login.user + "@" + login.tty},
        {"bash", "-bash"},
    }};
    int parent = sshd;
    for (std::size_t i = 0; i < session.size(); ++i) {
        ProcessEntry p;
        p.pid = last - 4 + static_cast<int>(i) * 2;
        p.ppid = parent;
        p.user = login.user;
        p.name = session[i].first;
        p.command = session[i].second;
        p.tty = i == 0 ? "?" : login.tty;
        p.stat = i == 0 ? "Ss" : "Ss+";
        p.rss_kb = i == 0 ? 10800 : 5200;
        p.vsz_kb = i == 0 ? 17900 : 8600;
        p.start = logged_in;
        p.mem = 100.0 * static_cast<double>(p.rss_kb) /
                static_cast<double>(std::max<std::uint64_t>(memory.total, 1));
        parent = p.pid;
        list.push_back(std::move(p));
    }
    ProcessEntry self;
    self.pid = last;
    self.ppid = parent;
    self.user = login.user;
    self.command = login.command;
    self.name = login.command.substr(0, login.command.find(' '));
    self.tty = login.tty;
    self.stat = "R+";
    self.rss_kb = 3400;
    self.vsz_kb = 11200;
    self.start = now;
    self.mem = 100.0 * static_cast<double>(self.rss_kb) /
               static_cast<double>(std::max<std::uint64_t>(memory.total, 1));
    list.push_back(std::move(self));
    return list;
}

MemoryView memory_view(const DeckyWorld& world, std::int64_t now) {
    const std::string meminfo = proc_meminfo(world.host, now);
    MemoryView m;
    m.total = field_kb(meminfo, "MemTotal");
    m.free = field_kb(meminfo, "MemFree");
    m.available = field_kb(meminfo, "MemAvailable");
    m.buffers = field_kb(meminfo, "Buffers");
    m.cached = field_kb(meminfo, "Cached");
    m.shared = field_kb(meminfo, "Shmem");
    m.reclaimable = field_kb(meminfo, "SReclaimable");
    m.swap_total = field_kb(meminfo, "SwapTotal");
    m.swap_free = field_kb(meminfo, "SwapFree");
    return m;
}

LoadView load_view(const DeckyWorld& world, std::int64_t now) {
    LoadView v;
    const std::string uptime = proc_uptime(world.host, now);
    v.uptime = std::strtod(uptime.c_str(), nullptr);
    std::istringstream loadavg(proc_loadavg(world.host, now));
    char slash = 0;
    loadavg >> v.load[0] >> v.load[1] >> v.load[2] >> v.running >> slash >> v.total;
    return v;
}

std::vector<DiskEntry> disk_table(const DeckyWorld& world) {
    Rng rng(world.host.seed ^ 0x6469736bULL);
    static constexpr std::array<std::uint64_t, 4> kDiskGib{20, 40, 80, 160};
    const std::uint64_t disk_gib = kDiskGib[rng.below(kDiskGib.size())];
    // ext4 on a disk of N GiB: ~5 % reserved blocks, ~1.6 % metadata.
    const std::uint64_t size = disk_gib * 1024 * 1024 / 1000 * 984;
    const std::uint64_t used = size / 100 * (18 + rng.below(40)) + rng.below(100000);
    const std::uint64_t avail = size - used - size / 20;
    const std::uint64_t mem = world.host.mem_total_kb;
    const std::uint64_t run = mem / 10 / 4 * 4;
    const std::uint64_t run_used = 600 + rng.below(900);
    return {
        {"udev", "devtmpfs", "/dev", mem / 2 / 4 * 4 - 4096, 0, mem / 2 / 4 * 4 - 4096},
        {"tmpfs", "tmpfs", "/run", run, run_used, run - run_used},
        {"/dev/sda1", "ext4", "/", size, used, avail},
        {"tmpfs", "tmpfs", "/dev/shm", mem / 2 / 4 * 4, 0, mem / 2 / 4 * 4},
        {"tmpfs", "tmpfs", "/run/lock", 5120, 0, 5120},
        {"tmpfs", "tmpfs", "/run/user/0", run, 4, run - 4},
    };
}

std::vector<MountEntry> mount_table(const DeckyWorld& world) {
    std::vector<MountEntry> mounts;
    const auto text = world.fs->read("/proc/mounts");
    if (!text) return mounts;
    std::istringstream lines(text.value);
    std::string line;
    for (int i = 0; i < 256 && std::getline(lines, line); ++i) {
        std::istringstream fields(line);
        MountEntry m;
        fields >> m.source >> m.mount >> m.type >> m.options;
        if (!m.options.empty()) mounts.push_back(std::move(m));
    }
    return mounts;
}

std::string mac_address(const DeckyWorld& world) {
    const std::uint64_t bits = stable_hash("mac", world.host.seed);
    char text[18];
    std::snprintf(text, sizeof text, "52:54:00:%02x:%02x:%02x", static_cast<unsigned>(bits & 0xff),
                  static_cast<unsigned>((bits >> 8) & 0xff),
                  static_cast<unsigned>((bits >> 16) & 0xff));
    return text;
}

std::string default_gateway(const DeckyWorld& world) {
    const std::string prefix = world.ip.substr(0, world.ip.rfind('.') + 1);
    for (const auto& neighbour : world.host.lan)
        if (neighbour.name == "gateway" && neighbour.ip.starts_with(prefix) && !prefix.empty())
            return neighbour.ip;
    return prefix + "1";
}

std::vector<InterfaceView> interfaces(const DeckyWorld& world, std::int64_t now) {
    const auto up = static_cast<std::uint64_t>(std::max<double>(world.host.uptime(now), 1.0));
    InterfaceView lo;
    lo.name = "lo";
    lo.ipv4 = "127.0.0.1";
    lo.prefix = 8;
    lo.mtu = 65536;
    lo.rx_packets = lo.tx_packets = up / 7;
    lo.rx_bytes = lo.tx_bytes = up / 7 * 180;

    InterfaceView eth;
    eth.name = "eth0";
    eth.index = 2;
    eth.mac = mac_address(world);
    eth.ipv4 = world.ip;
    eth.broadcast = world.ip.substr(0, world.ip.rfind('.') + 1) + "255";
    // EUI-64 from the MAC: flip the universal/local bit, insert ff:fe.
    unsigned b[6] = {};
    std::sscanf(eth.mac.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]);
    char v6[40];
    std::snprintf(v6, sizeof v6, "fe80::%x:%x:%x:%x", (b[0] ^ 2) << 8 | b[1], b[2] << 8 | 0xff,
                  0xfe00 | b[3], b[4] << 8 | b[5]);
    eth.ipv6_link_local = v6;
    eth.rx_packets = up * 3 + world.host.seed % 1000;
    eth.rx_bytes = eth.rx_packets * 420;
    eth.tx_packets = up * 2 + world.host.seed % 777;
    eth.tx_bytes = eth.tx_packets * 260;
    return {lo, eth};
}

std::vector<SocketView> listening_sockets(const DeckyWorld& world, std::int64_t now) {
    const auto processes = process_list(world, LoginView{}, now);
    auto owner = [&](std::string_view name) -> const ProcessEntry* {
        for (const auto& p : processes)
            if (p.name == name) return &p;
        return nullptr;
    };
    std::vector<SocketView> sockets;
    for (const auto& slug : world.services) {
        const auto* service = find_service(slug);
        if (service == nullptr) continue;
        const auto* d = daemon_of(slug);
        const auto* process = d ? owner(d->name) : nullptr;
        for (const auto& port : service->ports) {
            const bool tcp = port.transport == Transport::tcp;
            SocketView s{tcp ? "tcp" : "udp", "0.0.0.0", port.port, tcp ? "LISTEN" : "", 0, ""};
            if (process) {
                s.pid = process->pid;
                s.process = process->name;
            }
            const bool duplicate = std::any_of(sockets.begin(), sockets.end(), [&](const auto& o) {
                return o.protocol == s.protocol && o.port == s.port;
            });
            if (duplicate) continue;
            sockets.push_back(s);
            // sshd listens on both families, as Debian's default config does.
            if (slug == "ssh") {
                s.protocol = "tcp6";
                s.local = "::";
                sockets.push_back(s);
            }
        }
    }
    if (world.distro.starts_with("ubuntu")) {
        const auto* resolved = owner("systemd-resolve");
        sockets.push_back(
            {"tcp", "127.0.0.53", 53, "LISTEN", resolved ? resolved->pid : 0, "systemd-resolve"});
        sockets.push_back(
            {"udp", "127.0.0.53", 53, "", resolved ? resolved->pid : 0, "systemd-resolve"});
    }
    std::stable_sort(sockets.begin(), sockets.end(), [](const auto& a, const auto& b) {
        return a.protocol.substr(0, 3) < b.protocol.substr(0, 3);
    });
    return sockets;
}

std::string format_uptime(double seconds) {
    const auto total = static_cast<long>(seconds);
    const long days = total / 86400, hours = total % 86400 / 3600, minutes = total % 3600 / 60;
    std::string out = "up ";
    if (days > 0) out += std::to_string(days) + (days == 1 ? " day, " : " days, ");
    char clock[16];
    if (hours > 0)
        std::snprintf(clock, sizeof clock, "%2ld:%02ld", hours, minutes);
    else
        std::snprintf(clock, sizeof clock, "%ld min", minutes);
    return out + clock;
}

std::string clock_time(std::int64_t now) {
    const long t = static_cast<long>(now % 86400);
    char text[16];
    std::snprintf(text, sizeof text, "%02ld:%02ld:%02ld", t / 3600, t % 3600 / 60, t % 60);
    return text;
}

int logged_in_users(const DeckyWorld& /*world*/, const LoginView& /*login*/) {
    return 1;
}

}  // namespace decnet::honeypot::shell
