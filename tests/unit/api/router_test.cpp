// The router without a socket: 404/405/307, CORS, §0.4 order (malformed JSON before
// auth, non-JSON bodies after it), error mapping, path captures and percent-decoding.
#include <gtest/gtest.h>

#include <future>

#include "api/auth/auth_service.hpp"
#include "api/server/router.hpp"
#include "api_test_support.hpp"
#include "core/percent_encoding.hpp"

namespace decnet::api {
namespace {

using testing::TempStore;

class RouterTest : public ::testing::Test {
  protected:
    RouterTest() : auth_(*store_.repo, testing::cheap_settings()) {
        store::UserRecord admin{auth::new_uuid_v4(), "a", "x", "admin", false};
        store_.repo->create_user(admin);
        token_ = auth_.jwt().issue(admin.uuid);
        std::vector<Route> routes;
        routes.push_back({"GET", "/api/v1/things", Access::kViewer, false,
                          [](const Request&, const Principal& p) {
                              return Response::json("{\"who\":\"" + p.username + "\"}");
                          },
                          nullptr});
        routes.push_back({"POST", "/api/v1/things", Access::kAdmin, true,
                          [](const Request& r, const Principal&) { return Response::json(r.body); },
                          nullptr});
        routes.push_back({"DELETE", "/api/v1/things/{id}/parts/{part}", Access::kAdmin, false,
                          [](const Request& r, const Principal&) {
                              return Response::message(r.path_param("id") + "|" +
                                                       r.path_param("part"));
                          },
                          nullptr});
        routes.push_back({"GET", "/api/v1/boom", Access::kPublic, false,
                          [](const Request&, const Principal&) -> Response {
                              throw std::runtime_error("kaput");
                          },
                          nullptr});
        routes.push_back({"GET", "/api/v1/teapot", Access::kPublic, false,
                          [](const Request&, const Principal&) -> Response {
                              throw ApiError{418, "short and stout", {{"X-Tea", "1"}}};
                          },
                          nullptr});
        routes.push_back({"GET", "/api/v1/later", Access::kPublic, false, nullptr,
                          [](const Request&, const Principal&, Reply reply) {
                              std::thread([reply] { reply(Response::message("later")); }).detach();
                          }});
        router_ = std::make_unique<Router>(std::move(routes), auth_,
                                           CorsPolicy{{"http://localhost:8080"}});
    }

    Response call(Request request) {
        std::promise<Response> answer;
        router_->handle(std::move(request), [&](Response r) { answer.set_value(std::move(r)); });
        auto future = answer.get_future();
        EXPECT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
        return future.get();
    }
    Request make(std::string method, std::string path, bool authed = true) {
        Request r;
        r.method = std::move(method);
        r.path = std::move(path);
        if (authed) r.headers["authorization"] = "Bearer " + token_;
        return r;
    }
    std::string header(const Response& r, const std::string& name) {
        for (const auto& [k, v] : r.headers)
            if (k == name) return v;
        return "<none>";
    }

    TempStore store_;
    auth::AuthService auth_;
    std::string token_;
    std::unique_ptr<Router> router_;
};

TEST_F(RouterTest, MatchesAndCaptures) {
    auto r = call(make("GET", "/api/v1/things"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"who":"a"})");
    r = call(make("DELETE", "/api/v1/things/a b/parts/7"));
    EXPECT_EQ(r.body, R"({"message":"a b|7"})");
}

TEST_F(RouterTest, NotFoundMethodNotAllowedAndSlashRedirect) {
    auto r = call(make("GET", "/api/v1/nope"));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, R"({"detail":"Not Found"})");
    EXPECT_EQ(call(make("GET", "/other")).status, 404);
    r = call(make("PUT", "/api/v1/things"));
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.body, R"({"detail":"Method Not Allowed"})");
    EXPECT_EQ(header(r, "Allow"), "GET, POST");
    auto slash = make("GET", "/api/v1/things/");
    slash.headers["host"] = "127.0.0.1:8000";
    slash.query.emplace_back("a", "1 2");
    r = call(slash);
    EXPECT_EQ(r.status, 307);
    EXPECT_EQ(header(r, "Location"), "http://127.0.0.1:8000/api/v1/things?a=1%202");
}

TEST_F(RouterTest, MalformedJsonIsRefusedBeforeAuth) {
    auto r = make("POST", "/api/v1/things", false);
    r.headers["content-type"] = "application/json";
    r.body = "{bad json";
    EXPECT_EQ(call(r).status, 422);
    r.body = R"({"ok":1})";
    EXPECT_EQ(call(r).status, 401);
    // A non-JSON body is a validation failure: after auth.
    r.headers["content-type"] = "text/plain";
    EXPECT_EQ(call(r).status, 401);
    r.headers["authorization"] = "Bearer " + token_;
    EXPECT_EQ(call(r).status, 422);
    r.headers["content-type"] = "application/vnd.x+json; charset=utf-8";
    EXPECT_EQ(call(r).status, 200);
}

TEST_F(RouterTest, ErrorsMapToResponses) {
    auto r = call(make("GET", "/api/v1/boom"));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, "Internal Server Error");
    EXPECT_EQ(r.content_type.substr(0, 10), "text/plain");
    r = call(make("GET", "/api/v1/teapot"));
    EXPECT_EQ(r.status, 418);
    EXPECT_EQ(r.body, R"({"detail":"short and stout"})");
    EXPECT_EQ(header(r, "X-Tea"), "1");
    EXPECT_EQ(call(make("GET", "/api/v1/later")).body, R"({"message":"later"})");
}

TEST_F(RouterTest, Cors) {
    auto pre = make("OPTIONS", "/api/v1/things", false);
    pre.headers["origin"] = "http://localhost:8080";
    pre.headers["access-control-request-method"] = "GET";
    pre.headers["access-control-request-headers"] = "Authorization, content-type";
    auto r = call(pre);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "OK");
    EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "http://localhost:8080");
    EXPECT_EQ(header(r, "Access-Control-Max-Age"), "600");
    pre.headers["origin"] = "http://evil.example";
    r = call(pre);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, "Disallowed CORS origin");
    EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "<none>");

    auto simple = make("GET", "/api/v1/things");
    simple.headers["origin"] = "http://localhost:8080";
    r = call(simple);
    EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "http://localhost:8080");
    EXPECT_EQ(header(r, "Vary"), "Origin");
}

TEST(PercentCoding, DecodeAndQuery) {
    EXPECT_EQ(percent_decode("/a%20b+c%2", false), "/a b+c%2");
    EXPECT_EQ(percent_decode("a+b%3D", true), "a b=");
    const auto q = parse_query("limit=5&search=a%20b+c&flag&&x=");
    ASSERT_EQ(q.size(), 4u);
    EXPECT_EQ(q[1].second, "a b c");
    EXPECT_EQ(q[2].first, "flag");
    EXPECT_EQ(q[3].second, "");
}

}  // namespace
}  // namespace decnet::api
