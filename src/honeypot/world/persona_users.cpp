// Accounts, shadow hashes and groups per distro family (see persona_users.hpp).
#include "honeypot/world/persona_users.hpp"

#include <array>
#include <map>

#include "core/rng.hpp"
#include "honeypot/world/distro_files.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "honeypot/world/host_profile.hpp"

namespace decnet::honeypot {
namespace {

// The accounts each family's base install creates, after root (name:uid:gid:gecos:home:shell).
constexpr std::string_view kDebianSystem =
    "daemon:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "bin:2:2:bin:/bin:/usr/sbin/nologin\n"
    "sys:3:3:sys:/dev:/usr/sbin/nologin\n"
    "sync:4:65534:sync:/bin:/bin/sync\n"
    "games:5:60:games:/usr/games:/usr/sbin/nologin\n"
    "man:6:12:man:/var/cache/man:/usr/sbin/nologin\n"
    "lp:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\n"
    "mail:8:8:mail:/var/mail:/usr/sbin/nologin\n"
    "news:9:9:news:/var/spool/news:/usr/sbin/nologin\n"
    "uucp:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin\n"
    "proxy:13:13:proxy:/bin:/usr/sbin/nologin\n"
    "www-data:33:33:www-data:/var/www:/usr/sbin/nologin\n"
    "backup:34:34:backup:/var/backups:/usr/sbin/nologin\n"
    "list:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin\n"
    "irc:39:39:ircd:/run/ircd:/usr/sbin/nologin\n"
    "_apt:42:65534::/nonexistent:/usr/sbin/nologin\n"
    "nobody:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    "systemd-network:998:998:systemd Network Management:/:/usr/sbin/nologin\n"
    "messagebus:100:101::/nonexistent:/usr/sbin/nologin\n"
    "systemd-timesync:997:997:systemd Time Synchronization:/:/usr/sbin/nologin\n"
    "sshd:101:65534::/run/sshd:/usr/sbin/nologin\n";

constexpr std::string_view kRhelSystem =
    "bin:1:1:bin:/bin:/sbin/nologin\n"
    "daemon:2:2:daemon:/sbin:/sbin/nologin\n"
    "adm:3:4:adm:/var/adm:/sbin/nologin\n"
    "lp:4:7:lp:/var/spool/lpd:/sbin/nologin\n"
    "sync:5:0:sync:/sbin:/bin/sync\n"
    "shutdown:6:0:shutdown:/sbin:/sbin/shutdown\n"
    "halt:7:0:halt:/sbin:/sbin/halt\n"
    "mail:8:12:mail:/var/spool/mail:/sbin/nologin\n"
    "operator:11:0:operator:/root:/sbin/nologin\n"
    "games:12:100:games:/usr/games:/sbin/nologin\n"
    "ftp:14:50:FTP User:/var/ftp:/sbin/nologin\n"
    "nobody:65534:65534:Kernel Overflow User:/:/sbin/nologin\n"
    "systemd-coredump:999:997:systemd Core Dumper:/:/sbin/nologin\n"
    "dbus:81:81:System message bus:/:/sbin/nologin\n"
    "tss:59:59:Account used for TPM access:/dev/null:/sbin/nologin\n"
    "sshd:74:74:Privilege-separated SSH:/usr/share/empty.sshd:/sbin/nologin\n"
    "chrony:998:996::/var/lib/chrony:/sbin/nologin\n";

constexpr std::string_view kAlpineSystem =
    "bin:1:1:bin:/bin:/sbin/nologin\n"
    "daemon:2:2:daemon:/sbin:/sbin/nologin\n"
    "adm:3:4:adm:/var/adm:/sbin/nologin\n"
    "lp:4:7:lp:/var/spool/lpd:/sbin/nologin\n"
    "sync:5:0:sync:/sbin:/bin/sync\n"
    "shutdown:6:0:shutdown:/sbin:/sbin/shutdown\n"
    "halt:7:0:halt:/sbin:/sbin/halt\n"
    "mail:8:12:mail:/var/mail:/sbin/nologin\n"
    "news:9:13:news:/usr/lib/news:/sbin/nologin\n"
    "uucp:10:14:uucp:/var/spool/uucppublic:/sbin/nologin\n"
    "operator:11:0:operator:/root:/sbin/nologin\n"
    "man:13:15:man:/usr/man:/sbin/nologin\n"
    "postmaster:14:12:postmaster:/var/mail:/sbin/nologin\n"
    "cron:16:16:cron:/var/spool/cron:/sbin/nologin\n"
    "ftp:21:21::/var/lib/ftp:/sbin/nologin\n"
    "sshd:22:22:sshd:/dev/null:/sbin/nologin\n"
    "at:25:25:at:/var/spool/cron/atjobs:/sbin/nologin\n"
    "squid:31:31:Squid:/var/cache/squid:/sbin/nologin\n"
    "xfs:33:33:X Font Server:/etc/X11/fs:/sbin/nologin\n"
    "games:35:35:games:/usr/games:/sbin/nologin\n"
    "ntp:123:123:NTP:/var/empty:/sbin/nologin\n"
    "guest:405:100:guest:/dev/null:/sbin/nologin\n"
    "nobody:65534:65534:nobody:/:/sbin/nologin\n";

constexpr std::string_view kArchSystem =
    "bin:1:1::/:/usr/bin/nologin\n"
    "daemon:2:2::/:/usr/bin/nologin\n"
    "mail:8:12::/var/spool/mail:/usr/bin/nologin\n"
    "ftp:14:11::/srv/ftp:/usr/bin/nologin\n"
    "http:33:33::/srv/http:/usr/bin/nologin\n"
    "nobody:65534:65534:Kernel Overflow User:/:/usr/bin/nologin\n"
    "dbus:81:81:System Message Bus:/:/usr/bin/nologin\n"
    "systemd-coredump:984:984:systemd Core Dumper:/:/usr/bin/nologin\n"
    "systemd-network:982:982:systemd Network Management:/:/usr/bin/nologin\n"
    "systemd-resolve:981:981:systemd Resolver:/:/usr/bin/nologin\n"
    "systemd-timesync:980:980:systemd Time Synchronization:/:/usr/bin/nologin\n";

// Groups (name:gid) of each family; members are filled in for the admins.
constexpr std::string_view kDebianGroups =
    "root:0 daemon:1 bin:2 sys:3 adm:4 tty:5 disk:6 lp:7 mail:8 news:9 uucp:10 man:12 proxy:13 "
    "kmem:15 dialout:20 fax:21 voice:22 cdrom:24 floppy:25 tape:26 sudo:27 audio:29 dip:30 "
    "www-data:33 backup:34 operator:37 list:38 irc:39 src:40 shadow:42 utmp:43 video:44 sasl:45 "
    "plugdev:46 staff:50 games:60 users:100 nogroup:65534 systemd-journal:999 "
    "systemd-network:998 systemd-timesync:997 messagebus:101 ssh:102";
constexpr std::string_view kRhelGroups =
    "root:0 bin:1 daemon:2 sys:3 adm:4 tty:5 disk:6 lp:7 mem:8 kmem:9 wheel:10 cdrom:11 mail:12 "
    "man:15 dialout:18 floppy:19 games:20 tape:33 video:39 ftp:50 lock:54 audio:63 users:100 "
    "nobody:65534 utmp:22 utempter:35 input:999 kvm:36 render:998 systemd-journal:190 "
    "systemd-coredump:997 dbus:81 ssh_keys:101 tss:59 sshd:74 chrony:996";
constexpr std::string_view kAlpineGroups =
    "root:0 bin:1 daemon:2 sys:3 adm:4 tty:5 disk:6 lp:7 kmem:9 wheel:10 floppy:11 mail:12 "
    "news:13 uucp:14 cron:16 console:17 audio:18 cdrom:19 dialout:20 ftp:21 sshd:22 input:23 "
    "at:25 tape:26 video:27 netdev:28 kvm:34 games:35 shadow:42 www-data:82 users:100 ntp:123 "
    "abuild:300 utmp:406 ping:999 nogroup:65533 nobody:65534";
constexpr std::string_view kArchGroups =
    "root:0 sys:3 mem:8 ftp:11 mail:12 log:19 smmsp:25 proc:26 games:50 lock:54 network:90 "
    "floppy:94 scanner:96 power:98 nobody:65534 adm:999 wheel:998 utmp:997 audio:996 disk:995 "
    "input:994 kmem:993 kvm:992 lp:991 optical:990 render:989 storage:987 tty:5 uucp:986 "
    "video:985 users:984 systemd-journal:982 bin:1 daemon:2 http:33 dbus:81";

// name, full name: the people an admin account is named after.
constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kPeople = {{
    {"jsmith", "John Smith"},
    {"mjohnson", "Maria Johnson"},
    {"dwilliams", "David Williams"},
    {"abrown", "Anna Brown"},
    {"kmiller", "Kevin Miller"},
    {"rdavis", "Rachel Davis"},
    {"sgarcia", "Sam Garcia"},
    {"twilson", "Tom Wilson"},
    {"lmartin", "Laura Martin"},
    {"pthompson", "Paul Thompson"},
    {"eclark", "Emma Clark"},
    {"blewis", "Brian Lewis"},
    {"nwalker", "Nina Walker"},
    {"chall", "Chris Hall"},
    {"jyoung", "Julia Young"},
    {"mking", "Mark King"},
}};
constexpr std::array<std::string_view, 6> kRoleAccounts = {"sysadmin", "deploy",  "ops",
                                                           "admin",    "itadmin", "backup"};
constexpr std::array<std::string_view, 12> kPasswordWords = {
    "Summer", "Winter", "Autumn", "Spring",   "Welcome", "Company",
    "Server", "Dragon", "Monkey", "Sunshine", "Qwerty",  "Football"};

struct ServiceAccount {
    std::string_view archetype;
    std::string_view debian_line;  // name:uid:gid:gecos:home:shell
    std::string_view rhel_line;
};
constexpr std::array<ServiceAccount, 6> kServiceAccounts = {{
    {"database-server", "mysql:102:110:MySQL Server,,,:/nonexistent:/bin/false",
     "mysql:27:27:MySQL Server:/var/lib/mysql:/sbin/nologin"},
    {"database-server",
     "postgres:103:111:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash",
     "postgres:26:26:PostgreSQL Server:/var/lib/pgsql:/bin/bash"},
    {"database-server", "redis:104:112::/var/lib/redis:/usr/sbin/nologin",
     "redis:997:995:Redis Database Server:/var/lib/redis:/sbin/nologin"},
    {"web-server", "", "apache:48:48:Apache:/usr/share/httpd:/sbin/nologin"},
    {"mail-server", "postfix:105:113::/var/spool/postfix:/usr/sbin/nologin",
     "postfix:89:89::/var/spool/postfix:/sbin/nologin"},
    {"file-server", "", ""},
}};

std::vector<std::string_view> fields(std::string_view line, char sep) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    for (;;) {
        const auto end = line.find(sep, at);
        out.push_back(line.substr(at, end == std::string_view::npos ? end : end - at));
        if (end == std::string_view::npos) return out;
        at = end + 1;
    }
}

PersonaUser system_user(std::string_view line) {
    const auto f = fields(line, ':');
    PersonaUser u;
    u.name = f.at(0);
    u.uid = static_cast<std::uint32_t>(std::stoul(std::string(f.at(1))));
    u.gid = static_cast<std::uint32_t>(std::stoul(std::string(f.at(2))));
    u.gecos = f.at(3);
    u.home = f.at(4);
    u.shell = f.at(5);
    return u;
}

// Salt and hash characters of crypt(3)'s base64.
constexpr std::string_view kCryptChars =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::string crypt_chars(Rng& rng, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += kCryptChars[rng.below(kCryptChars.size())];
    return out;
}

// A well-formed hash of the distro's scheme (not of the bait password: computing real
// yescrypt for every decky would cost seconds at deploy).
std::string fake_hash(const DistroFiles& distro, Rng& rng) {
    if (distro.yescrypt) return "$y$j9T$" + crypt_chars(rng, 22) + "$" + crypt_chars(rng, 43);
    return "$6$" + crypt_chars(rng, 16) + "$" + crypt_chars(rng, 86);
}

std::string bait_password(Rng& rng) {
    static constexpr std::string_view kSymbols = "!@#$*";
    std::string out(kPasswordWords[rng.below(kPasswordWords.size())]);
    out += std::to_string(2019 + rng.below(6));
    out += kSymbols[rng.below(kSymbols.size())];
    return out;
}

}  // namespace

