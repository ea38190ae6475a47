// A decky's world: built from its distro, archetype and hostname; the same decky gives the
// same bytes, two deckies differ; the distro's own files; small and fast to build.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "honeypot/world/proc_files.hpp"

namespace decnet::honeypot {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

DeckyConfig decky(std::string name, std::string hostname, std::string distro,
                  std::optional<std::string> archetype = std::nullopt,
                  std::string nmap_os = "linux") {
    DeckyConfig d;
    d.name = std::move(name);
    d.hostname = std::move(hostname);
    d.distro = std::move(distro);
    d.archetype = std::move(archetype);
    d.nmap_os = std::move(nmap_os);
    d.ip = "192.168.1.20";
    return d;
}

std::string read(const DeckyWorld& w, std::string_view path) {
    auto r = w.fs->read(path, {}, 1'800'000'000);
    EXPECT_TRUE(r) << path << ": " << fs_error_text(r.error);
    return r.value;
}

// Every regular file's path and bytes, in order: "the same tree".
std::string dump(const FsReader& fs, const std::string& dir = "/") {
    std::string out;
    for (const auto& e : fs.list(dir).value) {
        const auto path = (dir == "/" ? "/" : dir + "/") + e.name;
        out += path + " " + std::to_string(e.stat.meta.mode) + " " +
               std::to_string(e.stat.meta.mtime) + "\n";
        if (e.stat.type == FsType::directory && !path.starts_with("/proc")) out += dump(fs, path);
        if (e.stat.type == FsType::regular && e.stat.size < 100000)
            out += fs.read(path, {}, 1'800'000'000).value;
    }
    return out;
}

TEST(DeckyWorld, TheSameDeckyIsTheSameHostAndTwoDeckiesDiffer) {
    const auto a = make_decky_world(decky("d1", "web-01", "debian", "web-server"), "");
    const auto again = make_decky_world(decky("d1", "web-01", "debian", "web-server"), "");
    const auto b = make_decky_world(decky("d2", "web-02", "debian", "web-server"), "");
    EXPECT_EQ(dump(*a->fs), dump(*again->fs));
    EXPECT_NE(read(*a, "/etc/hostname"), read(*b, "/etc/hostname"));
    EXPECT_EQ(read(*a, "/etc/hostname"), "web-01\n");
    EXPECT_NE(read(*a, "/etc/shadow"), read(*b, "/etc/shadow"));
    EXPECT_NE(read(*a, "/root/.env"), read(*b, "/root/.env"));
    EXPECT_NE(read(*a, "/srv/ftp/credentials.txt"), read(*b, "/srv/ftp/credentials.txt"));
    EXPECT_EQ(a->host.kernel_release, again->host.kernel_release);
    EXPECT_EQ(a->host.mem_total_kb, again->host.mem_total_kb);
    EXPECT_EQ(a->host.boot_time(1'800'000'000), again->host.boot_time(1'800'000'000));
}

TEST(DeckyWorld, EachDistroSpeaksForItself) {
    const auto debian = make_decky_world(decky("d", "h", "debian"), "");
    EXPECT_THAT(read(*debian, "/etc/os-release"), HasSubstr("PRETTY_NAME=\"Debian GNU/Linux 12"));
    EXPECT_EQ(read(*debian, "/etc/debian_version"), "12.8\n");
    EXPECT_EQ(read(*debian, "/etc/issue.net"), "Debian GNU/Linux 12\n");
    EXPECT_THAT(debian->host.kernel_release, MatchesRegex("6\\.1\\.0-2[5-7]-amd64"));
    EXPECT_THAT(read(*debian, "/proc/version"),
                StartsWith("Linux version " + debian->host.kernel_release +
                           " (debian-kernel@lists.debian.org)"));
    EXPECT_THAT(read(*debian, "/etc/shadow"), MatchesRegex("root:\\$y\\$j9T\\$[./0-9A-Za-z]{22}"
                                                           "\\$[./0-9A-Za-z]{43}:[0-9]+:.*"));

    const auto ubuntu = make_decky_world(decky("d", "h", "ubuntu22"), "");
    EXPECT_THAT(read(*ubuntu, "/etc/os-release"), HasSubstr("VERSION_ID=\"22.04\""));
    EXPECT_THAT(read(*ubuntu, "/etc/lsb-release"), HasSubstr("DISTRIB_CODENAME=jammy"));
    EXPECT_THAT(ubuntu->host.kernel_release, MatchesRegex("5\\.15\\.0-[0-9]+-generic"));

    const auto rocky = make_decky_world(decky("d", "h", "rocky9"), "");
    EXPECT_EQ(read(*rocky, "/etc/redhat-release"), "Rocky Linux release 9.4 (Blue Onyx)\n");
    EXPECT_THAT(rocky->host.kernel_release, HasSubstr(".el9"));
    EXPECT_THAT(read(*rocky, "/etc/shadow"), StartsWith("root:$6$"));
    EXPECT_THAT(read(*rocky, "/etc/group"), MatchesRegex("(.|\n)*wheel:x:10:[a-z]+(.|\n)*"));
    EXPECT_EQ(rocky->fs->stat("/etc/shadow").value.meta.mode, 0u);

    const auto alpine = make_decky_world(decky("d", "h", "alpine", "iot-device"), "");
    EXPECT_EQ(read(*alpine, "/etc/alpine-release"), "3.19.4\n");
    EXPECT_THAT(read(*alpine, "/etc/passwd"), StartsWith("root:x:0:0:root:/root:/bin/ash\n"));
    EXPECT_THAT(alpine->host.kernel_release, MatchesRegex("6\\.6\\.[0-9]+-0-lts"));
    EXPECT_EQ(alpine->fs->stat("/bin/ls", {}, false).value.target, "/bin/busybox");
    EXPECT_LE(alpine->host.cpu_count, 2);

    const auto centos = make_decky_world(decky("d", "h", "centos7"), "");
    EXPECT_THAT(centos->host.kernel_release, StartsWith("3.10.0-"));
    EXPECT_THAT(read(*centos, "/etc/shadow"), StartsWith("root:$6$"));
    EXPECT_EQ(read(*centos, "/etc/issue.net"), "\\S\nKernel \\r on an \\m\n");
    EXPECT_EQ(
        expand_issue(read(*centos, "/etc/issue.net"), distro_files("centos7"), centos->host, "h"),
        "CentOS Linux 7 (Core)\nKernel " + centos->host.kernel_release + " on an x86_64\n");
    const auto kali = make_decky_world(decky("d", "h", "kali"), "");
    EXPECT_THAT(read(*kali, "/etc/passwd"), HasSubstr("\nkali:x:1000:1000:"));
}

TEST(DeckyWorld, PeopleHaveLivedInHomes) {
    const auto w = make_decky_world(decky("d1", "db-01", "ubuntu22", "database-server"), "");
    const auto& admin = w->accounts.admin_user();
    EXPECT_GE(admin.uid, 1000u);
    EXPECT_THAT(read(*w, "/etc/passwd"), HasSubstr("\n" + admin.name + ":x:"));
    EXPECT_THAT(read(*w, "/etc/passwd"), HasSubstr("\nmysql:x:"));
    EXPECT_THAT(read(*w, admin.home + "/.bash_history"), HasSubstr("mysql -u root -p"));
    EXPECT_THAT(read(*w, admin.home + "/.ssh/known_hosts"), HasSubstr("ssh-ed25519 AAAA"));
    EXPECT_THAT(read(*w, admin.home + "/.ssh/id_ed25519"), StartsWith("-----BEGIN OPENSSH"));
    EXPECT_EQ(w->fs->stat(admin.home + "/.ssh/id_ed25519").value.meta.uid, admin.uid);
    EXPECT_THAT(read(*w, "/root/.my.cnf"), HasSubstr(w->accounts.users[0].password));
    // The credentials agree across files: a lead that checks out.
    const auto env = read(*w, "/root/.env");
    const auto pass = env.substr(env.find("DB_PASS=") + 8,
                                 env.find('\n', env.find("DB_PASS=")) - env.find("DB_PASS=") - 8);
    EXPECT_THAT(read(*w, "/root/.mysql_history"), HasSubstr(pass));
    EXPECT_THAT(read(*w, "/srv/ftp/config.ini"), HasSubstr(pass));
}

TEST(DeckyWorld, ArchetypesShapeTheBait) {
    const auto web = make_decky_world(decky("w", "www", "debian", "web-server"), "");
    EXPECT_THAT(read(*web, "/var/www/html/config.php"), HasSubstr("define('DB_PASSWORD'"));
    const auto files = make_decky_world(decky("f", "fs", "debian", "file-server"), "");
    EXPECT_TRUE(files->fs->is_dir("/srv/samba/Finance"));
    EXPECT_THAT(read(*files, "/etc/samba/smb.conf"), HasSubstr("[Backups]"));
    const auto plain = make_decky_world(decky("p", "p", "debian"), "");
    EXPECT_FALSE(plain->fs->is_dir("/srv/samba"));
    EXPECT_EQ(plain->fs->read("/var/www/html/config.php").error, FsError::not_found);
    EXPECT_THAT(read(*plain, "/srv/tftp/startup-config"), HasSubstr("hostname p\n"));
}

TEST(DeckyWorld, ProcAgreesWithTheHostProfile) {
    const auto w = make_decky_world(decky("d", "h", "debian", "database-server"), "");
    const auto cpuinfo = read(*w, "/proc/cpuinfo");
    std::size_t processors = 0;
    for (auto at = cpuinfo.find("processor\t:"); at != std::string::npos;
         at = cpuinfo.find("processor\t:", at + 1))
        ++processors;
    EXPECT_EQ(processors, static_cast<std::size_t>(w->host.cpu_count));
    EXPECT_GE(w->host.cpu_count, 8);
    EXPECT_THAT(read(*w, "/proc/meminfo"),
                StartsWith("MemTotal:       " + std::to_string(w->host.mem_total_kb) + " kB\n"));
    const auto at = [&](std::int64_t now) { return w->fs->read("/proc/uptime", {}, now).value; };
    const double up = std::stod(at(1'800'000'000));
    EXPECT_GE(up, 0);
    EXPECT_LT(up, 120 * 86400);
    if (up > 10) {
        EXPECT_NEAR(std::stod(at(1'800'000'010)), up + 10, 0.01);  // it ticks
    }
    EXPECT_THAT(read(*w, "/proc/loadavg"),
                MatchesRegex("[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+\n"));
}

TEST(DeckyWorld, WindowsDeckiesHaveADriveC) {
    const auto w =
        make_decky_world(decky("dc", "DC01", "debian", "domain-controller", "windows"), "");
    EXPECT_EQ(w->paths.ftp_root, "/C/inetpub/ftproot");
    EXPECT_EQ(w->paths.web_root, "/C/inetpub/wwwroot");
    EXPECT_TRUE(w->fs->is_dir("/C/Windows/System32"));
    EXPECT_FALSE(w->fs->is_dir("/etc"));
    const auto& admin = w->accounts.admin_user();
    EXPECT_THAT(read(*w, "/C/Users/" + admin.name + "/Desktop/passwords.txt"),
                HasSubstr(admin.password + "\r\n"));
    EXPECT_THAT(read(*w, "/C/inetpub/wwwroot/web.config"), HasSubstr("connectionString="));
    const auto sysvol = w->fs->list("/C/Windows/SYSVOL/sysvol");
    ASSERT_TRUE(sysvol);
    EXPECT_EQ(sysvol.value.at(0).name, w->host.domain);
    EXPECT_TRUE(w->fs->read("readme.txt", {w->paths.ftp_root, "/"}));
    EXPECT_THAT(read(*w, "/C/TFTP-Root/startup-config"), HasSubstr("hostname DC01\n"));
}

TEST(DeckyWorld, IsSmallAndFastToBuild) {
    const auto start = std::chrono::steady_clock::now();
    std::size_t nodes = 0;
    for (int i = 0; i < 100; ++i) {
        const auto w = make_decky_world(
            decky("d" + std::to_string(i), "host-" + std::to_string(i), "debian", "file-server"),
            "");
        nodes = std::max(nodes, w->fs->node_count());
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    EXPECT_LT(nodes, 500u);
    EXPECT_GT(nodes, 100u);
    EXPECT_LT(ms, 1000);  // typically ~20 ms for 100 deckies (Debug/ASan builds are slower)
    std::printf("100 worlds in %lld ms, %zu nodes each at most\n", static_cast<long long>(ms),
                nodes);
}

}  // namespace
}  // namespace decnet::honeypot
