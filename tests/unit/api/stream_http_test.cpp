// GET /api/v1/stream, the dashboard and /openapi.json over a real socket with curl
// (api.md §11 checks 53–57 and the issue's stream items): auth variants, the first
// frames, a committed row reaching an open stream through the shared poller, resume,
// filters, 422s, 50 streams dropped at once, static files and traversal attempts.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <stdio.h>

#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "api/api_context.hpp"
#include "api/auth/auth_service.hpp"
#include "api/db_fleet_control.hpp"
#include "api/log_feed.hpp"
#include "api/resources/ops_resources.hpp"
#include "api/resources/read_resources.hpp"
#include "api/server/api_server.hpp"
#include "api/server/static_site.hpp"
#include "api/stream_hub.hpp"
#include "api_test_support.hpp"
#include "unit/api/read_test_support.hpp"

namespace decnet::api {
namespace {

using namespace std::chrono_literals;

// Reserved for these tests (ctest may run test processes in parallel).
constexpr unsigned short kFirstPort = 18300;
constexpr unsigned short kLastPort = 18399;

std::string run(const std::string& command) {
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        output.append(buffer.data(), n);
    ::pclose(pipe);
    return output;
}

store::LogRecord row(const std::string& service, const std::string& line) {
    store::LogRecord r;
    r.timestamp = "2026-11-27 12:00:00.000000";
    r.decky = "decky-01";
    r.service = service;
    r.event_type = "connect";
    r.attacker_ip = "10.0.0.1";
    r.raw_line = line;
    r.fields = R"({"username":"root"})";
    return r;
}

// The "data:" JSON of every frame, in order.
std::vector<nlohmann::json> frames(const std::string& body) {
    std::vector<nlohmann::json> out;
    std::size_t at = 0;
    while ((at = body.find("\ndata: ", at)) != std::string::npos) {
        const auto end = body.find('\n', at + 1);
        out.push_back(nlohmann::json::parse(body.substr(at + 7, end - at - 7)));
        at = end;
    }
    return out;
}

std::vector<std::int64_t> log_ids(const std::string& body) {
    std::vector<std::int64_t> ids;
    for (const auto& frame : frames(body))
        if (frame["type"] == "logs")
            for (const auto& r : frame["data"]) ids.push_back(r["id"].get<std::int64_t>());
    return ids;
}

class StreamHttpTest : public ::testing::Test {
  protected:
    StreamHttpTest()
        : auth_(*store_.repo, testing::cheap_settings()),
          fleet_(*store_.repo, network_),
          context_{*store_.repo, {}},
          poller_(*store_.repo, feed_, 50ms) {
        store::UserRecord viewer{auth::new_uuid_v4(), "viewer", "x", "viewer", false};
        store::UserRecord flagged{auth::new_uuid_v4(), "flagged", "x", "viewer", true};
        store_.repo->create_user(viewer);
        store_.repo->create_user(flagged);
        token_ = auth_.jwt().issue(viewer.uuid);
        flagged_token_ = auth_.jwt().issue(flagged.uuid);
        ghost_token_ = auth_.jwt().issue(auth::new_uuid_v4());  // no such user (deleted)
        context_.fleet = &fleet_;
        context_.log_feed = &feed_;
        context_.settings.developer_mode = true;

        std::filesystem::create_directories(dist() / "assets");
        std::ofstream(dist() / "index.html") << "<html>decnet</html>";
        std::ofstream(dist() / "assets/index-Ab12Cd34.js") << "js";
        std::ofstream(std::filesystem::path(store_.dir) / "secret.txt") << "secret";
        std::filesystem::create_symlink(std::filesystem::path(store_.dir) / "secret.txt",
                                        dist() / "leak.txt");

        std::vector<Route> routes = read_resource_routes(context_);
        for (auto& more : {stream_routes(context_), openapi_routes(context_)})
            for (auto& route : more) routes.push_back(route);
        ServerOptions options;
        options.threads = 2;
        auto site = std::make_shared<StaticSite>(dist());
        options.outside_api = [site](const Request& request) { return site->serve(request); };
        for (unsigned short port = kFirstPort; !server_ && port <= kLastPort; ++port) {
            options.port = port;
            try {
                server_ = std::make_unique<ApiServer>(routes, auth_, CorsPolicy{{}}, options);
            } catch (const std::runtime_error&) {
                // taken: try the next one
            }
        }
        if (!server_) throw std::runtime_error("no free port in 18300-18399");
        port_ = server_->port();
        poller_.start();
        server_->start();
    }
    ~StreamHttpTest() override {
        server_->stop();
        poller_.stop();
        context_.stream_hub->stop();
    }

