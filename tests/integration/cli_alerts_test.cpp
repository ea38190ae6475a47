// Webhook alerts from `decnet up` (docs/ALERTS.md) to a receiver this test starts
// (webhook_receiver.py, which checks the HMAC itself): a redis-cli AUTH against a decky is
// POSTed, signed, and arrives on the third try after two 500s; GET /config shows the target
// without its secret; /metrics counts the retries. A receiver that is down does not slow
// storage, and the bounded queue's drops are counted. Subnet 127.216.0.0/16, API ports
// 18216-18217, receiver ports 28616-28617.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include "integration/api_client.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPassword = "alerts-password-1";

// The value of the first sample line that starts with `series` (name plus labels).
double sample(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::atof(text.c_str() + at + 1 + series.size() + 1);
}

std::vector<json> received(const std::string& log) {
    std::vector<json> out;
    std::istringstream lines(std::filesystem::exists(log) ? read_file(log) : "");
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) out.push_back(json::parse(line));
    return out;
}

std::vector<json> wait_for_posts(const std::string& log, std::size_t n) {
    auto posts = received(log);
    for (int i = 0; i < 150 && posts.size() < n; ++i) {
        std::this_thread::sleep_for(100ms);
        posts = received(log);
    }
    return posts;
}

BackgroundProcess receiver(const std::string& dir, int port, int fail) {
    const auto sub = dir + "/receiver-" + std::to_string(port);
    std::filesystem::create_directories(sub);
    return BackgroundProcess(
        {"/usr/bin/env", "python3", DECNET_SOURCE_DIR "/tests/integration/webhook_receiver.py",
         "--host", "127.216.0.1", "--port", std::to_string(port), "--secret", "s3cret", "--fail",
         std::to_string(fail), "--log", dir + "/posts.jsonl"},
        sub);
}

std::vector<std::string> up_argv(const std::string& dir, int api_port) {
    return {"/usr/bin/env",
            std::string("DECNET_ADMIN_PASSWORD=") + kPassword,
            "DECNET_JWT_SECRET=",
            "DECNET_METRICS_PUBLIC=",
            "DECNET_METRICS_TOKEN=",
            DECNET_BINARY,
            "up",
            "--config",
            dir + "/fleet.ini",
            "--db",
            dir + "/up.db",
            "--state-dir",
            dir,
            "--api-port",
            std::to_string(api_port)};
}

TEST(CliAlerts, ARedisLoginIsPostedSignedAndRetriedUntilAccepted) {
    const auto dir = make_temp_dir();
    auto hook = receiver(dir, 28616, 2);
    ASSERT_THAT(hook.wait_for_output("listening"), HasSubstr("listening")) << hook.err();
    write_file(dir + "/fleet.ini",
               "[general]\nnet = 127.216.1.0/24\n\n[alpha]\nip = 127.216.1.10\nservices = redis\n\n"
               "[alerts]\nurl = http://127.216.0.1:28616/hook?team=blue\nsecret = s3cret\n"
               "events = auth\nservices = redis\nretries = 3\nbackoff = 0.2\n");
    BackgroundProcess up(up_argv(dir, 18216), dir);
    ASSERT_THAT(up.wait_for_output("decnet is up", 30s), HasSubstr("127.216.1.10:6379"))
        << up.err();

    EXPECT_THAT(capture("redis-cli -h 127.216.1.10 -p 6379 AUTH hunter2 2>&1"), HasSubstr("OK"));
    const auto posts = wait_for_posts(dir + "/posts.jsonl", 3);
    ASSERT_EQ(posts.size(), 3u) << up.err();
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(posts[i]["headers"]["X-Decnet-Attempt"], std::to_string(i + 1));
        EXPECT_TRUE(posts[i]["signature_ok"].get<bool>()) << posts[i].dump();
        EXPECT_EQ(posts[i]["path"], "/hook?team=blue");
    }
    const auto& last = posts[2];
    EXPECT_EQ(last["headers"]["X-Decnet-Event"], "auth");
    EXPECT_EQ(last["headers"]["Content-Type"], "application/json");
    // The body is the stored row as GET /logs shows it.
    const auto body = json::parse(last["body"].get<std::string>());
    EXPECT_EQ(body["service"], "redis");
    EXPECT_EQ(body["event_type"], "auth");
    EXPECT_EQ(body["decky"], "alpha");
    EXPECT_THAT(body["fields"].get<std::string>(), HasSubstr("hunter2"));
    EXPECT_EQ(last["headers"]["X-Decnet-Event-Id"], std::to_string(body["id"].get<int>()));
    auto repo = store::open_sqlite(dir + "/up.db");
    const auto stored = repo->logs({std::nullopt, std::nullopt, "event:auth"}, 5, 0);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].id, body["id"].get<std::int64_t>());
    // Only auth was wanted: the connect/disconnect rows were stored but not sent.
    EXPECT_GE(repo->count_logs({}), 2);

    std::string metrics;
    for (int i = 0; i < 50; ++i) {
        metrics = capture("curl -s --max-time 10 http://127.0.0.1:18216/metrics");
        if (sample(metrics, R"(decnet_alerts_total{target="default",outcome="delivered"})") == 1)
            break;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(sample(metrics, R"(decnet_alerts_total{target="default",outcome="delivered"})"), 1)
        << metrics;
    EXPECT_EQ(sample(metrics, R"(decnet_alerts_total{target="default",outcome="queued"})"), 1);
    EXPECT_EQ(sample(metrics, R"(decnet_alerts_retries_total{target="default"})"), 2);
    EXPECT_EQ(sample(metrics, R"(decnet_alerts_total{target="default",outcome="dropped"})"), 0);

    const std::string base = "http://127.0.0.1:18216/api/v1";
    const auto token = api_login(base, kPassword);
    const auto [status, config] = api_call(base, "GET", "/config", token);
    ASSERT_EQ(status, 200) << config.dump();
    ASSERT_EQ(config["alerts"].size(), 1u) << config.dump();
    EXPECT_EQ(config["alerts"][0]["name"], "default");
    EXPECT_EQ(config["alerts"][0]["url"], "http://127.216.0.1:28616/…");
    EXPECT_EQ(config["alerts"][0]["signed"], true);
    EXPECT_EQ(config["alerts"][0]["events"], json::array({"auth"}));
    EXPECT_THAT(config.dump(), Not(HasSubstr("s3cret")));
    EXPECT_EQ(up.stop(), 0) << up.err();
}

