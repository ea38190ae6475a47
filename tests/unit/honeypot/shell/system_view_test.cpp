// The system views agree with the world's /proc files and are stable per decky; the
// inspection commands print them in their tools' formats.
#include <gtest/gtest.h>

#include <set>

#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/system_view.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "honeypot/world/proc_files.hpp"
#include "unit/honeypot/shell/command_bench.hpp"

namespace decnet::honeypot::shell {
namespace {

using testing::CommandScript;
using testing::run_commands;

std::shared_ptr<const DeckyWorld> world(std::vector<std::string> services = {"ssh", "http",
                                                                             "mysql"}) {
    DeckyConfig decky;
    decky.name = "decky-07";
    decky.hostname = "db-prod-02";
    decky.distro = "debian";
    decky.ip = "192.168.1.37";
    decky.services = std::move(services);
    return make_decky_world(decky, "");
}

std::uint64_t meminfo_kb(const std::string& text, const std::string& name) {
    const auto at = text.find(name + ":");
    return std::strtoull(text.c_str() + at + name.size() + 1, nullptr, 10);
}

constexpr std::int64_t kNow = 1'790'000'000;

TEST(SystemView, MemoryIsMeminfo) {
    const auto w = world();
    const auto meminfo = w->fs->read("/proc/meminfo", {}, kNow).value;
    const auto m = memory_view(*w, kNow);
    EXPECT_EQ(m.total, meminfo_kb(meminfo, "MemTotal"));
    EXPECT_EQ(m.free, meminfo_kb(meminfo, "MemFree"));
    EXPECT_EQ(m.available, meminfo_kb(meminfo, "MemAvailable"));
    EXPECT_EQ(m.swap_total, meminfo_kb(meminfo, "SwapTotal"));
    EXPECT_EQ(m.total, w->host.mem_total_kb);
    EXPECT_EQ(m.used() + m.free + m.buff_cache(), m.total);
}

TEST(SystemView, UptimeAndLoadAreProcs) {
    const auto w = world();
    const auto load = load_view(*w, kNow);
    EXPECT_DOUBLE_EQ(load.uptime,
                     std::strtod(w->fs->read("/proc/uptime", {}, kNow).value.c_str(), nullptr));
    const auto loadavg = w->fs->read("/proc/loadavg", {}, kNow).value;
    EXPECT_EQ(format("%.2f", load.load[0]), loadavg.substr(0, 4));
}

TEST(SystemView, ProcessesAreStableAndIncludeTheServicesAndTheLogin) {
    const auto w = world();
    LoginView login;
    login.command = "ps aux";
    const auto first = process_list(*w, login, kNow);
    const auto again = process_list(*w, login, kNow + 5);
    ASSERT_EQ(first.size(), again.size());
    std::set<int> pids;
    std::set<std::string> names;
    for (std::size_t i = 0; i < first.size(); ++i) {
        EXPECT_EQ(first[i].pid, again[i].pid);
        EXPECT_TRUE(pids.insert(first[i].pid).second) << "duplicate pid " << first[i].pid;
        names.insert(first[i].name);
    }
    for (const char* name : {"systemd", "sshd", "cron", "rsyslogd", "nginx", "mysqld", "bash"})
        EXPECT_TRUE(names.count(name)) << name;
    EXPECT_EQ(first.front().pid, 1);
    EXPECT_EQ(first.back().command, "ps aux");
    EXPECT_TRUE(std::is_sorted(first.begin(), first.end(),
                               [](const auto& a, const auto& b) { return a.pid < b.pid; }));
}

TEST(SystemView, NetworkIsTheDeckysAddressAndServices) {
    const auto w = world();
    const auto list = interfaces(*w, kNow);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[1].ipv4, "192.168.1.37");
    EXPECT_TRUE(list[1].mac.starts_with("52:54:00:"));
    EXPECT_EQ(list[1].mac, mac_address(*world()));  // stable per decky
    EXPECT_EQ(default_gateway(*w), "192.168.1.1");
    std::set<int> ports;
    for (const auto& s : listening_sockets(*w, kNow)) ports.insert(s.port);
    EXPECT_EQ(ports, (std::set<int>{22, 80, 443, 3306}));
}

TEST(SystemView, MountsAreProcMounts) {
    const auto w = world();
    const auto mounts = mount_table(*w);
    ASSERT_FALSE(mounts.empty());
    bool root = false;
    for (const auto& m : mounts) root = root || (m.mount == "/" && m.source == "/dev/sda1");
    EXPECT_TRUE(root);
    for (const auto& d : disk_table(*w)) EXPECT_LE(d.used_kb + d.avail_kb, d.size_kb);
}

TEST(InspectionCommands, PrintThePersonasMachine) {
    CommandScript script;
    script.services = {"ssh", "http"};
    script.commands = {{"free", "-m"},        {"nproc"},     {"ip", "a"},    {"ip", "r"},
                       {"ps", "aux"},         {"ps", "-ef"}, {"ps"},         {"ss", "-tulpn"},
                       {"netstat", "-tulpn"}, {"uptime"},    {"w"},          {"who"},
                       {"df", "-h"},          {"mount"},     {"ifconfig"},   {"lscpu"},
                       {"top", "-b", "-n1"},  {"ip", "foo"}, {"free", "-h"}, {"ss", "-an"}};
    run_commands(script);
    const auto& w = *script.world;
    ASSERT_EQ(script.results.size(), script.commands.size());
    const auto& free = script.results[0].out;
    EXPECT_TRUE(
        free.starts_with("               total        used        free      shared  "
                         "buff/cache   available\nMem:    "));
    EXPECT_NE(free.find(std::to_string(w.host.mem_total_kb / 1024)), std::string::npos);
    EXPECT_EQ(script.results[1].out, std::to_string(w.host.cpu_count) + "\n");
    EXPECT_NE(
        script.results[2].out.find("inet 192.168.1.37/24 brd 192.168.1.255 scope global eth0"),
        std::string::npos);
    EXPECT_NE(script.results[2].out.find("link/ether " + mac_address(w)), std::string::npos);
    EXPECT_TRUE(script.results[3].out.starts_with("default via 192.168.1.1 dev eth0"));
    EXPECT_TRUE(
        script.results[4].out.starts_with("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT "
                                          "START   TIME COMMAND\nroot           1 "));
    EXPECT_NE(script.results[4].out.find("-bash"), std::string::npos);
    EXPECT_NE(script.results[4].out.find("nginx: worker process"), std::string::npos);
    EXPECT_TRUE(script.results[5].out.starts_with(
        "UID          PID    PPID  C STIME TTY          TIME CMD\n"));
    EXPECT_NE(script.results[6].out.find(" pts/0    00:00:00 bash\n"), std::string::npos);
    EXPECT_NE(script.results[7].out.find("0.0.0.0:22"), std::string::npos);
    EXPECT_NE(script.results[7].out.find("users:((\"sshd\""), std::string::npos);
    EXPECT_NE(script.results[8].out.find("0.0.0.0:80 "), std::string::npos);
    EXPECT_NE(script.results[9].out.find("1 user,  load average: "), std::string::npos);
    EXPECT_NE(script.results[11].out.find("(203.0.113.7)"), std::string::npos);
    EXPECT_NE(script.results[12].out.find("/dev/sda1"), std::string::npos);
    EXPECT_NE(script.results[13].out.find("/dev/sda1 on / type ext4 (rw,relatime"),
              std::string::npos);
    EXPECT_NE(
        script.results[14].out.find("ether " + mac_address(w) + "  txqueuelen 1000  (Ethernet)"),
        std::string::npos);
    EXPECT_NE(script.results[15].out.find(w.host.cpu_model), std::string::npos);
    EXPECT_TRUE(script.results[16].out.starts_with("top - "));
    EXPECT_EQ(script.results[17].err, "Object \"foo\" is unknown, try \"ip help\".\n");
    EXPECT_EQ(script.results[17].status, 1);
}

}  // namespace
}  // namespace decnet::honeypot::shell
