// `decnet api` (standalone: the shared store poller feeds the streams) driven by curl:
// the SSE stream's first frames, a row committed to the database by another process
// showing up on an open stream, resume, the dashboard from DECNET_WEB_DIST and
// /openapi.json in developer mode.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;
using namespace std::chrono_literals;

std::vector<std::int64_t> log_ids(const std::string& body) {
    std::vector<std::int64_t> ids;
    std::size_t at = 0;
    while ((at = body.find("\ndata: ", at)) != std::string::npos) {
        const auto end = body.find('\n', at + 1);
        const auto frame = json::parse(body.substr(at + 7, end - at - 7));
        if (frame["type"] == "logs")
            for (const auto& r : frame["data"]) ids.push_back(r["id"].get<std::int64_t>());
        at = end;
    }
    return ids;
}

TEST(CliApiStream, StreamsCommittedRowsResumesAndHostsTheDashboard) {
    const auto dir = make_temp_dir();
    std::filesystem::create_directories(dir + "/dist/assets");
    write_file(dir + "/dist/index.html", "<html>dashboard</html>");
    write_file(dir + "/dist/assets/index-Zz99Yy88.js", "js");
    const std::string base = "http://127.0.0.1:18390";
    BackgroundProcess api(
        {"/usr/bin/env", "DECNET_ADMIN_PASSWORD=stream-pass-123", "DECNET_ADMIN_USER=admin",
         "DECNET_JWT_SECRET=", "DECNET_DEVELOPER=true", "DECNET_WEB_DIST=" + dir + "/dist",
         DECNET_BINARY, "api", "--port", "18390", "--db", dir + "/api.db", "--state-dir", dir},
        dir);
    api.wait_for_output("listening on", 30s);
    const auto login =
        json::parse(capture("curl -s -H 'Content-Type: application/json' --data-binary "
                            "'{\"username\":\"admin\",\"password\":\"stream-pass-123\"}' " +
                            base + "/api/v1/auth/login"));
    const std::string token = login["access_token"];  // must-change is not checked on /stream

    const auto first = capture("curl -s -N --max-time 10 '" + base +
                               "/api/v1/stream?token=" + token + "&maxOutput=0'");
    EXPECT_TRUE(first.starts_with(": keepalive\n\nevent: message\ndata: {\"type\":\"stats\""))
        << first;
    EXPECT_THAT(first, HasSubstr("data: {\"type\":\"histogram\",\"data\":[]}\n\n"));

    // Another process commits rows while a stream is open.
    auto repo = store::open_sqlite(dir + "/api.db");
    std::string live;
    std::thread reader([&] {
        live = capture("curl -s -N --max-time 4 '" + base + "/api/v1/stream?token=" + token + "'");
    });
    std::this_thread::sleep_for(1500ms);
    std::vector<store::LogRecord> rows(3);
    for (auto& r : rows) {
        r.timestamp = "2026-11-27 12:00:00.000000";
        r.decky = "decky-01";
        r.service = "ssh";
        r.event_type = "connect";
        r.attacker_ip = "10.1.2.3";
        r.raw_line = "line";
        r.fields = "{}";
    }
    repo->insert_logs(rows);
    reader.join();
    EXPECT_EQ(log_ids(live), (std::vector<std::int64_t>{rows[0].id, rows[1].id, rows[2].id}))
        << live;
    EXPECT_THAT(live, HasSubstr("id: " + std::to_string(rows[2].id) + "\n"));

    const auto resumed =
        capture("curl -s -N --max-time 10 '" + base + "/api/v1/stream?token=" + token +
                "&maxOutput=1&lastEventId=" + std::to_string(rows[0].id) + "'");
    EXPECT_EQ(log_ids(resumed), (std::vector<std::int64_t>{rows[1].id, rows[2].id}));

    EXPECT_THAT(capture("curl -s -i " + base + "/attackers/abc"),
                HasSubstr("<html>dashboard</html>"));
    EXPECT_THAT(capture("curl -s -i " + base + "/assets/index-Zz99Yy88.js"),
                HasSubstr("Cache-Control: public, max-age=31536000, immutable"));
    EXPECT_THAT(capture("curl -s -o /dev/null -w '%{http_code}' --path-as-is " + base +
                        "/assets/../../api.db"),
                HasSubstr("404"));
    EXPECT_THAT(capture("curl -s " + base + "/openapi.json"), HasSubstr("\"openapi\": \"3.0.3\""));
    EXPECT_THAT(capture("curl -s " + base + "/api/v1/openapi.json"), HasSubstr("/api/v1/stream"));
    if (HasFailure())
        ADD_FAILURE() << "server stderr:\n" << api.err() << "\nstdout:\n" << api.out();
}

}  // namespace
}  // namespace decnet::testing