TEST(CliAlerts, AReceiverThatIsDownNeitherSlowsStorageNorGoesUncounted) {
    const auto dir = make_temp_dir();
    // Nothing listens on 127.216.0.1:28617: every attempt is refused, then waits 30 s.
    write_file(dir + "/fleet.ini",
               "[general]\nnet = 127.216.2.0/24\n\n[beta]\nip = 127.216.2.10\nservices = redis\n\n"
               "[alerts.down]\nurl = http://127.216.0.1:28617/\nmax_queue = 2\nbackoff = 30\n"
               "retries = 5\n");
    BackgroundProcess up(up_argv(dir, 18217), dir);
    ASSERT_THAT(up.wait_for_output("decnet is up", 30s), HasSubstr("127.216.2.10:6379"))
        << up.err();
    std::string commands;
    for (int i = 0; i < 20; ++i) commands += "SET key" + std::to_string(i) + " v\n";
    write_file(dir + "/commands.txt", commands);
    const auto start = std::chrono::steady_clock::now();
    capture("redis-cli -h 127.216.2.10 -p 6379 < " + dir + "/commands.txt >/dev/null 2>&1");
    auto repo = store::open_sqlite(dir + "/up.db");
    wait_for_logs(*repo, "service:redis event:command", 20);
    const auto stored_after = std::chrono::steady_clock::now() - start;
    EXPECT_LT(stored_after, 3s) << "events were stored "
                                << std::chrono::duration<double>(stored_after).count() << " s late";

    std::string metrics;
    const std::string dropped = R"(decnet_alerts_total{target="down",outcome="dropped"})";
    for (int i = 0; i < 50; ++i) {
        metrics = capture("curl -s --max-time 10 http://127.0.0.1:18217/metrics");
        if (sample(metrics, dropped) >= 15) break;
        std::this_thread::sleep_for(100ms);
    }
    const auto queued = sample(metrics, R"(decnet_alerts_total{target="down",outcome="queued"})");
    EXPECT_GE(queued, 22) << metrics;  // connect, 20 commands, disconnect
    // One alert waits for its retry, two are queued: the rest were dropped.
    EXPECT_GE(sample(metrics, dropped), queued - 3) << metrics;
    EXPECT_EQ(sample(metrics, R"(decnet_alerts_total{target="down",outcome="delivered"})"), 0);
    EXPECT_LE(sample(metrics, R"(decnet_alerts_queue_depth{target="down"})"), 2);
    // The instance still stops promptly (queued alerts get a 2 s grace, no backoff waits).
    const auto stopping = std::chrono::steady_clock::now();
    EXPECT_EQ(up.stop(), 0) << up.err();
    EXPECT_LT(std::chrono::steady_clock::now() - stopping, 8s);
}

}  // namespace
}  // namespace decnet::testing
