// The read resources and the fleet over a real socket: ApiServer with these routes, a
// real SQLite store, and curl as the client (api.md §11 checks 17–38, 48–50 in the
// black-box form; auth is api-core's and only exercised as far as these routes need).
#include <gtest/gtest.h>
#include <stdio.h>

#include <array>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/api_context.hpp"
#include "api/auth/auth_service.hpp"
#include "api/db_fleet_control.hpp"
#include "api/resources/read_caches.hpp"
#include "api/resources/read_resources.hpp"
#include "api/server/api_server.hpp"
#include "api_test_support.hpp"
#include "telemetry/metrics.hpp"
#include "unit/api/read_test_support.hpp"

namespace decnet::api {
namespace {

// ctest runs each test in its own process, possibly in parallel: take the first free
// port of the range reserved for these tests.
constexpr unsigned short kFirstPort = 18240;
constexpr unsigned short kLastPort = 18299;

struct CurlResult {
    int status = 0;
    std::string body;
};

class ReadHttpTest : public ::testing::Test {
  protected:
    // As `decnet api` runs it: repeated GETs take the fast path (server/fast_answers).
    explicit ReadHttpTest(std::size_t threads = 2)
        : auth_(*store_.repo, testing::cheap_settings()),
          fleet_(*store_.repo, network_),
          context_{*store_.repo, {}} {
        store::UserRecord admin{auth::new_uuid_v4(), "admin", "x", "admin", false};
        store::UserRecord viewer{auth::new_uuid_v4(), "viewer", "x", "viewer", false};
        store_.repo->create_user(admin);
        store_.repo->create_user(viewer);
        admin_token_ = auth_.jwt().issue(admin.uuid);
        viewer_token_ = auth_.jwt().issue(viewer.uuid);
        context_.fleet = &fleet_;
        ServerOptions options;
        options.threads = threads;
        options.data_version = [repo = store_.repo.get()] { return repo->data_version(); };
        for (unsigned short port = kFirstPort; !server_ && port <= kLastPort; ++port) {
            options.port = port;
            try {
                server_ =
                    std::make_unique<ApiServer>(read_resource_routes(context_), auth_,
                                                CorsPolicy{{"http://localhost:8080"}}, options);
            } catch (const std::runtime_error&) {
                // taken: try the next one
            }
        }
        if (!server_) throw std::runtime_error("no free port in 18240-18299");
        port_ = server_->port();
        server_->start();
    }
    ~ReadHttpTest() override {
        if (server_) server_->stop();
    }

    // curl with the token (if any), a method, an optional JSON body; path already encoded.
    // `extra`: more curl options (-i for the head, -H for a header).
    CurlResult curl(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& body = {}, const std::string& extra = {}) {
        std::string command = "curl -s -o - -w '\\n%{http_code}' -X " + method + " " + extra;
        if (!token.empty()) command += " -H 'Authorization: Bearer " + token + "'";
        if (!body.empty()) command += " -H 'Content-Type: application/json' --data-binary @- ";
        command += " 'http://127.0.0.1:" + std::to_string(port_) + path + "'";
        std::string output;
        if (!body.empty()) {
            // The body goes through a file: curl reads it from stdin (@-).
            const std::string file = store_.dir + "/body.json";
            FILE* f = std::fopen(file.c_str(), "wb");
            std::fwrite(body.data(), 1, body.size(), f);
            std::fclose(f);
            command += " < '" + file + "'";
        }
        FILE* pipe = ::popen(command.c_str(), "r");
        std::array<char, 4096> buffer{};
        while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
            output.append(buffer.data(), n);
        ::pclose(pipe);
        CurlResult result;
        const auto newline = output.rfind('\n');
        result.body = output.substr(0, newline);
        result.status = std::atoi(output.c_str() + newline + 1);
        return result;
    }

