// API tracing over a real socket (curl as the client): one server span per request named
// after the handler, continuing the caller's traceparent, with db.* spans of the traced
// store as its children, the login's crypto-pool work in the same trace, 5xx as errors,
// and nothing at all (not even a traceresponse header) with tracing off.
#include <gtest/gtest.h>
#include <stdio.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/api_context.hpp"
#include "api/auth/auth_service.hpp"
#include "api/db_fleet_control.hpp"
#include "api/resources/core_resources.hpp"
#include "api/resources/read_resources.hpp"
#include "api/server/api_server.hpp"
#include "api/server/router.hpp"
#include "api_test_support.hpp"
#include "store/traced_repository.hpp"
#include "unit/api/read_test_support.hpp"
#include "unit/telemetry/tracing_fixture.hpp"

namespace decnet::api {
namespace {

using telemetry::testing::attribute;
using telemetry::testing::find_span;

// Reserved for this file (ctest may run its tests in parallel processes).
constexpr unsigned short kFirstPort = 18430;
constexpr unsigned short kLastPort = 18449;

constexpr const char* kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kParentId = "00f067aa0ba902b7";

// A traced SQLite store, as open_repository() builds it.
struct TracedStore {
    testing::TempStore temp;
    std::unique_ptr<store::Repository> repo;
    TracedStore() {
        repo = store::make_traced_repository(std::move(temp.repo), "sqlite");
        temp.repo = nullptr;
    }
};

class ApiTracingTest : public telemetry::testing::TracingTest {
  protected:
    ApiTracingTest()
        : auth_(*store_.repo, testing::cheap_settings()),
          fleet_(*store_.repo, network_),
          context_{*store_.repo, {}} {
        auth_.seed_admin("admin", "pw-123456");
        store::UserRecord viewer{auth::new_uuid_v4(), "viewer", "x", "viewer", false};
        store_.repo->create_user(viewer);
        viewer_uuid_ = viewer.uuid;
        viewer_token_ = auth_.jwt().issue(viewer.uuid);
        context_.fleet = &fleet_;
        context_.auth = &auth_;
        auto routes = read_resource_routes(context_);
        for (auto& route : auth_routes(context_)) routes.push_back(std::move(route));
        ServerOptions options;
        options.threads = 2;
        for (unsigned short port = kFirstPort; !server_ && port <= kLastPort; ++port) {
            options.port = port;
            try {
                server_ = std::make_unique<ApiServer>(routes, auth_, CorsPolicy{}, options);
            } catch (const std::runtime_error&) {
                // taken: try the next one
            }
        }
        if (!server_) throw std::runtime_error("no free port in 18430-18449");
        server_->start();
    }
    ~ApiTracingTest() override { server_->stop(); }

    // curl -i: status line, headers and body as one text.
    std::string curl(const std::string& args, const std::string& path) {
        const std::string command = "curl -s -i --max-time 20 " + args +
                                    " 'http://127.0.0.1:" + std::to_string(server_->port()) + path +
                                    "'";
        std::string output;
        FILE* pipe = ::popen(command.c_str(), "r");
        std::array<char, 4096> buffer{};
        while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
            output.append(buffer.data(), n);
        ::pclose(pipe);
        return output;
    }

