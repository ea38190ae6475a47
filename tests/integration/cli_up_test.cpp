// `decnet up` end to end: loopback deckies come up, the real redis-cli talks to one, and
// the events (with the captured credential) land in SQLite; SIGTERM stops it cleanly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;

TEST(CliUp, RedisCliSessionIsStoredWithItsCredential) {
    const auto dir = make_temp_dir();
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "-n", "2", "--services", "redis",
                          "--subnet", "127.91.0.0/24", "--db", dir + "/up.db", "--log-file",
                          dir + "/events.log", "--state-dir", dir},
                         dir);
    const auto out = up.wait_for_output("decnet is up");
    ASSERT_THAT(out, HasSubstr("decnet is up")) << up.err();
    EXPECT_THAT(out, HasSubstr("127.91.0.1:6379/tcp"));
    EXPECT_THAT(out, HasSubstr("127.91.0.2:6379/tcp"));

    EXPECT_EQ(capture("redis-cli -h 127.91.0.2 -p 6379 PING"), "PONG\n");
    EXPECT_THAT(capture("redis-cli -h 127.91.0.2 -p 6379 GET jwt:secret"),
                HasSubstr("super_secret_jwt_signing_key_do_not_share_2024"));
    EXPECT_THAT(
        capture(
            "redis-cli -h 127.91.0.2 -p 6379 --user admin --pass hunter2 --no-auth-warning PING"),
        HasSubstr("PONG"));
    EXPECT_THAT(capture("redis-cli -h 127.91.0.1 -p 6379 INFO server"),
                HasSubstr("redis_version:7.2.7"));

    auto repo = store::open_sqlite(dir + "/up.db");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (repo->count_bounties({}) < 1 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(up.stop(), 0) << up.err();
    EXPECT_THAT(up.out(), HasSubstr("decnet stopped:"));

    store::LogFilter auth;
    auth.search = "event:auth decky:decky-02";
    const auto rows = repo->logs(auth, 10, 0);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].attacker_ip, "127.0.0.1");
    EXPECT_THAT(rows[0].fields, HasSubstr(R"("username":"admin","password":"hunter2")"));
    const auto bounties = repo->bounties({}, 10, 0);
    ASSERT_EQ(bounties.size(), 1u);
    EXPECT_EQ(bounties[0].payload, R"({"username":"admin","password":"hunter2"})");
    store::LogFilter connects;
    connects.search = "service:redis event:connect";
    EXPECT_EQ(repo->count_logs(connects), 4);
    EXPECT_THAT(read_file(dir + "/events.log"),
                HasSubstr("decky-02 redis - auth [decnet@55555 src_ip=\"127.0.0.1\""));
}

TEST(CliUp, PortConflictNamesTheDeckyAndPort) {
    const auto dir = make_temp_dir();
    BackgroundProcess first(
        {DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "redis", "--subnet",
         "127.92.0.0/24", "--db", dir + "/a.db", "--state-dir", dir},
        dir);
    ASSERT_THAT(first.wait_for_output("decnet is up"), HasSubstr("decnet is up"));
    const auto r = run_decnet({"up", "--no-api", "-n", "1", "--services", "redis", "--subnet",
                               "127.92.0.0/24", "--db", dir + "/b.db", "--state-dir", dir + "/b"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("decky-01: cannot listen on 127.92.0.1:6379/tcp (redis)"));
}

TEST(CliUp, GarbageOnTheRedisPortEndsTheSessionNotTheProcess) {
    const auto dir = make_temp_dir();
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "redis",
                          "--subnet", "127.93.0.0/24", "--db", dir + "/g.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("decnet is up"));
    std::system("printf '*abc\\r\\n' | timeout 5 nc -q1 127.93.0.1 6379 >/dev/null 2>&1");
    std::system("head -c 200000 /dev/urandom | timeout 5 nc -q1 127.93.0.1 6379 >/dev/null 2>&1");
    EXPECT_EQ(capture("redis-cli -h 127.93.0.1 -p 6379 PING"), "PONG\n");
    EXPECT_EQ(up.stop(), 0);
    auto repo = store::open_sqlite(dir + "/g.db");
    store::LogFilter errors;
    errors.search = "event:protocol_error";
    EXPECT_GE(repo->count_logs(errors), 1);
}

}  // namespace
}  // namespace decnet::testing
