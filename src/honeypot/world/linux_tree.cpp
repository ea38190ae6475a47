// The Linux tree of a decky (see linux_tree.hpp).
#include "honeypot/world/linux_tree.hpp"

#include <array>
#include <cstdio>
#include <string_view>

#include "honeypot/world/bait_files.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "honeypot/world/proc_files.hpp"

namespace decnet::honeypot {
namespace {

constexpr std::array<std::string_view, 16> kTopDirs = {
    "/boot", "/dev", "/dev/pts", "/dev/shm", "/etc", "/home", "/media",   "/mnt",
    "/opt",  "/run", "/srv",     "/sys",     "/usr", "/var",  "/var/log", "/var/cache"};

// name, size: the binaries an attacker checks for first, with their usual sizes.
constexpr std::array<std::pair<std::string_view, std::uint64_t>, 30> kBinaries = {{
    {"bash", 1265648}, {"cat", 44016},    {"chmod", 64448}, {"chown", 72672},
    {"cp", 151152},    {"curl", 260328},  {"df", 97392},    {"du", 101504},
    {"find", 224848},  {"grep", 203152},  {"gzip", 98136},  {"hostname", 22760},
    {"id", 48224},     {"ls", 151344},    {"mkdir", 76496}, {"mv", 143120},
    {"nano", 283144},  {"perl", 3926168}, {"ps", 146392},   {"python3.11", 6831736},
    {"rm", 72704},     {"scp", 134408},   {"sed", 122224},  {"ssh", 850488},
    {"sudo", 281624},  {"tar", 531928},   {"top", 134792},  {"uname", 35416},
    {"wget", 523488},  {"whoami", 35400},
}};
constexpr std::array<std::string_view, 14> kBusyboxApplets = {
    "ash", "cat",   "chmod", "cp", "df", "grep", "hostname",
    "ls",  "mkdir", "mv",    "ps", "rm", "sed",  "uname"};

// An ELF header padded with zeros to `size`: `file` says "ELF 64-bit", the size matches ls.
FsGenerator elf(std::uint64_t size) {
    return [size](std::int64_t) {
        std::string out(
            "\x7f"
            "ELF\x02\x01\x01\x00",
            8);
        out.resize(size, '\0');
        return out;
    };
}

void add_skeleton(FakeFilesystem& fs, const DistroFiles& distro) {
    for (const auto dir : kTopDirs) fs.add_dir(dir);
    fs.add_dir("/root", {0700, 0, 0, 0});
    fs.add_dir("/tmp", {01777, 0, 0, 0});
    fs.add_dir("/var/tmp", {01777, 0, 0, 0});
    fs.add_dir("/usr/bin");
    fs.add_dir("/usr/sbin");
    fs.add_dir("/usr/lib");
    fs.add_dir("/usr/local/bin");
    fs.add_dir("/usr/share");
    if (distro.family == DistroFamily::alpine) {
        fs.add_generated("/bin/busybox", elf(817800), {0755}, 817800);
        for (const auto applet : kBusyboxApplets)
            fs.add_symlink("/bin/" + std::string(applet), "/bin/busybox");
        fs.add_symlink("/bin/sh", "/bin/busybox");
        fs.add_dir("/sbin");
        fs.add_dir("/lib");
    } else {
        for (const auto& [name, size] : kBinaries)
            fs.add_generated("/usr/bin/" + std::string(name), elf(size), {0755}, size);
        fs.add_symlink("/usr/bin/python3", "python3.11");
        fs.add_symlink("/usr/bin/sh", distro.family == DistroFamily::debian ? "dash" : "bash");
        if (distro.family == DistroFamily::debian)
            fs.add_generated("/usr/bin/dash", elf(125560), {0755}, 125560);
        fs.add_dir("/usr/lib64");
        if (distro.merged_usr) {
            fs.add_symlink("/bin", "usr/bin");
            fs.add_symlink("/sbin", "usr/sbin");
            fs.add_symlink("/lib", "usr/lib");
            fs.add_symlink("/lib64", "usr/lib64");
        }
    }
    fs.add_generated("/boot/vmlinuz", elf(8'200'000), {0644}, 8'200'000);
}

std::string hosts_file(const DeckyWorld& w, const BaitContext& b, const DistroFiles& distro) {
    std::string out = "127.0.0.1\tlocalhost\n";
    if (distro.family == DistroFamily::debian) out += "127.0.1.1\t" + w.hostname + "\n";
    out += "::1\t\tlocalhost ip6-localhost ip6-loopback\n\n";
    for (const auto* name : {"dc01", "db01", "backup01", "fs01"}) {
        const auto& h = b.host(name);
        out += h.ip + "\t" + h.name + "." + b.domain + " " + h.name + "\n";
    }
    return out;
}

std::string machine_id(std::uint64_t seed) {
    char out[40];
    std::snprintf(out, sizeof out, "%016llx%016llx\n", static_cast<unsigned long long>(seed),
                  static_cast<unsigned long long>(seed * 0x9e3779b97f4a7c15ULL));
    return out;
}

void add_etc(FakeFilesystem& fs, const DeckyWorld& w, const BaitContext& b,
             const DistroFiles& distro) {
    const std::uint32_t shadow_gid = distro.family == DistroFamily::debian ? 42 : 0;
    const std::uint32_t shadow_mode = distro.family == DistroFamily::rhel ? 0000 : 0640;
    if (distro.family == DistroFamily::alpine) {
        fs.add_file("/etc/os-release", std::string(distro.os_release));
    } else {
        fs.add_file("/usr/lib/os-release", std::string(distro.os_release));
        fs.add_symlink("/etc/os-release", "../usr/lib/os-release");
    }
    fs.add_file("/etc/issue", std::string(distro.issue));
    fs.add_file("/etc/issue.net", std::string(distro.issue_net));
    fs.add_file("/etc/motd", std::string(distro.motd));
    for (const auto& [path, body] : distro.release_files) fs.add_file(path, std::string(body));
    fs.add_file("/etc/hostname", w.hostname + "\n");
    fs.add_file("/etc/hosts", hosts_file(w, b, distro));
    fs.add_file("/etc/resolv.conf", "search " + b.domain + "\nnameserver " + b.host("dc01").ip +
                                        "\nnameserver " + b.host("gateway").ip + "\n");
    fs.add_file("/etc/passwd", w.accounts.passwd);
    fs.add_file("/etc/group", w.accounts.group);
    fs.add_file("/etc/shadow", w.accounts.shadow, {shadow_mode, 0, shadow_gid, b.activity});
    fs.add_file("/etc/machine-id", machine_id(w.host.seed), {0444});
    fs.add_file("/etc/timezone", "Etc/UTC\n");
    fs.add_file("/etc/shells", "/bin/sh\n/bin/bash\n/usr/bin/bash\n" +
                                   std::string(distro.slug == "kali" ? "/usr/bin/zsh\n" : ""));
    fs.add_file("/etc/fstab",
                "# <file system> <mount point> <type> <options> <dump> <pass>\n"
                "UUID=" +
                    machine_id(w.host.seed >> 3).substr(0, 8) +
                    "-4e1d-4c2a-9f0b-5a1e0c3d2b71 /  ext4  errors=remount-ro 0 1\n"
                    "/swapfile none swap sw 0 0\n");
    fs.add_file("/etc/crontab",
                "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n"
                "\n17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly\n"
                "25 6\t* * *\troot\ttest -x /usr/sbin/anacron || run-parts --report "
                "/etc/cron.daily\n");
    fs.add_file("/etc/ssh/sshd_config",
                "Include /etc/ssh/sshd_config.d/*.conf\nPort 22\nPermitRootLogin yes\n"
                "PasswordAuthentication yes\nKbdInteractiveAuthentication no\nUsePAM yes\n"
                "X11Forwarding yes\nPrintMotd no\nAcceptEnv LANG LC_*\n"
                "Subsystem\tsftp\t/usr/lib/openssh/sftp-server\n");
    fs.add_file("/etc/sudoers",
                "Defaults\tenv_reset\nDefaults\tsecure_path=\"/usr/local/sbin:/usr/local/bin:"
                "/usr/sbin:/usr/bin:/sbin:/bin\"\n\nroot\tALL=(ALL:ALL) ALL\n%" +
                    std::string(distro.admin_group) + "\tALL=(ALL:ALL) ALL\n",
                {0440});
}

void add_var(FakeFilesystem& fs, const DistroFiles& distro, const BaitContext& b) {
    fs.add_dir("/var/backups");
    fs.add_dir("/var/mail");
    fs.add_dir("/var/spool/cron/crontabs", {01730, 0, 0, 0});
    fs.add_dir("/var/lib");
    fs.add_file("/var/log/wtmp", "", {0664, 0, 43, b.activity});
    fs.add_file("/var/log/btmp", "", {0660, 0, 43, b.activity});
    fs.add_file("/var/log/lastlog", "", {0664, 0, 43, b.activity});
    if (distro.family == DistroFamily::rhel)
        fs.add_file("/var/log/secure", "", {0600, 0, 0, b.activity});
    else
        fs.add_file("/var/log/auth.log", "", {0640, 0, 4, b.activity});
}

}  // namespace

std::shared_ptr<FakeFilesystem> build_linux_tree(const DeckyWorld& w, std::int64_t now) {
    const auto& distro = distro_files(w.distro);
    auto fs = std::make_shared<FakeFilesystem>(w.host.install_time);
    const BaitContext bait = make_bait_context(w, now);
    add_skeleton(*fs, distro);
    add_etc(*fs, w, bait, distro);
    add_var(*fs, distro, bait);
    add_proc_files(*fs, w.host, w.hostname);
    for (const auto& user : w.accounts.users)
        if (user.person) add_home(*fs, user, bait);
    add_root_bait(*fs, bait);
    add_web_root(*fs, bait);
    add_ftp_root(*fs, bait);
    add_tftp_root(*fs, bait);
    add_shares(*fs, bait);
    add_service_configs(*fs, bait);
    return fs;
}

}  // namespace decnet::honeypot
