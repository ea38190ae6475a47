// Attacker profiles and traversals end to end (issue #19): real clients (curl, nc) from
// two loopback source addresses hit two deckies of a `decnet up`, and the API's
// /attackers shows both attackers with the counts, services and deckies their events
// say, one traversal, and its traversal_detected event; a restart changes no profile and
// the next event continues it. Loopback subnet 127.196.0.0/24, API port 18196.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <thread>

#include "integration/api_client.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr const char* kBase = "http://127.0.0.1:18196/api/v1";
constexpr const char* kPassword = "profiles-password-1";
constexpr const char* kAttackerA = "127.196.0.200";
constexpr const char* kAttackerB = "127.196.0.201";

std::vector<std::string> up_args(const std::string& dir) {
    return {"/usr/bin/env",
            std::string("DECNET_ADMIN_PASSWORD=") + kPassword,
            "DECNET_JWT_SECRET=profiles-test-secret-0123456789abcdef",
            DECNET_BINARY,
            "up",
            "-n",
            "2",
            "--services",
            "http,redis",
            "--subnet",
            "127.196.0.0/24",
            "--db",
            dir + "/p.db",
            "--state-dir",
            dir,
            "--api-port",
            "18196"};
}

json attacker_by_ip(const std::string& token, const std::string& ip) {
    const auto [status, page] = api_call(kBase, "GET", "/attackers?limit=100&search=" + ip, token);
    if (status != 200 || !page.is_object()) return nullptr;
    for (const auto& a : page["data"])
        if (a["ip"] == ip) return a;
    return nullptr;
}

// The attacker's stored events that are its own traffic (not the correlator's report).
int own_events(const std::string& token, const std::string& ip) {
    const auto [status, page] =
        api_call(kBase, "GET", "/logs?limit=1000&search=attacker:" + ip, token);
    if (status != 200) return -1;
    int n = 0;
    for (const auto& row : page["data"])
        if (row["service"] != "correlator") ++n;
    return n;
}