    testing::TempStore store_;
    auth::AuthService auth_;
    read_test::FixedNetwork network_;
    DbFleetControl fleet_;
    ApiContext context_;
    std::unique_ptr<ApiServer> server_;
    std::string admin_token_, viewer_token_;
    unsigned short port_ = 0;
};

TEST_F(ReadHttpTest, ViewerReadsEverything) {
    for (const char* path : {"/api/v1/logs", "/api/v1/logs/histogram", "/api/v1/bounty",
                             "/api/v1/deckies", "/api/v1/stats", "/api/v1/attackers"}) {
        const auto r = curl("GET", path, viewer_token_);
        EXPECT_EQ(r.status, 200) << path << " " << r.body;
    }
    EXPECT_EQ(curl("GET", "/api/v1/logs", viewer_token_).body,
              R"({"total":0,"limit":50,"offset":0,"data":[]})");
}

TEST_F(ReadHttpTest, NoTokenIs401AndViewerCannotWrite) {
    for (const char* path : {"/api/v1/logs", "/api/v1/stats", "/api/v1/deckies", "/api/v1/bounty",
                             "/api/v1/attackers"})
        EXPECT_EQ(curl("GET", path, "").status, 401) << path;
    EXPECT_EQ(curl("POST", "/api/v1/deckies/decky-01/mutate", "").status, 401);
    auto r = curl("POST", "/api/v1/deckies/deploy", viewer_token_,
                  R"({"ini_content":"[decky-rbac-test]\nservices=ssh"})");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body, R"({"detail":"Insufficient permissions"})");
    EXPECT_EQ(curl("POST", "/api/v1/deckies/test-decky/mutate", viewer_token_).status, 403);
    EXPECT_EQ(curl("PUT", "/api/v1/deckies/test-decky/mutate-interval", viewer_token_,
                   R"({"mutate_interval":"5d"})")
                  .status,
              403);
}

TEST_F(ReadHttpTest, QueryValidationAndHostileValuesOverTheWire) {
    EXPECT_EQ(curl("GET", "/api/v1/logs?limit=0", viewer_token_).status, 422);
    EXPECT_EQ(curl("GET", "/api/v1/logs?limit=1000", viewer_token_).status, 200);
    EXPECT_EQ(curl("GET", "/api/v1/logs?search=" + std::string(513, 'a'), viewer_token_).status,
              422);
    EXPECT_EQ(curl("GET", "/api/v1/attackers?sort_by=foo", viewer_token_).status, 422);
    EXPECT_EQ(curl("GET", "/api/v1/logs/histogram?interval_minutes=0", viewer_token_).status, 422);
    // ' OR 1=1 -- and "; DROP TABLE logs; --, percent-encoded, in every string parameter.
    for (const char* value :
         {"%27%20OR%201%3D1%20--", "%22%3B%20DROP%20TABLE%20logs%3B%20--", "%25", "%5C"}) {
        for (const char* path :
             {"/api/v1/logs?search=", "/api/v1/logs?start_time=", "/api/v1/logs?end_time=",
              "/api/v1/bounty?search=", "/api/v1/bounty?bounty_type=", "/api/v1/attackers?search=",
              "/api/v1/attackers?service=", "/api/v1/logs/histogram?search="})
            EXPECT_EQ(curl("GET", std::string(path) + value, viewer_token_).status, 200)
                << path << value;
    }
    const auto r = curl("GET", "/api/v1/attackers/%27%20OR%201%3D1%20--", viewer_token_);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, R"({"detail":"Attacker not found"})");
    EXPECT_EQ(curl("GET", "/api/v1/attackers/x/commands?limit=201", viewer_token_).status, 422);
}

