// Started as root, `decnet up` switches to an unprivileged user once everything is bound
// (issue #4) and keeps working: real clients get answers, `mutate` binds new low ports,
// events reach the database, root's `status`/`teardown` still reach the control socket.
// Subnets 127.131.x.0/24 belong to this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <set>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/instance_lock.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

// "Uid:\t65534\t65534…" → the value after the tab of the /proc/<pid>/status line `key`.
std::string proc_status(pid_t pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key + ":", 0) == 0) {
            const auto value = line.substr(key.size() + 1);
            return value.substr(value.find_first_not_of(" \t"));
        }
    return {};
}

std::vector<std::string> thread_capabilities(pid_t pid) {
    std::vector<std::string> out;
    for (const auto& task :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
        std::ifstream in(task.path() / "status");
        for (std::string line; std::getline(in, line);)
            if (line.rfind("CapEff:", 0) == 0) out.push_back(line.substr(8));
    }
    return out;
}

class CliPrivilegeDrop : public ::testing::Test {
  protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "needs root (the drop only happens as root)";
        dir = make_temp_dir();
    }
    void TearDown() override {
        if (!dir.empty() && engine::instance_running(dir + "/decnet.pid"))
            run_decnet({"teardown", "--all", "--state-dir", dir});
    }
    std::string dir;
};

TEST_F(CliPrivilegeDrop, UpRunsAsNobodyWithOnlyNetBindService) {
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "-n", "2", "--services", "redis",
                          "--subnet", "127.131.1.0/24", "--db", dir + "/p.db", "--state-dir", dir,
                          "--log-file", dir + "/events.log", "--seed", "3"},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("decnet is up")) << up.err();
    const auto pid = engine::read_pid_file(dir + "/decnet.pid");
    ASSERT_TRUE(pid);
    EXPECT_EQ(proc_status(*pid, "Uid"), "65534\t65534\t65534\t65534");
    EXPECT_EQ(proc_status(*pid, "Gid"), "65534\t65534\t65534\t65534");
    EXPECT_EQ(proc_status(*pid, "CapEff"), "0000000000000400");  // CAP_NET_BIND_SERVICE
    EXPECT_EQ(proc_status(*pid, "CapPrm"), "0000000000000400");
    EXPECT_EQ(proc_status(*pid, "CapAmb"), "0000000000000000");
    EXPECT_EQ(proc_status(*pid, "NoNewPrivs"), "1");
    // Credentials are per thread: every worker switched too.
    const auto threads = thread_capabilities(*pid);
    EXPECT_GT(threads.size(), 3u);
    for (const auto& caps : threads) EXPECT_EQ(caps, "0000000000000400");

    EXPECT_EQ(capture("redis-cli -h 127.131.1.1 -p 6379 PING"), "PONG\n");
    EXPECT_EQ(capture("redis-cli -h 127.131.1.2 -p 6379 PING"), "PONG\n");

    // Root's clients still reach the socket; a mutation that binds ftp/http/ssh/telnet (TCP)
    // or tftp/snmp (UDP) — all below 1024 — does so as the unprivileged process. Mutations
    // draw at random among the emulated services: a few rounds until one draws a low port.
    const auto status = run_decnet({"status", "--json", "--state-dir", dir});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const std::set<std::string> low = {"ftp", "http", "ssh", "telnet", "tftp", "snmp"};
    std::vector<std::string> services;
    for (int round = 0; round < 12; ++round) {
        const auto m = run_decnet({"mutate", "--decky", "decky-01", "--state-dir", dir});
        ASSERT_EQ(m.exit_code, 0) << m.err;
        const auto after = json::parse(run_decnet({"status", "--json", "--state-dir", dir}).out);
        for (const auto& d : after["deckies"])
            if (d["name"] == "decky-01") services = d["services"].get<std::vector<std::string>>();
        if (std::any_of(services.begin(), services.end(),
                        [&](const std::string& s) { return low.contains(s); }))
            break;
    }
    ASSERT_FALSE(services.empty());
    bool low_port_checked = false;
    for (const auto& s : services) {
        if (s == "http") {
            EXPECT_EQ(capture("curl -s -o /dev/null -w '%{http_code}' --max-time 5 "
                              "http://127.131.1.1/"),
                      "403");
            low_port_checked = true;
        } else if (s == "ftp" || s == "telnet" || s == "ssh") {
            const auto port = s == "ftp" ? "21" : s == "telnet" ? "23" : "22";
            EXPECT_EQ(capture(std::string("bash -c 'echo > /dev/tcp/127.131.1.1/") + port +
                              "' 2>&1 && echo open"),
                      "open\n")
                << s;
            low_port_checked = true;
        } else if (s == "tftp") {
            EXPECT_THAT(capture("curl -s -m 5 tftp://127.131.1.1/startup-config"),
                        HasSubstr("enable secret"));
            low_port_checked = true;
        } else if (s == "snmp") {
            EXPECT_THAT(capture("snmpget -v2c -c public -On -t 2 -r 1 127.131.1.1 "
                                "1.3.6.1.2.1.1.7.0 2>&1"),
                        HasSubstr("INTEGER: 72"));
            low_port_checked = true;
        }
    }
    EXPECT_TRUE(low_port_checked) << "the mutation drew no port below 1024: "
                                  << ::testing::PrintToString(services);

    // Teardown as root stops the unprivileged instance cleanly; its files are gone.
    const auto t = run_decnet({"teardown", "--all", "--state-dir", dir});
    EXPECT_EQ(t.exit_code, 0) << t.err;
    EXPECT_EQ(up.stop(), 0) << up.err();
    EXPECT_THAT(up.out(), HasSubstr("decnet stopped:"));
    EXPECT_FALSE(std::filesystem::exists(dir + "/decnet.pid"));
    EXPECT_FALSE(std::filesystem::exists(dir + "/control.sock"));
    EXPECT_FALSE(std::filesystem::exists(dir + "/decnet-state.json"));

    // Events written after the drop landed in the database and the log file.
    auto repo = store::open_sqlite(dir + "/p.db");
    store::LogFilter set;
    set.search = "decky:decky-02 service:redis";
    EXPECT_FALSE(repo->logs(set, 10, 0).empty());
    store::LogFilter mutation;
    mutation.search = "event:mutation";
    EXPECT_GE(repo->logs(mutation, 20, 0).size(), 1u);  // one per round above
    EXPECT_THAT(read_file(dir + "/events.log"), HasSubstr("decky-02"));
}