    // The spans of one trace once all of `needed` ended: the reply can reach curl before
    // the thread that sent it ends its own span (crypto.job), so wait, bounded (5 s).
    std::vector<nlohmann::json> spans_of_trace(const std::string& trace_id,
                                               const std::vector<std::string>& needed = {}) {
        std::vector<nlohmann::json> out;
        for (int attempt = 0; attempt < 50; ++attempt) {
            out.clear();
            for (auto& span : exported())
                if (span.at("traceId") == trace_id) out.push_back(span);
            if (std::all_of(needed.begin(), needed.end(),
                            [&](const std::string& name) { return find_span(out, name); }))
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return out;
    }

    TracedStore store_;
    auth::AuthService auth_;
    read_test::FixedNetwork network_;
    DbFleetControl fleet_;
    ApiContext context_;
    std::unique_ptr<ApiServer> server_;
    std::string viewer_uuid_, viewer_token_;
};

TEST_F(ApiTracingTest, ContinuesTheCallersTraceAndNestsDbSpans) {
    const std::string traceparent = std::string("00-") + kTraceId + "-" + kParentId + "-01";
    const auto answer =
        curl("-H 'Authorization: Bearer " + viewer_token_ + "' -H 'traceparent: " + traceparent +
                 "' -H 'tracestate: vendor=abc'",
             "/api/v1/logs?limit=5");
    ASSERT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
    // The caller learns where its request went: same trace, our span.
    EXPECT_NE(answer.find(std::string("traceresponse: 00-") + kTraceId + "-"), std::string::npos)
        << answer;

    const auto spans = spans_of_trace(kTraceId, {"api.get_logs", "db.logs"});
    const auto* server = find_span(spans, "api.get_logs");
    ASSERT_NE(server, nullptr) << nlohmann::json(spans).dump(1);
    EXPECT_EQ(server->at("parentSpanId"), kParentId);
    EXPECT_EQ(server->at("kind"), 2);  // SERVER
    EXPECT_EQ(server->at("traceState"), "vendor=abc");
    EXPECT_EQ(server->at("scope"), "decnet.api");
    EXPECT_EQ(attribute(*server, "http.request.method")["stringValue"], "GET");
    EXPECT_EQ(attribute(*server, "http.route")["stringValue"], "/api/v1/logs");
    EXPECT_EQ(attribute(*server, "http.response.status_code")["intValue"], "200");
    EXPECT_EQ(attribute(*server, "enduser.id")["stringValue"], viewer_uuid_);
    EXPECT_EQ(attribute(*server, "enduser.role")["stringValue"], "viewer");
    EXPECT_EQ(answer.find("traceresponse: 00-" + std::string(kTraceId) + "-" +
                          server->at("spanId").get<std::string>()) == std::string::npos,
              false);

    // The store's calls for this request are children of the handler span.
    int db_children = 0;
    for (const auto& span : spans) {
        const std::string name = span.at("name");
        if (!name.starts_with("db.")) continue;
        EXPECT_EQ(span.at("parentSpanId"), server->at("spanId")) << name;
        EXPECT_EQ(span.at("scope"), "decnet.db");
        EXPECT_EQ(attribute(span, "db.system")["stringValue"], "sqlite");
        EXPECT_EQ(attribute(span, "db.operation")["stringValue"], name.substr(3));
        ++db_children;
    }
    EXPECT_TRUE(find_span(spans, "db.logs") != nullptr) << nlohmann::json(spans).dump(1);
    EXPECT_GE(db_children, 2);  // db.logs and db.count_logs at least
}

TEST_F(ApiTracingTest, LoginKeepsItsTraceAcrossTheCryptoPool) {
    const auto answer = curl(
        "-X POST -H 'Content-Type: application/json' "
        "--data '{\"username\":\"admin\",\"password\":\"pw-123456\"}'",
        "/api/v1/auth/login");
    ASSERT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
    const auto at = answer.find("traceresponse: 00-");
    ASSERT_NE(at, std::string::npos) << answer;
    const std::string trace_id = answer.substr(at + 18, 32);

    const auto spans =
        spans_of_trace(trace_id, {"api.login", "crypto.job", "db.get_user_by_username"});
    const auto* login = find_span(spans, "api.login");
    ASSERT_NE(login, nullptr) << nlohmann::json(spans).dump(1);
    EXPECT_FALSE(login->contains("parentSpanId"));  // no traceparent: a new trace
    const auto* job = find_span(spans, "crypto.job");
    ASSERT_NE(job, nullptr) << nlohmann::json(spans).dump(1);
    EXPECT_EQ(job->at("parentSpanId"), login->at("spanId"));
    const auto* user = find_span(spans, "db.get_user_by_username");
    ASSERT_NE(user, nullptr) << nlohmann::json(spans).dump(1);
    EXPECT_EQ(attribute(*login, "http.response.status_code")["intValue"], "200");
}

TEST_F(ApiTracingTest, TracingOffAddsNothing) {
    telemetry::shutdown_tracing();
    const auto answer =
        curl("-H 'Authorization: Bearer " + viewer_token_ + "' -H 'traceparent: 00-" +
                 std::string(kTraceId) + "-" + kParentId + "-01'",
             "/api/v1/stats");
    EXPECT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
    EXPECT_EQ(answer.find("traceresponse"), std::string::npos) << answer;
    EXPECT_TRUE(telemetry::testing::captured_spans().empty());
}

// A handler that throws: the span says error, with the exception recorded once.
TEST_F(ApiTracingTest, ServerErrorsAreErrorSpans) {
    std::vector<Route> routes;
    routes.push_back(
        {"GET", "/api/v1/boom", Access::kPublic, false,
         [](const Request&, const Principal&) -> Response { throw std::runtime_error("kaput"); },
         nullptr});
    routes.push_back({"GET", "/api/v1/teapot", Access::kPublic, false,
                      [](const Request&, const Principal&) -> Response {
                          throw ApiError{418, "short and stout", {}};
                      },
                      nullptr});
    Router router(std::move(routes), auth_, CorsPolicy{});
    for (const char* path : {"/api/v1/boom", "/api/v1/teapot"}) {
        Request request;
        request.method = "GET";
        request.path = path;
        std::promise<Response> answer;
        router.handle(request, [&](Response r) { answer.set_value(std::move(r)); });
        answer.get_future().get();
    }
    const auto spans = exported();
    const auto* boom = find_span(spans, "api.get_boom");
    ASSERT_NE(boom, nullptr);
    EXPECT_EQ(boom->at("status").at("code"), 2);
    EXPECT_EQ(attribute(*boom, "http.response.status_code")["intValue"], "500");
    ASSERT_EQ(boom->at("events").size(), 1u);
    EXPECT_EQ(boom->at("events")[0].at("name"), "exception");
    const auto* teapot = find_span(spans, "api.get_teapot");
    ASSERT_NE(teapot, nullptr);
    EXPECT_FALSE(teapot->contains("status") && teapot->at("status").value("code", 0) == 2);
    EXPECT_EQ(attribute(*teapot, "http.response.status_code")["intValue"], "418");
}

TEST(RouteSpanName, ReferenceNamesAndFallback) {
    EXPECT_EQ(route_span_name("GET", "/api/v1/logs/histogram"), "api.get_logs_histogram");
    EXPECT_EQ(route_span_name("DELETE", "/api/v1/config/reinit"), "api.reinit");
    EXPECT_EQ(route_span_name("PUT", "/api/v1/config/users/{user_uuid}/reset-password"),
              "api.reset_user_password");
    EXPECT_EQ(route_span_name("POST", "/api/v1/x-y/{id}"), "api.post_x_y_id");
}

}  // namespace
}  // namespace decnet::api