TEST_F(ReadHttpTest, DeployThenReadTheFleet) {
    auto r = curl("POST", "/api/v1/deckies/deploy", admin_token_,
                  R"({"ini_content":"[decky-01]\nservices = ssh\n[decky-02]\nservices = http"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"({"message":"Deckies deployed successfully"})");
    const auto deckies = nlohmann::json::parse(curl("GET", "/api/v1/deckies", viewer_token_).body);
    ASSERT_EQ(deckies.size(), 2u);
    EXPECT_EQ(deckies[0]["name"], "decky-01");
    EXPECT_TRUE(deckies[0]["service_config"].is_object());
    const auto stats = nlohmann::json::parse(curl("GET", "/api/v1/stats", viewer_token_).body);
    EXPECT_EQ(stats["deployed_deckies"], 2);
    EXPECT_EQ(stats["active_deckies"], 2);
    r = curl("POST", "/api/v1/deckies/deploy", admin_token_, R"({"ini_content":""})");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.body, R"({"detail":"Configuration conflict: INI content is empty."})");
    EXPECT_EQ(curl("POST", "/api/v1/deckies/deploy", admin_token_, "{bad json").status, 422);
    EXPECT_EQ(curl("POST", "/api/v1/deckies/INVALID%20NAME!!/mutate", admin_token_).status, 422);
    EXPECT_EQ(curl("POST", "/api/v1/deckies/decky-01/mutate", admin_token_).status, 200);
    r = curl("PUT", "/api/v1/deckies/decky-01/mutate-interval", admin_token_,
             R"({"mutate_interval":"1d"})");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(nlohmann::json::parse(
                  curl("GET", "/api/v1/deckies", viewer_token_).body)[0]["mutate_interval"],
              1440);
    EXPECT_EQ(curl("PUT", "/api/v1/deckies/decky-01/mutate-interval", admin_token_,
                   R"({"mutate_interval":60})")
                  .status,
              400);
}

// Artifacts: a viewer lists them but may not download; an admin gets the exact bytes as an
// attachment that a browser never renders.
TEST_F(ReadHttpTest, ViewerListsArtifactsOnlyAdminDownloads) {
    const std::string sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const std::string bytes = std::string("\x7f\x45LF\x00\n\xff<html>", 13);
    context_.artifact_dir = store_.dir + "/artifacts";
    std::filesystem::create_directories(context_.artifact_dir);
    std::ofstream(context_.artifact_dir + "/" + sha, std::ios::binary) << bytes;
    std::vector<store::BountyRecord> rows(1);
    rows[0].decky = "decky-01";
    rows[0].service = "ftp";
    rows[0].attacker_ip = "10.0.0.7";
    rows[0].bounty_type = "artifact";
    rows[0].payload = R"({"sha256":")" + sha +
                      R"(","size":13,"mime":"application/x-executable",)"
                      R"("origin":"bot","filename":"bot"})";
    store_.repo->insert_bounties(rows);

    auto r = curl("GET", "/api/v1/artifacts?sha256=" + sha, viewer_token_);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto page = nlohmann::json::parse(r.body);
    EXPECT_EQ(page["total"], 1);
    EXPECT_EQ(page["data"][0]["stored"], true);
    EXPECT_EQ(curl("GET", "/api/v1/artifacts", "").status, 401);
    r = curl("GET", "/api/v1/artifacts/" + sha, viewer_token_);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body, R"({"detail":"Insufficient permissions"})");
    r = curl("GET", "/api/v1/artifacts/" + sha, admin_token_);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, bytes);
    EXPECT_EQ(curl("GET", "/api/v1/artifacts/" + std::string(64, 'F'), admin_token_).status, 400);
    r = curl("GET", "/api/v1/artifacts/..%2f..%2fetc%2fpasswd", admin_token_);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << r.status;
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
    EXPECT_EQ(curl("GET", "/api/v1/artifacts/" + std::string(64, '0'), admin_token_).status, 404);

    FILE* pipe =
        ::popen(("curl -s -D - -o /dev/null -H 'Authorization: Bearer " + admin_token_ +
                 "' http://127.0.0.1:" + std::to_string(port_) + "/api/v1/artifacts/" + sha)
                    .c_str(),
                "r");
    std::string head;
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        head.append(buffer.data(), n);
    ::pclose(pipe);
    EXPECT_NE(head.find("Content-Type: application/octet-stream\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("Content-Disposition: attachment; filename=\"" + sha + ".bin\"\r\n"),
              std::string::npos)
        << head;
    EXPECT_NE(head.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos) << head;
}

// The fast path on one I/O thread, so every repeat meets the answer its thread kept.
class FastAnswersHttpTest : public ReadHttpTest {
  protected:
    FastAnswersHttpTest() : ReadHttpTest(1) {}

    std::uint64_t answered(const char* route) {
        return telemetry::metrics::standard().http_requests.with({"GET", route, "200"}).value();
    }
};