TEST_F(CliPrivilegeDrop, UserRootKeepsRoot) {
    BackgroundProcess up(
        {DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "redis", "--subnet",
         "127.131.2.0/24", "--db", dir + "/r.db", "--state-dir", dir, "--user", "root"},
        dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("decnet is up")) << up.err();
    const auto pid = engine::read_pid_file(dir + "/decnet.pid");
    ASSERT_TRUE(pid);
    EXPECT_EQ(proc_status(*pid, "Uid"), "0\t0\t0\t0");
    EXPECT_EQ(up.stop(), 0) << up.err();
}

TEST_F(CliPrivilegeDrop, UnknownUserFailsBeforeAnythingStarts) {
    const auto r = run_decnet(
        {"up", "--no-api", "-n", "1", "--services", "redis", "--subnet", "127.131.3.0/24", "--db",
         dir + "/u.db", "--state-dir", dir + "/state", "--user", "nosuchuser"},
        {}, dir);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("no such user 'nosuchuser'"));
    EXPECT_FALSE(std::filesystem::exists(dir + "/state"));
    EXPECT_FALSE(std::filesystem::exists(dir + "/u.db"));
    EXPECT_EQ(capture("bash -c 'echo > /dev/tcp/127.131.3.1/6379' 2>/dev/null && echo open"), "");
}

TEST_F(CliPrivilegeDrop, StateDirTheUserCannotReachIsAClearError) {
    // make_temp_dir() is 0700 root: a state dir below it is closed to nobody.
    ::chmod(dir.c_str(), 0700);
    const auto r =
        run_decnet({"up", "--no-api", "-n", "1", "--services", "redis", "--subnet",
                    "127.131.4.0/24", "--db", dir + "/c.db", "--state-dir", dir + "/state"},
                   {}, dir);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("cannot reach " + dir + "/state"));
    EXPECT_THAT(r.err, HasSubstr("--user root"));
    EXPECT_FALSE(engine::instance_running(dir + "/state/decnet.pid"));
}

}  // namespace
}  // namespace decnet::testing
