// Issue #19's "done when", in one run: real clients from two loopback source addresses
// reach three deckies of one `decnet up` — ssh logins with a command, http, a redis login and
// command — and the API then shows two attackers with their counts, services, deckies,
// commands and credentials, one traversal with its path, behaviour filled, ATT&CK tags on
// the events, the two addresses joined into one identity (the same ssh client and the same
// uncommon credentials), a signed webhook received by the test's receiver, a STIX export
// that passes the test's schema; a restart changes no profile.
// Loopback subnet 127.220.0.0/24, API port 18220, webhook receiver 127.220.1.1:28620.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "integration/api_client.hpp"
#include "integration/attacker_clients.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kBase = "http://127.0.0.1:18220/api/v1";
constexpr const char* kPassword = "intel-e2e-password-1";
constexpr const char* kA = "127.220.0.200";
constexpr const char* kB = "127.220.0.201";
constexpr const char* kSsh = "127.220.0.10";
constexpr const char* kWeb = "127.220.0.11";
constexpr const char* kRedis = "127.220.0.12";

constexpr const char* kFleet =
    "[general]\nnet = 127.220.0.0/24\n\n"
    "[gate]\nip = 127.220.0.10\nservices = ssh\n\n"
    "[web]\nip = 127.220.0.11\nservices = http\n\n"
    "[cache]\nip = 127.220.0.12\nservices = redis\n\n"
    "[alerts]\nurl = http://127.220.1.1:28620/hook\nsecret = e2e-secret\n"
    "events = auth\nretries = 2\nbackoff = 0.2\n";

std::vector<std::string> up_args(const std::string& dir) {
    return {"/usr/bin/env",
            std::string("DECNET_ADMIN_PASSWORD=") + kPassword,
            "DECNET_JWT_SECRET=intel-e2e-secret-0123456789abcdef",
            DECNET_BINARY,
            "up",
            "--config",
            dir + "/fleet.ini",
            "--db",
            dir + "/e2e.db",
            "--state-dir",
            dir,
            "--api-port",
            "18220"};
}

std::vector<json> posts(const std::string& log) {
    std::vector<json> out;
    std::istringstream lines(std::filesystem::exists(log) ? read_file(log) : "");
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) out.push_back(json::parse(line, nullptr, false));
    return out;
}