TEST_F(FastAnswersHttpTest, ARepeatIsTheSameBytesCountedWithoutRoutingIt) {
    const auto before = answered("/api/v1/logs");
    const auto first = curl("GET", "/api/v1/logs?limit=5", viewer_token_, {}, "-i");
    ASSERT_EQ(first.status, 200) << first.body;
    const auto& responses = context_.read_caches->responses;
    const auto hits = responses.hits();
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(curl("GET", "/api/v1/logs?limit=5", viewer_token_, {}, "-i").body, first.body);
    // Answered by the I/O thread: the router's cache was not asked again, the metrics were.
    EXPECT_EQ(responses.hits(), hits);
    EXPECT_EQ(answered("/api/v1/logs"), before + 4);
}

TEST_F(FastAnswersHttpTest, ACommitEndsTheRepeats) {
    for (int i = 0; i < 2; ++i) ASSERT_EQ(curl("GET", "/api/v1/logs", viewer_token_).status, 200);
    std::vector<store::LogRecord> rows{
        read_test::log_row("2026-01-01T00:00:00Z", "ssh", "10.0.0.9", "x")};
    store_.repo->insert_logs(rows);
    // The rows at once (the total may lag by the TTL of its §7 cache, as without repeats).
    EXPECT_EQ(nlohmann::json::parse(curl("GET", "/api/v1/logs", viewer_token_).body)["data"].size(),
              1u);
}

TEST_F(FastAnswersHttpTest, EveryOtherCallerIsCheckedAgain) {
    for (int i = 0; i < 2; ++i) ASSERT_EQ(curl("GET", "/api/v1/logs", viewer_token_).status, 200);
    EXPECT_EQ(curl("GET", "/api/v1/logs", "").status, 401);
    EXPECT_EQ(curl("GET", "/api/v1/logs", viewer_token_ + "x").status, 401);
    // Another valid caller is its own key, checked as such.
    EXPECT_EQ(curl("GET", "/api/v1/logs", admin_token_).status, 200);
    EXPECT_EQ(curl("GET", "/api/v1/logs", viewer_token_).status, 200);
}

TEST_F(FastAnswersHttpTest, ATokenThatExpiresIsRefusedOnTheNextRepeat) {
    const auto user = store_.repo->get_user_by_username("viewer");
    ASSERT_TRUE(user);
    const auto lifetime = auth_.jwt().lifetime().count();
    const auto token = auth_.jwt().issue(user->uuid, auth::unix_now() - lifetime + 1);
    ASSERT_EQ(curl("GET", "/api/v1/bounty", token).status, 200);
    EXPECT_EQ(curl("GET", "/api/v1/bounty", token).status, 200);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    int status = 200;
    while (status == 200 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        status = curl("GET", "/api/v1/bounty", token).status;
    }
    EXPECT_EQ(status, 401);
}

TEST_F(FastAnswersHttpTest, AnOriginStillGetsItsCorsHeaders) {
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(curl("GET", "/api/v1/deckies", viewer_token_, {}, "-i").status, 200);
    const auto r =
        curl("GET", "/api/v1/deckies", viewer_token_, {}, "-i -H 'Origin: http://localhost:8080'");
    EXPECT_NE(r.body.find("Access-Control-Allow-Origin: http://localhost:8080"), std::string::npos)
        << r.body;
    // And the answer without an Origin afterwards carries none.
    EXPECT_EQ(curl("GET", "/api/v1/deckies", viewer_token_, {}, "-i")
                  .body.find("Access-Control-Allow-Origin"),
              std::string::npos);
}

TEST_F(FastAnswersHttpTest, AFleetChangeEndsTheDeckiesRepeats) {
    ASSERT_EQ(curl("POST", "/api/v1/deckies/deploy", admin_token_,
                   R"({"ini_content":"[decky-01]\nservices = ssh"})")
                  .status,
              200);
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(curl("GET", "/api/v1/deckies", viewer_token_).status, 200);
    ASSERT_EQ(curl("PUT", "/api/v1/deckies/decky-01/mutate-interval", admin_token_,
                   R"({"mutate_interval":"2d"})")
                  .status,
              200);
    EXPECT_EQ(nlohmann::json::parse(
                  curl("GET", "/api/v1/deckies", viewer_token_).body)[0]["mutate_interval"],
              2880);
}

}  // namespace
}  // namespace decnet::api