    std::filesystem::path dist() { return std::filesystem::path(store_.dir) / "dist"; }
    std::string url(const std::string& path) {
        return "'http://127.0.0.1:" + std::to_string(port_) + path + "'";
    }
    // Headers and body of a stream read for at most `seconds`.
    std::string stream(const std::string& path, double seconds, const std::string& extra = "") {
        return run("curl -s -N -i --max-time " + std::to_string(seconds) + " " + extra + " " +
                   url(path));
    }
    int status(const std::string& path, const std::string& extra = "") {
        return std::atoi(
            run("curl -s -o /dev/null -w '%{http_code}' --max-time 5 " + extra + " " + url(path))
                .c_str());
    }
    std::vector<std::int64_t> insert(const std::string& service, int n) {
        std::vector<store::LogRecord> rows;
        for (int i = 0; i < n; ++i) rows.push_back(row(service, service + std::to_string(i)));
        store_.repo->insert_logs(rows);
        std::vector<std::int64_t> ids;
        for (const auto& r : rows) ids.push_back(r.id);
        return ids;
    }

    testing::TempStore store_;
    auth::AuthService auth_;
    read_test::FixedNetwork network_;
    DbFleetControl fleet_;
    ApiContext context_;
    LogFeed feed_;
    LogFeedPoller poller_;
    std::unique_ptr<ApiServer> server_;
    std::string token_, flagged_token_, ghost_token_;
    unsigned short port_ = 0;
};

TEST_F(StreamHttpTest, AuthVariants) {
    EXPECT_EQ(status("/api/v1/stream?maxOutput=0"), 401);
    EXPECT_EQ(status("/api/v1/stream?token=bad-token&maxOutput=0"), 401);
    EXPECT_EQ(status("/api/v1/stream?maxOutput=0", "-H 'Authorization: Bearer bad'"), 401);
    EXPECT_EQ(status("/api/v1/stream?token=" + token_ + "&maxOutput=0"), 200);
    EXPECT_EQ(status("/api/v1/stream?maxOutput=0", "-H 'Authorization: Bearer " + token_ + "'"),
              200);
    // §2.3 / Q4: a vanished user → 403; must_change_password is not enforced here.
    EXPECT_EQ(status("/api/v1/stream?token=" + ghost_token_ + "&maxOutput=0"), 403);
    EXPECT_EQ(status("/api/v1/stream?token=" + flagged_token_ + "&maxOutput=0"), 200);
    // Non-integers → 422, after auth.
    EXPECT_EQ(status("/api/v1/stream?token=" + token_ + "&lastEventId=abc"), 422);
    EXPECT_EQ(status("/api/v1/stream?token=" + token_ + "&maxOutput=1.5"), 422);
    EXPECT_EQ(status("/api/v1/stream?lastEventId=abc"), 401);
}

TEST_F(StreamHttpTest, FirstFramesThenTheStreamEndsWithMaxOutputZero) {
    insert("ssh", 2);
    const auto out = stream("/api/v1/stream?token=" + token_ + "&maxOutput=0", 5);
    const auto split = out.find("\r\n\r\n");
    ASSERT_NE(split, std::string::npos) << out;
    const auto head = out.substr(0, split);
    const auto body = out.substr(split + 4);
    EXPECT_NE(head.find("HTTP/1.1 200"), std::string::npos) << head;
    EXPECT_NE(head.find("Content-Type: text/event-stream; charset=utf-8"), std::string::npos);
    EXPECT_NE(head.find("Cache-Control: no-cache"), std::string::npos);
    EXPECT_NE(head.find("X-Accel-Buffering: no"), std::string::npos);
    EXPECT_TRUE(body.starts_with(": keepalive\n\nevent: message\ndata: ")) << body;
    const auto f = frames(body);
    ASSERT_EQ(f.size(), 2u) << body;
    EXPECT_EQ(f[0]["type"], "stats");
    EXPECT_EQ(f[0]["data"]["total_logs"], 2);
    EXPECT_EQ(f[1]["type"], "histogram");
    EXPECT_EQ(f[1]["data"][0]["count"], 2);
}

TEST_F(StreamHttpTest, ACommittedRowReachesAnOpenStream) {
    insert("ssh", 1);  // before the stream: not replayed (start at the current max id)
    std::string out;
    std::thread reader([&] { out = stream("/api/v1/stream?token=" + token_, 2.5); });
    std::this_thread::sleep_for(700ms);
    const auto ids = insert("ftp", 2);
    reader.join();
    EXPECT_EQ(log_ids(out), ids) << out;
    const auto f = frames(out);
    std::size_t logs_at = 0;
    while (logs_at < f.size() && f[logs_at]["type"] != "logs") ++logs_at;
    ASSERT_LT(logs_at + 2, f.size());
    EXPECT_EQ(f[logs_at]["data"][0]["fields"], R"({"username":"root"})");  // LogRow as /logs
    EXPECT_EQ(f[logs_at + 1]["type"], "stats");
    EXPECT_EQ(f[logs_at + 2]["type"], "histogram");
    EXPECT_NE(out.find("id: " + std::to_string(ids.back()) + "\n"), std::string::npos);
}

TEST_F(StreamHttpTest, ResumeReturnsExactlyTheRowsAfterTheCursor) {
    const auto ids = insert("ssh", 60);
    const auto out = stream(
        "/api/v1/stream?token=" + token_ + "&maxOutput=1&lastEventId=" + std::to_string(ids[4]), 5);
    EXPECT_EQ(log_ids(out), std::vector<std::int64_t>(ids.begin() + 5, ids.end()));
    // The Last-Event-ID header a browser sends on reconnect does the same.
    const auto again = stream("/api/v1/stream?token=" + token_ + "&maxOutput=1", 5,
                              "-H 'Last-Event-ID: " + std::to_string(ids[57]) + "'");
    EXPECT_EQ(log_ids(again), std::vector<std::int64_t>(ids.begin() + 58, ids.end()));
    // Negative: everything.
    EXPECT_EQ(
        log_ids(stream("/api/v1/stream?token=" + token_ + "&maxOutput=1&lastEventId=-1", 5)).size(),
        60u);
}

TEST_F(StreamHttpTest, FiltersApplyToReplayedAndLiveRows) {
    insert("ssh", 3);
    const auto ftp = insert("ftp", 2);
    std::string out;
    std::thread reader([&] {
        out =
            stream("/api/v1/stream?token=" + token_ + "&lastEventId=-1&search=service%3Aftp", 2.5);
    });
    std::this_thread::sleep_for(700ms);
    insert("ssh", 2);
    const auto more = insert("ftp", 1);
    reader.join();
    auto want = ftp;
    want.push_back(more[0]);
    EXPECT_EQ(log_ids(out), want) << out;
}

TEST_F(StreamHttpTest, FiftyStreamsDroppedAtOnceLeaveTheServerHealthyAndQuiet) {
    std::ostringstream log;
    auto previous = spdlog::default_logger();
    auto capture = std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
    capture->set_level(spdlog::level::info);
    spdlog::set_default_logger(capture);
    std::string command;
    for (int i = 0; i < 50; ++i)
        command +=
            "curl -s -N -o /dev/null --max-time 3 " + url("/api/v1/stream?token=" + token_) + " & ";
    command += "wait";
    std::atomic<bool> done{false};
    std::thread storm([&] {
        run(command);
        done = true;
    });
    std::uint64_t open_during = 0;
    while (!done) {
        open_during = std::max(open_during, context_.stream_hub->stats().open);
        std::this_thread::sleep_for(20ms);
    }
    storm.join();
    bool drained = false;
    for (int i = 0; i < 100 && !drained; ++i) {
        drained = context_.stream_hub->stats().open == 0;
        if (!drained) std::this_thread::sleep_for(50ms);
    }
    spdlog::set_default_logger(previous);
    EXPECT_EQ(open_during, 50u);
    EXPECT_TRUE(drained);
    EXPECT_EQ(status("/api/v1/stats", "-H 'Authorization: Bearer " + token_ + "'"), 200);
    EXPECT_EQ(log.str(), "");  // no error spam for peers that left
    EXPECT_EQ(context_.stream_hub->stats().dropped_slow, 0u);
}

TEST_F(StreamHttpTest, DashboardFilesFallbackAndTraversal) {
    const auto index = run("curl -s -i " + url("/live-logs"));
    EXPECT_NE(index.find("HTTP/1.1 200"), std::string::npos);
    EXPECT_NE(index.find("Cache-Control: no-cache"), std::string::npos);
    EXPECT_NE(index.find("<html>decnet</html>"), std::string::npos);
    const auto js = run("curl -s -i " + url("/assets/index-Ab12Cd34.js"));
    EXPECT_NE(js.find("Cache-Control: public, max-age=31536000, immutable"), std::string::npos);
    EXPECT_NE(js.find("Content-Type: text/javascript"), std::string::npos);
    for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
                             "/assets/%2E%2E/%2e%2e/secret.txt", "/..%2fsecret.txt", "//etc/passwd",
                             "/leak.txt", "/assets/nope-12345678.js"})
        EXPECT_EQ(status(path, "--path-as-is"), 404) << path;
    // A client-side route may hold dots (an address): it is the app, not a missing file.
    EXPECT_NE(run("curl -s -i " + url("/attackers/ip/10.0.0.5")).find("<html>decnet</html>"),
              std::string::npos);
    // API paths are the router's as before.
    EXPECT_EQ(status("/api/v1/nothing"), 404);
    EXPECT_EQ(status("/api/v1/openapi.json"), 200);
}