const PersonaUser* PersonaAccounts::find(std::string_view name) const {
    for (const auto& u : users)
        if (u.name == name) return &u;
    return nullptr;
}

const PersonaUser* PersonaAccounts::find(std::uint32_t uid) const {
    for (const auto& u : users)
        if (u.uid == uid) return &u;
    return nullptr;
}

std::string PersonaAccounts::group_name(std::uint32_t gid) const {
    for (const auto& line : fields(group, '\n')) {
        const auto f = fields(line, ':');
        if (f.size() >= 3 && f[2] == std::to_string(gid)) return std::string(f[0]);
    }
    return std::to_string(gid);
}

PersonaAccounts make_accounts(const DistroFiles& distro, const HostProfile& host,
                              std::string_view archetype) {
    Rng rng(host.seed ^ 0x7573657273ULL);  // "users"
    PersonaAccounts out;
    const bool rhel = distro.family == DistroFamily::rhel;
    const std::string_view system = distro.family == DistroFamily::debian   ? kDebianSystem
                                    : rhel                                  ? kRhelSystem
                                    : distro.family == DistroFamily::alpine ? kAlpineSystem
                                                                            : kArchSystem;
    const std::string_view group_table = distro.family == DistroFamily::debian   ? kDebianGroups
                                         : rhel                                  ? kRhelGroups
                                         : distro.family == DistroFamily::alpine ? kAlpineGroups
                                                                                 : kArchGroups;
    PersonaUser root;
    root.name = "root";
    root.gecos = distro.family == DistroFamily::arch ? "" : "root";
    root.home = "/root";
    root.shell = distro.shell;
    root.person = true;
    root.password = bait_password(rng);
    out.users.push_back(root);
    for (const auto line : fields(system, '\n'))
        if (!line.empty()) out.users.push_back(system_user(line));
    std::vector<std::pair<std::string, std::uint32_t>> extra_groups;  // service groups
    for (const auto& s : kServiceAccounts) {
        const auto line = rhel ? s.rhel_line : s.debian_line;
        if (s.archetype != archetype || line.empty()) continue;
        out.users.push_back(system_user(line));
        extra_groups.emplace_back(out.users.back().name, out.users.back().gid);
    }

    // People: Kali's installer user is `kali`; elsewhere a person or a role account.
    out.admin = out.users.size();
    const std::uint32_t first_uid = 1000;
    std::vector<std::pair<std::string, std::string>> people;
    if (distro.slug == "kali") {
        people.emplace_back("kali", "Kali,,,");
    } else {
        const auto& person = kPeople[rng.below(kPeople.size())];
        if (rng.below(3) == 0)
            people.emplace_back(std::string(kRoleAccounts[rng.below(kRoleAccounts.size())]), "");
        people.emplace_back(std::string(person.first), std::string(person.second));
        if (rng.below(2) == 0) {
            const auto& other = kPeople[rng.below(kPeople.size())];
            if (other.first != person.first)
                people.emplace_back(std::string(other.first), std::string(other.second));
        }
    }
    for (std::size_t i = 0; i < people.size(); ++i) {
        PersonaUser u;
        u.name = people[i].first;
        u.uid = u.gid = first_uid + static_cast<std::uint32_t>(i);
        u.gecos = people[i].second;
        if (distro.family == DistroFamily::debian && !u.gecos.empty() &&
            u.gecos.find(',') == std::string::npos)
            u.gecos += ",,,";
        u.home = "/home/" + u.name;
        u.shell = distro.shell;
        u.person = true;
        u.password = bait_password(rng);
        out.users.push_back(std::move(u));
    }

    const std::int64_t change_day = host.install_time / 86400;
    for (const auto& u : out.users) {
        out.passwd += u.name + ":x:" + std::to_string(u.uid) + ":" + std::to_string(u.gid) + ":" +
                      u.gecos + ":" + u.home + ":" + u.shell + "\n";
        std::string hash = u.person ? fake_hash(distro, rng) : "*";
        if (distro.family == DistroFamily::alpine)
            out.shadow += u.name + ":" + (u.person ? hash : "!") + ":" +
                          std::to_string(change_day) + ":0:::::\n";
        else
            out.shadow += u.name + ":" +
                          (u.person ? hash
                           : rhel   ? "!!"
                                    : "*") +
                          ":" + std::to_string(change_day) + ":0:99999:7:::\n";
    }

    // Groups: the family's table, the admins in their admin group, one private group each.
    std::vector<std::string> admins;
    for (std::size_t i = out.admin; i < out.users.size(); ++i) admins.push_back(out.users[i].name);
    auto joined = [](const std::vector<std::string>& names) {
        std::string s;
        for (const auto& n : names) s += (s.empty() ? "" : ",") + n;
        return s;
    };
    for (const auto entry : fields(group_table, ' ')) {
        const auto f = fields(entry, ':');
        const bool admin_group =
            f[0] == distro.admin_group || (f[0] == "adm" && !rhel && !admins.empty());
        out.group += std::string(f[0]) + ":x:" + std::string(f[1]) + ":" +
                     (admin_group ? joined(admins) : "") + "\n";
    }
    for (const auto& [name, gid] : extra_groups)
        out.group += name + ":x:" + std::to_string(gid) + ":\n";
    for (std::size_t i = out.admin; i < out.users.size(); ++i)
        out.group += out.users[i].name + ":x:" + std::to_string(out.users[i].gid) + ":\n";
    return out;
}

}  // namespace decnet::honeypot
