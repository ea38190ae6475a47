// `decnet up` with its embedded REST API (issue #4/#5): the API serves the live fleet —
// /deckies and /stats show the deckies that listen, a deploy through the API starts a new
// decky's listeners at once (redis-cli reaches it), a mutate through the API rotates a
// decky the control socket then reports, and /health reports the runtime and ingester.
// Loopback subnet 127.99.20.0/24, API port 18150.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "integration/api_client.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr const char* kBase = "http://127.0.0.1:18150/api/v1";
constexpr const char* kPassword = "up-api-password-1";

std::pair<int, json> call(const std::string& method, const std::string& path,
                          const std::string& token = "", const std::string& body = "") {
    return api_call(kBase, method, path, token, body);
}

std::string login() {
    return api_login(kBase, kPassword);
}

TEST(CliUpApi, TheApiServesAndDrivesTheLiveFleet) {
    const auto dir = make_temp_dir();
    BackgroundProcess up(
        {"/usr/bin/env", std::string("DECNET_ADMIN_PASSWORD=") + kPassword,
         "DECNET_JWT_SECRET=", DECNET_BINARY, "up", "-n", "2", "--services", "redis", "--subnet",
         "127.99.20.0/24", "--db", dir + "/up.db", "--state-dir", dir, "--api-port", "18150"},
        dir);
    const auto out = up.wait_for_output("decnet is up", std::chrono::seconds(30));
    ASSERT_THAT(out, HasSubstr("REST API: http://127.0.0.1:18150/api/v1")) << up.err();
    const auto token = login();
    ASSERT_FALSE(token.empty());

    auto [status, deckies] = call("GET", "/deckies", token);
    ASSERT_EQ(status, 200);
    ASSERT_EQ(deckies.size(), 2u) << deckies.dump();
    EXPECT_EQ(deckies[0]["services"], json::array({"redis"}));
    // Loopback deckies have no MAC of their own; both listen.
    EXPECT_TRUE(deckies[0]["mac"].is_null()) << deckies.dump();
    EXPECT_EQ(deckies[0]["state"], "up");
    auto stats = call("GET", "/stats", token).second;
    EXPECT_EQ(stats["deployed_deckies"], 2);
    EXPECT_EQ(stats["active_deckies"], 2);

    auto [health_status, health] = call("GET", "/health", token);
    EXPECT_EQ(health_status, 200) << health.dump();
    EXPECT_EQ(health["components"]["decky_runtime"]["status"], "ok");
    EXPECT_EQ(health["components"]["ingestion_worker"]["status"], "ok");

    // The live stream gets an attacker's event pushed by the ingester (no polling).
    const auto stream =
        capture(std::string("curl -sN --max-time 6 '") + kBase + "/stream?token=" + token + "' > " +
                dir + "/stream.out & sleep 1.5; " +
                "redis-cli -h 127.99.20.1 -p 6379 CONFIG GET dir >/dev/null 2>&1; "
                "wait; cat " +
                dir + "/stream.out");
    EXPECT_THAT(stream, HasSubstr(R"("type":"logs")"));
    EXPECT_THAT(stream, HasSubstr(R"("service":"redis")"));

    // A deploy through the API listens at once.
    const std::string ini = R"({"ini_content":"[web-01]\nip=127.99.20.50\nservices=redis\n"})";
    auto [deploy_status, deployed] = call("POST", "/deckies/deploy", token, ini);
    ASSERT_EQ(deploy_status, 200) << deployed.dump();
    EXPECT_THAT(capture("redis-cli -h 127.99.20.50 -p 6379 PING 2>&1"), HasSubstr("PONG"));
    const auto status_json = run_decnet({"status", "--json", "--state-dir", dir});
    EXPECT_THAT(status_json.out, HasSubstr("web-01"));

    // Mutate through the API: the instance's own view changes.
    auto [mutate_status, mutated] = call("POST", "/deckies/web-01/mutate", token);
    EXPECT_EQ(mutate_status, 200) << mutated.dump();
    EXPECT_EQ(call("POST", "/deckies/no-such-decky/mutate", token).first, 404);
    const auto after =
        json::parse(run_decnet({"status", "--json", "--state-dir", dir}).out, nullptr, false);
    ASSERT_TRUE(after.is_object() || after.is_array()) << after.dump();

    EXPECT_EQ(up.stop(), 0) << up.err();
}

TEST(CliUpApi, ATakenApiPortIsAClearStartUpError) {
    const auto dir = make_temp_dir();
    BackgroundProcess blocker({"/usr/bin/env", "DECNET_JWT_SECRET=", DECNET_BINARY, "api", "--port",
                               "18151", "--db", dir + "/a.db", "--state-dir", dir},
                              dir);
    blocker.wait_for_output("listening on", std::chrono::seconds(30));
    const auto r =
        run_decnet({"up", "-n", "1", "--services", "redis", "--subnet", "127.99.21.0/24", "--db",
                    dir + "/up.db", "--state-dir", dir + "/up", "--api-port", "18151"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("REST API"));
    EXPECT_THAT(r.err, HasSubstr("--no-api"));
    blocker.stop();
}

}  // namespace
}  // namespace decnet::testing