TEST_F(StreamHttpTest, OpenApiDescribesEveryEndpoint) {
    const auto doc = nlohmann::json::parse(run("curl -s " + url("/api/v1/openapi.json")));
    EXPECT_EQ(doc["openapi"], "3.0.3");
    int operations = 0;
    for (const auto& [path, methods] : doc["paths"].items()) operations += methods.size();
    // the 23 of api.md §1, the two artifact GETs, recordings, decky teardown, this document,
    // the two identity GETs
    EXPECT_EQ(operations, 30);
    EXPECT_TRUE(doc["paths"]["/api/v1/identities/{id}"].contains("get"));
    EXPECT_EQ(doc["components"]["securitySchemes"]["bearerAuth"]["bearerFormat"], "JWT");
    EXPECT_TRUE(doc["paths"].contains("/api/v1/config/users/{user_uuid}/reset-password"));
    EXPECT_TRUE(doc["paths"]["/api/v1/artifacts"].contains("get"));
    const auto& download = doc["paths"]["/api/v1/artifacts/{sha256}"]["get"];
    EXPECT_TRUE(download["responses"]["200"]["content"].contains("application/octet-stream"));
    EXPECT_EQ(download["parameters"][0]["schema"]["pattern"], "^[0-9a-f]{64}$");
    EXPECT_TRUE(download["responses"].contains("403"));
}

}  // namespace
}  // namespace decnet::api
