// The running instance from the outside, as a user drives it: `up` or a `deploy` daemon,
// then `status`, `mutate`, `teardown` over the control socket; a crashed instance's
// leftovers; the mutator rotating services on its own (with a one-second "minute").
// Subnets 127.99.x.0/24 belong to this file.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/instance_lock.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

// True when a TCP connect to ip:port succeeds within a second.
bool port_open(const std::string& ip, int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    timeval tv{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

// The first TCP port the catalogue gives the service (0: UDP only), as `up` binds it.
int port_of(const std::string& service) {
    static const json catalogue = json::parse(run_decnet({"services", "--json"}).out);
    for (const auto& entry : catalogue) {
        if (entry.value("name", "") != service) continue;
        for (const auto& port : entry["ports"])
            if (port.value("transport", "") == "tcp") return port["port"].get<int>();
        return 0;
    }
    ADD_FAILURE() << "no catalogue entry for " << service;
    return 0;
}

json status_json(const std::string& dir) {
    const auto r = run_decnet({"status", "--json", "--state-dir", dir});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json::object();
}

json decky_in(const json& state, const std::string& name) {
    for (const auto& d : state.value("deckies", json::array()))
        if (d.value("name", "") == name) return d;
    return json();
}

// Whatever a test leaves running in its state dir is stopped: teardown, then kill -9 by
// the pid file (a daemon is not our child).
struct InstanceGuard {
    std::string dir;
    ~InstanceGuard() {
        if (!engine::instance_running(dir + "/decnet.pid")) return;
        run_decnet({"teardown", "--all", "--state-dir", dir});
        if (const auto pid = engine::read_pid_file(dir + "/decnet.pid");
            pid && engine::instance_running(dir + "/decnet.pid"))
            ::kill(*pid, SIGKILL);
    }
};

// Waits (bounded) until no process holds the instance lock of `dir`.
bool wait_stopped(const std::string& dir) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (engine::instance_running(dir + "/decnet.pid")) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

TEST(CliInstance, StatusMutateAndTeardownTalkToTheRunningUp) {
    const auto dir = make_temp_dir();
    const InstanceGuard guard{dir};
    BackgroundProcess up(
        {DECNET_BINARY, "up", "--no-api", "-n", "2", "--services", "redis", "--subnet",
         "127.99.1.0/24", "--db", dir + "/i.db", "--state-dir", dir, "--seed", "9"},
        dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("decnet is up")) << up.err();
    EXPECT_EQ(capture("redis-cli -h 127.99.1.1 -p 6379 PING"), "PONG\n");

    // status: table and JSON, with the events the PING produced.
    const auto table = run_decnet({"status", "--state-dir", dir});
    EXPECT_EQ(table.exit_code, 0) << table.err;
    EXPECT_THAT(table.out, HasSubstr("decky-01"));
    EXPECT_THAT(table.out, HasSubstr("127.99.1.2"));
    auto state = status_json(dir);
    ASSERT_EQ(state["deckies"].size(), 2u);
    auto d1 = decky_in(state, "decky-01");
    EXPECT_EQ(d1["services"], json::array({"redis"}));
    EXPECT_TRUE(d1["mac"].is_null());
    EXPECT_EQ(d1["state"], "up");
    EXPECT_GE(d1["events"].get<int>(), 1);
    EXPECT_TRUE(std::filesystem::exists(dir + "/decnet-state.json"));

    // mutate: new services listen, redis closes unless it was drawn again; decky-02 untouched.
    const auto m = run_decnet({"mutate", "--decky", "decky-01", "--state-dir", dir});
    EXPECT_EQ(m.exit_code, 0) << m.err;
    EXPECT_THAT(m.out, HasSubstr("Mutated 'decky-01': redis →"));
    d1 = decky_in(status_json(dir), "decky-01");
    const auto services = d1["services"].get<std::vector<std::string>>();
    EXPECT_NE(services, std::vector<std::string>{"redis"});
    bool kept_redis = false;
    for (const auto& s : services) {
        if (port_of(s) != 0) {
            EXPECT_TRUE(port_open("127.99.1.1", port_of(s))) << s;
        }
        kept_redis |= s == "redis";
    }
    if (!kept_redis) {
        EXPECT_FALSE(port_open("127.99.1.1", 6379));
    }
    EXPECT_EQ(capture("redis-cli -h 127.99.1.2 -p 6379 PING"), "PONG\n");
    const auto file = json::parse(read_file(dir + "/decnet-state.json"));
    EXPECT_EQ(decky_in(file, "decky-01")["services"], d1["services"]);

    // teardown --id closes that decky only.
    const auto t = run_decnet({"teardown", "--id", "decky-02", "--state-dir", dir});
    EXPECT_EQ(t.exit_code, 0) << t.err;
    EXPECT_FALSE(port_open("127.99.1.2", 6379));
    EXPECT_TRUE(decky_in(status_json(dir), "decky-02").is_null());
    const auto unknown = run_decnet({"teardown", "--id", "nope", "--state-dir", dir});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_THAT(unknown.err, HasSubstr("Decky 'nope' not found"));

    // teardown --all stops the instance and removes its files.
    const auto all = run_decnet({"teardown", "--all", "--state-dir", dir});
    EXPECT_EQ(all.exit_code, 0) << all.err;
    EXPECT_THAT(all.out, HasSubstr("stopped"));
    EXPECT_EQ(up.stop(), 0) << up.err();
    EXPECT_FALSE(std::filesystem::exists(dir + "/decnet-state.json"));
    EXPECT_FALSE(std::filesystem::exists(dir + "/control.sock"));
    EXPECT_FALSE(port_open("127.99.1.1", port_of(services.front())));

    auto repo = store::open_sqlite(dir + "/i.db");
    store::LogFilter mutation;
    mutation.search = "event:mutation decky:decky-01";
    const auto rows = repo->logs(mutation, 10, 0);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_THAT(rows[0].fields, HasSubstr(R"("old_services":"[\"redis\"]")"));
}

TEST(CliInstance, SecondUpOnTheSameStateDirIsRefused) {
    const auto dir = make_temp_dir();
    const InstanceGuard guard{dir};
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "redis",
                          "--subnet", "127.99.4.0/24", "--db", dir + "/a.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("decnet is up")) << up.err();
    const auto r = run_decnet({"up", "--no-api", "-n", "1", "--services", "redis", "--subnet",
                               "127.99.5.0/24", "--db", dir + "/b.db", "--state-dir", dir});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("a decnet instance is already running"));
    EXPECT_EQ(up.stop(), 0) << up.err();
}

TEST(CliInstance, DeployRunsADaemonThatTeardownStops) {
    const auto dir = make_temp_dir();
    const InstanceGuard guard{dir};
    const auto r = run_decnet({"deploy", "--no-api", "-n", "2", "--services", "redis", "--subnet",
                               "127.99.2.0/24", "--db", dir + "/d.db", "--state-dir", dir});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("decnet deployed: 2 deckies, 2 listeners"));
    EXPECT_TRUE(engine::instance_running(dir + "/decnet.pid"));
    EXPECT_EQ(capture("redis-cli -h 127.99.2.2 -p 6379 PING"), "PONG\n");
    EXPECT_EQ(status_json(dir)["deckies"].size(), 2u);

    const auto again = run_decnet({"deploy", "--no-api", "-n", "1", "--services", "redis",
                                   "--subnet", "127.99.6.0/24", "--state-dir", dir});
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_THAT(again.err, HasSubstr("already running"));

    const auto t = run_decnet({"teardown", "--all", "--state-dir", dir});
    EXPECT_EQ(t.exit_code, 0) << t.err;
    EXPECT_TRUE(wait_stopped(dir));
    EXPECT_FALSE(port_open("127.99.2.2", 6379));
    EXPECT_FALSE(std::filesystem::exists(dir + "/decnet.pid"));
    EXPECT_THAT(read_file(dir + "/decnet.log"), HasSubstr("decnet stopped:"));
}

TEST(CliInstance, DeployFailureIsReportedByTheParent) {
    const auto dir = make_temp_dir();
    const InstanceGuard guard{dir};
    BackgroundProcess up(
        {DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "redis", "--subnet",
         "127.99.7.0/24", "--db", dir + "/a.db", "--state-dir", dir + "/a"},
        dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("decnet is up")) << up.err();
    const auto r = run_decnet({"deploy", "--no-api", "-n", "1", "--services", "redis", "--subnet",
                               "127.99.7.0/24", "--db", dir + "/b.db", "--state-dir", dir + "/b"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("decky-01: cannot listen on 127.99.7.1:6379/tcp (redis)"));
    EXPECT_TRUE(wait_stopped(dir + "/b"));
    EXPECT_EQ(up.stop(), 0) << up.err();
}

TEST(CliInstance, TeardownAllCleansUpAfterAKill9) {
    const auto dir = make_temp_dir();
    const InstanceGuard guard{dir};
    const auto r = run_decnet({"deploy", "--no-api", "-n", "1", "--services", "redis", "--subnet",
                               "127.99.3.0/24", "--db", dir + "/k.db", "--state-dir", dir});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto pid = engine::read_pid_file(dir + "/decnet.pid");
    ASSERT_TRUE(pid);
    ::kill(*pid, SIGKILL);
    ASSERT_TRUE(wait_stopped(dir));
    EXPECT_TRUE(std::filesystem::exists(dir + "/decnet-state.json"));

    const auto s = run_decnet({"status", "--state-dir", dir});
    EXPECT_EQ(s.exit_code, 1);
    EXPECT_THAT(s.err, HasSubstr("no decnet instance is running (state dir " + dir + ")"));
    EXPECT_THAT(s.err, HasSubstr("left by pid " + std::to_string(*pid)));

    const auto t = run_decnet({"teardown", "--all", "--state-dir", dir});
    EXPECT_EQ(t.exit_code, 0) << t.err;
    EXPECT_THAT(t.out, HasSubstr("cleaned up the stale state left by pid " + std::to_string(*pid)));
    EXPECT_FALSE(std::filesystem::exists(dir + "/decnet-state.json"));
    EXPECT_FALSE(std::filesystem::exists(dir + "/control.sock"));
    EXPECT_FALSE(std::filesystem::exists(dir + "/decnet.pid"));
}

TEST(CliInstance, VerbsWithoutAnInstanceSaySoAndExit1) {
    const auto dir = make_temp_dir();
    for (const auto& args : std::vector<std::vector<std::string>>{{"status"},
                                                                  {"status", "--json"},
                                                                  {"teardown", "--all"},
                                                                  {"teardown", "--id", "decky-01"},
                                                                  {"mutate", "--all"},
                                                                  {"mutate", "--decky", "x"}}) {
        auto argv = args;
        argv.insert(argv.end(), {"--state-dir", dir});
        const auto r = run_decnet(argv);
        EXPECT_EQ(r.exit_code, 1) << args[0];
        EXPECT_THAT(r.err, HasSubstr("no decnet instance is running (state dir " + dir + ")"))
            << args[0];
    }
}

TEST(CliInstance, MutatorRotatesDueDeckiesOnItsOwn) {
    const auto dir = make_temp_dir();
    const InstanceGuard guard{dir};
    // DECNET_MUTATE_MINUTE_SECONDS=1 makes `--mutate-interval 1` one second.
    BackgroundProcess up({"/usr/bin/env", "DECNET_MUTATE_MINUTE_SECONDS=1", DECNET_BINARY, "up",
                          "--no-api", "-n", "1", "--services", "redis", "--subnet", "127.99.8.0/24",
                          "--mutate-interval", "1", "--db", dir + "/m.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("decnet is up")) << up.err();
    const auto out = up.wait_for_output("Mutating 'decky-01' to services:");
    EXPECT_THAT(out, HasSubstr("Mutating 'decky-01' to services:")) << up.err();
    EXPECT_EQ(up.stop(), 0) << up.err();
}

}  // namespace
}  // namespace decnet::testing