TEST(CliIntelE2e, TwoSourcesThreeDeckiesProfilesTraversalIdentityWebhookAndStix) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kFleet);
    std::filesystem::create_directories(dir + "/hook");
    BackgroundProcess hook(
        {"/usr/bin/env", "python3", DECNET_SOURCE_DIR "/tests/integration/webhook_receiver.py",
         "--host", "127.220.1.1", "--port", "28620", "--secret", "e2e-secret", "--fail", "0",
         "--log", dir + "/posts.jsonl"},
        dir + "/hook");
    ASSERT_THAT(hook.wait_for_output("listening"), HasSubstr("listening")) << hook.err();

    json a_before;
    {
        BackgroundProcess up(up_args(dir), dir);
        ASSERT_THAT(up.wait_for_output("decnet is up", 30s), HasSubstr("REST API")) << up.err();
        const auto token = api_login(kBase, kPassword);
        ASSERT_FALSE(token.empty());

        // A: ssh (a wrong password, then the same uncommon list as B), a command; http; redis.
        for (const char* source : {kA, kB}) {
            ssh_password_login(source, kSsh, "deploy", "Xk9!vQ2#");
            ssh_password_login(source, kSsh, "oracle", "Winter2025!");
        }
        ssh_password_login(kA, kSsh, "root", "123456", "uname -a; cat /etc/passwd");
        capture(std::string("timeout 10 curl -s -o /dev/null --interface ") + kA +
                " -A "
                "'sqlmap/1.7' http://" +
                kWeb + "/admin");
        const auto redis = capture(std::string("printf 'AUTH admin s3cret\\r\\nCONFIG GET "
                                               "dir\\r\\nQUIT\\r\\n' | timeout 10 nc -q2 -s ") +
                                   kA + " " + kRedis + " 6379");
        EXPECT_THAT(redis, HasSubstr("+OK"));

        // Profiles, traversal and identity settle within seconds. The identity row and the
        // attacker's link to it are written by separate rounds, so wait for both.
        json a, b, ids;
        for (int i = 0; i < 200; ++i) {
            a = attacker_by_ip(kBase, token, kA);
            b = attacker_by_ip(kBase, token, kB);
            ids = api_call(kBase, "GET", "/identities?limit=10", token).second;
            if (a.is_object() && b.is_object() && a["decky_count"] == 3 &&
                a["credential_count"] >= 4 && ids.is_object() && ids["total"] == 1 &&
                a["behavior"].is_object() && a["identity_id"].is_string())
                break;
            std::this_thread::sleep_for(100ms);
        }
        ASSERT_TRUE(a.is_object()) << a.dump();
        ASSERT_TRUE(b.is_object()) << b.dump();
        EXPECT_EQ(a["services"], json({"http", "redis", "ssh"})) << a.dump();
        EXPECT_EQ(a["deckies"].size(), 3u) << a.dump();
        EXPECT_EQ(a["is_traversal"], true);
        EXPECT_EQ(a["traversal_path"].get<std::string>().find("gate"), 0u) << a.dump();
        EXPECT_GE(a["credential_count"], 4);
        EXPECT_EQ(b["services"], json({"ssh"}));
        EXPECT_EQ(b["is_traversal"], false);
        EXPECT_EQ(b["credential_count"], 2);
        ASSERT_TRUE(a["behavior"].is_object());
        EXPECT_TRUE(a["behavior"]["behavior_class"].is_string());
        EXPECT_GT(a["behavior"]["timing_stats"]["event_count"], 0);
        std::set<std::string> services_with_commands;
        for (const auto& c : a["commands"]) services_with_commands.insert(c["service"]);
        EXPECT_TRUE(services_with_commands.contains("redis")) << a["commands"].dump();
        EXPECT_TRUE(services_with_commands.contains("ssh")) << a["commands"].dump();

        // ATT&CK: brute force on the logins, a Unix shell's commands, on the events and the
        // attacker.
        const auto tagged =
            api_call(kBase, "GET", std::string("/logs?limit=5&search=tag:T1110%20attacker:") + kA,
                     token)
                .second;
        EXPECT_GE(tagged.value("total", 0), 1) << tagged.dump();
        EXPECT_TRUE(a["attack_techniques"].contains("T1110")) << a.dump();
        EXPECT_TRUE(a["attack_techniques"].contains("T1059.004")) << a.dump();

        // One identity: A and B share the ssh client and the uncommon credentials.
        ASSERT_EQ(ids["total"], 1) << ids.dump();
        EXPECT_EQ(ids["data"][0]["members"], json({kA, kB}));
        EXPECT_EQ(a["identity_id"], ids["data"][0]["id"]);

        // The webhook: every ssh and redis auth, signed, the body the stored row.
        std::vector<json> received;
        for (int i = 0; i < 100; ++i) {
            received = posts(dir + "/posts.jsonl");
            if (received.size() >= 6) break;
            std::this_thread::sleep_for(100ms);
        }
        ASSERT_GE(received.size(), 6u) << up.err();
        std::set<std::string> hooked_services;
        for (const auto& p : received) {
            EXPECT_TRUE(p["signature_ok"].get<bool>()) << p.dump();
            hooked_services.insert(json::parse(p["body"].get<std::string>())["service"]);
        }
        EXPECT_EQ(hooked_services, (std::set<std::string>{"redis", "ssh"}));

        a_before = a;
        EXPECT_EQ(up.stop(), 0) << up.err();
    }

    // STIX 2.1 of the store, checked against the test's schema.
    const auto stix =
        run_decnet({"export", "--format", "stix", "--db", dir + "/e2e.db", "-o", dir + "/b.json"});
    ASSERT_EQ(stix.exit_code, 0) << stix.err;
    const auto check =
        capture("python3 " + std::string(DECNET_SOURCE_DIR) + "/tests/integration/check_stix.py " +
                dir + "/b.json 2>&1; echo rc=$?");
    EXPECT_THAT(check, HasSubstr("rc=0")) << check;
    EXPECT_THAT(read_file(dir + "/b.json"), HasSubstr(std::string("[ipv4-addr:value = '") + kA));

    // A restart on the same store changes no profile.
    const auto second = make_temp_dir();
    BackgroundProcess again(up_args(dir), second);
    ASSERT_THAT(again.wait_for_output("decnet is up", 30s), HasSubstr("REST API")) << again.err();
    const auto token = api_login(kBase, kPassword);
    std::this_thread::sleep_for(2500ms);  // a profiler round or two
    const auto kept = attacker_by_ip(kBase, token, kA);
    ASSERT_TRUE(kept.is_object());
    for (const char* field : {"uuid", "event_count", "deckies", "services", "credential_count",
                              "commands", "traversal_path", "identity_id"})
        EXPECT_EQ(kept[field], a_before[field]) << field;
    EXPECT_EQ(again.stop(), 0) << again.err();
}

}  // namespace
}  // namespace decnet::testing