// Polls until the profile has `events` events (the profiler runs within seconds).
json wait_for_profile(const std::string& token, const std::string& ip, int events) {
    json a;
    for (int i = 0; i < 100; ++i) {
        a = attacker_by_ip(token, ip);
        if (a.is_object() && a["event_count"] == events) return a;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return a;
}

TEST(CliProfiles, TwoAttackersTwoDeckiesOneTraversalAndARestartKeepsThem) {
    const auto dir = make_temp_dir();
    json a_before;
    std::string deckies_a[2];
    {
        BackgroundProcess up(up_args(dir), dir);
        ASSERT_THAT(up.wait_for_output("decnet is up", std::chrono::seconds(30)),
                    HasSubstr("REST API: http://127.0.0.1:18196/api/v1"))
            << up.err();
        const auto token = api_login(kBase, kPassword);
        ASSERT_FALSE(token.empty());
        const auto deckies = api_call(kBase, "GET", "/deckies", token).second;
        ASSERT_EQ(deckies.size(), 2u) << deckies.dump();
        const std::string name1 = deckies[0]["name"], ip1 = deckies[0]["ip"];
        const std::string name2 = deckies[1]["name"], ip2 = deckies[1]["ip"];

        // A: http on the first decky, then http and a redis login and command on the second.
        EXPECT_THAT(capture(std::string("timeout 10 curl -s -o /dev/null -w '%{http_code}' "
                                        "--interface ") +
                            kAttackerA + " http://" + ip1 + "/"),
                    ::testing::MatchesRegex("[2-5][0-9][0-9]"));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        capture(std::string("timeout 10 curl -s -o /dev/null --interface ") + kAttackerA +
                " -A 'sqlmap/1.7' http://" + ip2 + "/admin");
        const auto redis = capture(std::string("printf 'AUTH admin s3cret\\r\\nCONFIG GET "
                                               "dir\\r\\nQUIT\\r\\n' | timeout 10 nc -q2 -s ") +
                                   kAttackerA + " " + ip2 + " 6379");
        EXPECT_THAT(redis, HasSubstr("+OK"));
        // B: one request on the first decky.
        capture(std::string("timeout 10 curl -s -o /dev/null --interface ") + kAttackerB +
                " http://" + ip1 + "/index.html");

        // The disconnect of the redis session is A's last event and B's request came after
        // it: wait until both are stored.
        int a_events = -1;
        for (int i = 0; i < 100; ++i) {
            a_events = own_events(token, kAttackerA);
            const auto page = api_call(kBase, "GET",
                                       std::string("/logs?limit=5&search=attacker:") + kAttackerA +
                                           "%20service:redis%20event:disconnect",
                                       token)
                                  .second;
            if (page.is_object() && page["total"] == 1 && own_events(token, kAttackerB) >= 1) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        a_events = own_events(token, kAttackerA);
        const int b_events = own_events(token, kAttackerB);
        ASSERT_GE(a_events, 5);  // 2 requests, connect, auth, command(s), disconnect
        ASSERT_GE(b_events, 1);

        const auto a = wait_for_profile(token, kAttackerA, a_events);
        ASSERT_TRUE(a.is_object()) << a.dump();
        EXPECT_EQ(a["event_count"], a_events) << a.dump();
        EXPECT_EQ(a["services"], json::array({"http", "redis"}));
        EXPECT_EQ(a["service_count"], 2);
        EXPECT_EQ(a["deckies"], json::array({name1, name2}));
        EXPECT_EQ(a["decky_count"], 2);
        EXPECT_EQ(a["is_traversal"], true);
        EXPECT_EQ(a["traversal_path"], name1 + " \u2192 " + name2);
        EXPECT_GE(a["credential_count"], 1);
        EXPECT_GE(a["bounty_count"], 2);  // the credential and sqlmap's user agent
        ASSERT_TRUE(a["behavior"].is_object()) << a.dump();
        EXPECT_EQ(a["behavior"]["tool_guesses"], json::array({"curl", "sqlmap"}));
        EXPECT_EQ(a["behavior"]["timing_stats"]["event_count"], a_events);
        EXPECT_TRUE(a["behavior"]["behavior_class"].is_string());
        bool config = false;
        for (const auto& c : a["commands"])
            if (c["command"] == "CONFIG" && c["service"] == "redis" && c["decky"] == name2)
                config = true;
        EXPECT_TRUE(config) << a["commands"].dump();
        const auto commands =
            api_call(kBase, "GET",
                     "/attackers/" + a["uuid"].get<std::string>() + "/commands?service=redis",
                     token)
                .second;
        EXPECT_GE(commands["total"], 1) << commands.dump();

        const auto b = wait_for_profile(token, kAttackerB, b_events);
        ASSERT_TRUE(b.is_object());
        EXPECT_EQ(b["event_count"], b_events);
        EXPECT_EQ(b["services"], json::array({"http"}));
        EXPECT_EQ(b["deckies"], json::array({name1}));
        EXPECT_EQ(b["is_traversal"], false);
        EXPECT_TRUE(b["traversal_path"].is_null());

        // Exactly one traversal, announced once on the bus and stored like any event.
        const auto traversals =
            api_call(kBase, "GET", "/attackers?sort_by=traversals&limit=10", token).second;
        int count = 0;
        for (const auto& row : traversals["data"]) count += row["is_traversal"] == true ? 1 : 0;
        EXPECT_EQ(count, 1) << traversals.dump();
        const auto detected =
            api_call(kBase, "GET", "/logs?limit=10&search=event:traversal_detected", token).second;
        ASSERT_EQ(detected["total"], 1) << detected.dump();
        EXPECT_THAT(detected["data"][0]["raw_line"].get<std::string>(),
                    HasSubstr(std::string("attacker_ip=\"") + kAttackerA +
                              "\" decky_count=\"2\" "
                              "deckies=\"" +
                              name1 + "," + name2 + "\""));
        a_before = a;
        deckies_a[0] = ip1;
        deckies_a[1] = ip2;
        EXPECT_EQ(up.stop(), 0) << up.err();
    }

    // Restart on the same store: the profile is what it was; the next event continues it.
    const auto second_run = make_temp_dir();  // its own output files
    BackgroundProcess again(up_args(dir), second_run);
    ASSERT_THAT(again.wait_for_output("decnet is up", std::chrono::seconds(30)),
                HasSubstr("REST API"))
        << again.err();
    const auto token = api_login(kBase, kPassword);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // a profiler round or two
    const auto kept = attacker_by_ip(token, kAttackerA);
    ASSERT_TRUE(kept.is_object());
    EXPECT_EQ(kept["uuid"], a_before["uuid"]);
    EXPECT_EQ(kept["event_count"], a_before["event_count"]);
    EXPECT_EQ(kept["deckies"], a_before["deckies"]);
    EXPECT_EQ(kept["commands"], a_before["commands"]);
    capture(std::string("timeout 10 curl -s -o /dev/null --interface ") + kAttackerA + " http://" +
            deckies_a[0] + "/again");
    const int expected = a_before["event_count"].get<int>() + 1;
    const auto grown = wait_for_profile(token, kAttackerA, expected);
    EXPECT_EQ(grown["event_count"], expected) << grown.dump();
    EXPECT_EQ(grown["deckies"], a_before["deckies"]);
    const auto detected =
        api_call(kBase, "GET", "/logs?limit=10&search=event:traversal_detected", token).second;
    EXPECT_EQ(detected["total"], 1);  // not announced again
    EXPECT_EQ(again.stop(), 0) << again.err();
}

// `decnet correlate` over the instance's own log file and `decnet profiler --once` over
// a store: the offline tools agree with what the instance saw.
TEST(CliProfiles, CorrelateReadsALogFile) {
    const auto dir = make_temp_dir();
    write_file(dir + "/events.log",
               "<134>1 2026-04-04T10:00:00+00:00 decky-01 ssh - login_attempt [decnet@55555 "
               "src_ip=\"5.6.7.8\"]\n"
               "<134>1 2026-04-04T10:05:00+00:00 decky-03 http - request [decnet@55555 "
               "src_ip=\"5.6.7.8\"]\n"
               "<134>1 2026-04-04T10:10:00+00:00 decky-05 ftp - login [decnet@55555 "
               "src_ip=\"5.6.7.8\"]\n"
               "<134>1 2026-04-04T10:12:00+00:00 decky-01 ssh - command [decnet@55555 "
               "src_ip=\"5.6.7.8\"]\n");
    const auto table = run_decnet({"correlate", "-f", dir + "/events.log"});
    EXPECT_EQ(table.exit_code, 0) << table.err;
    EXPECT_THAT(table.out, HasSubstr("Traversal Graph \u2014 Cross-Decky Attackers"));
    EXPECT_THAT(table.out, HasSubstr("decky-01 \u2192 decky-03 \u2192 decky-05"));
    EXPECT_THAT(table.out, HasSubstr("2026-04-04 10:00:00 UTC"));
    EXPECT_THAT(table.out, HasSubstr("12.0m"));
    EXPECT_THAT(table.out,
                HasSubstr("Parsed 4 lines \u00b7 indexed 4 events \u00b7 1 unique IPs \u00b7 1 "
                          "traversal(s)"));
    const auto syslog = run_decnet({"correlate", "-f", dir + "/events.log", "-o", "syslog"});
    EXPECT_THAT(syslog.out, HasSubstr("hop_count=\"4\" duration_s=\"720\"]"));
    const auto json_out = run_decnet({"correlate", "-f", dir + "/events.log", "-o", "json"});
    const auto report = json::parse(json_out.out, nullptr, false);
    ASSERT_TRUE(report.is_object()) << json_out.out;
    EXPECT_EQ(report["traversals"][0]["duration_seconds"], 720.0);
    const auto none = run_decnet({"correlate", "-f", dir + "/events.log", "-m", "4"});
    EXPECT_THAT(none.out, HasSubstr("No traversals detected (min_deckies=4, events_indexed=4)."));
    const auto with_syslog = run_decnet({"correlate", "-f", dir + "/events.log", "--emit-syslog"});
    EXPECT_THAT(with_syslog.out, HasSubstr("traversal_detected"));
    const auto missing = run_decnet({"correlate", "-f", dir + "/missing.log"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_THAT(missing.err, HasSubstr("Log file not found"));
    EXPECT_EQ(run_decnet({"correlate", "-o", "xml", "-f", dir + "/events.log"}).exit_code, 2);
    const auto piped =
        capture(std::string(DECNET_BINARY) + " correlate -o syslog < " + dir + "/events.log");
    EXPECT_THAT(piped, HasSubstr("deckies=\"decky-01,decky-03,decky-05\""));

    // The same lines ingested into a store, then profiled by `decnet profiler --once`.
    const auto ingest = run_decnet({"ingest", dir + "/events.log", "--db", dir + "/s.db"});
    ASSERT_EQ(ingest.exit_code, 0) << ingest.err << ingest.out;
    const auto profiled = run_decnet({"profiler", "--once", "--db", dir + "/s.db"});
    EXPECT_EQ(profiled.exit_code, 0) << profiled.err;
    EXPECT_THAT(profiled.out, HasSubstr("4 rows, 1 profiles written, cursor at log id 4"));
    const auto again = run_decnet({"profiler", "--once", "--db", dir + "/s.db"});
    EXPECT_THAT(again.out, HasSubstr("0 rows, 0 profiles written, cursor at log id 4"));
}

}  // namespace
}  // namespace decnet::testing
