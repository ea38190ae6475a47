// Developer mode's 422 bodies (api.md §0.3): the framework's error list with type, loc,
// msg, input and ctx, while production keeps its one-line texts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>

#include "api/auth/auth_service.hpp"
#include "api/resources/field_checks.hpp"
#include "api/server/router.hpp"
#include "api_test_support.hpp"

namespace decnet::api {
namespace {

using nlohmann::json;
using testing::TempStore;

class DeveloperErrors : public ::testing::Test {
  protected:
    DeveloperErrors() : auth_(*store_.repo, testing::cheap_settings()) {
        std::vector<Route> routes;
        routes.push_back({"GET", "/api/v1/numbers", Access::kPublic, false,
                          [](const Request& r, const Principal&) {
                              query_int(r, "limit", 50, 1, 1000);
                              query_string(r, "search", true, 4);
                              return Response::message("ok");
                          },
                          nullptr});
        routes.push_back(
            {"POST", "/api/v1/people", Access::kPublic, true,
             [](const Request& r, const Principal&) {
                 const auto body = body_object(r);
                 FieldChecks checks;
                 checks.field<std::string>([&] { return body_string(body, "name", 1, 4); });
                 checks.field<long long>([&] { return body_int(body, "age", 0, 150); });
                 checks.finish();
                 return Response::message("ok");
             },
             nullptr});
        router_ = std::make_unique<Router>(std::move(routes), auth_, CorsPolicy{{}});
    }
    ~DeveloperErrors() override { set_developer_validation_errors(false); }

    Response call(std::string method, std::string target, std::string body = {},
                  std::string content_type = "application/json") {
        Request r;
        r.method = std::move(method);
        const auto q = target.find('?');
        r.path = target.substr(0, q);
        if (q != std::string::npos) r.query = parse_query(target.substr(q + 1));
        r.body = std::move(body);
        if (!r.body.empty()) r.headers["content-type"] = std::move(content_type);
        std::promise<Response> answer;
        router_->handle(std::move(r), [&](Response out) { answer.set_value(std::move(out)); });
        return answer.get_future().get();
    }

    TempStore store_;
    auth::AuthService auth_;
    std::unique_ptr<Router> router_;
};

TEST_F(DeveloperErrors, ProductionKeepsTheOneLineDetail) {
    set_developer_validation_errors(false);
    const auto r = call("GET", "/api/v1/numbers?limit=0");
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(json::parse(r.body), json({{"detail", "Invalid request parameters"}}));
}

TEST_F(DeveloperErrors, QueryIntegerErrorsNameTheParameterAndBound) {
    set_developer_validation_errors(true);
    auto r = call("GET", "/api/v1/numbers?limit=0");
    ASSERT_EQ(r.status, 422);
    auto issue = json::parse(r.body)["detail"].at(0);
    EXPECT_EQ(issue["type"], "greater_than_equal");
    EXPECT_EQ(issue["loc"], json({"query", "limit"}));
    EXPECT_EQ(issue["msg"], "Input should be greater than or equal to 1");
    EXPECT_EQ(issue["input"], "0");
    EXPECT_EQ(issue["ctx"], json({{"ge", 1}}));

    issue = json::parse(call("GET", "/api/v1/numbers?limit=1001").body)["detail"].at(0);
    EXPECT_EQ(issue["type"], "less_than_equal");
    EXPECT_EQ(issue["ctx"], json({{"le", 1000}}));
    issue = json::parse(call("GET", "/api/v1/numbers?limit=abc").body)["detail"].at(0);
    EXPECT_EQ(issue["type"], "int_parsing");
    EXPECT_FALSE(issue.contains("ctx"));
    issue = json::parse(call("GET", "/api/v1/numbers?limit=5.5").body)["detail"].at(0);
    EXPECT_EQ(issue["type"], "int_from_float");
    issue = json::parse(call("GET", "/api/v1/numbers?search=abcde").body)["detail"].at(0);
    EXPECT_EQ(issue["type"], "string_too_long");
    EXPECT_EQ(issue["ctx"], json({{"max_length", 4}}));
}

TEST_F(DeveloperErrors, EveryInvalidBodyFieldIsListed) {
    set_developer_validation_errors(true);
    const auto r = call("POST", "/api/v1/people", R"({"name":"abcdef","age":200})");
    ASSERT_EQ(r.status, 422);
    const auto detail = json::parse(r.body)["detail"];
    ASSERT_EQ(detail.size(), 2u) << r.body;
    EXPECT_EQ(detail[0]["loc"], json({"body", "name"}));
    EXPECT_EQ(detail[0]["type"], "string_too_long");
    EXPECT_EQ(detail[1]["loc"], json({"body", "age"}));
    EXPECT_EQ(detail[1]["input"], 200);
    // A structural problem still wins: 400 with the production text.
    EXPECT_EQ(call("POST", "/api/v1/people", R"({"name":7,"age":200})").status, 400);
}

TEST_F(DeveloperErrors, MalformedAndNonJsonBodies) {
    set_developer_validation_errors(true);
    auto r = call("POST", "/api/v1/people", "{bad json");
    ASSERT_EQ(r.status, 422);
    auto issue = json::parse(r.body)["detail"].at(0);
    EXPECT_EQ(issue["type"], "json_invalid");
    EXPECT_EQ(issue["loc"].at(0), "body");
    EXPECT_TRUE(issue["loc"].at(1).is_number_integer());
    EXPECT_EQ(issue["msg"], "JSON decode error");

    // Found by fuzz_api_auth: a number too large for a double is well-formed JSON that the
    // parser refuses with another exception type; it was the router's 500.
    r = call("POST", "/api/v1/people", "30e99339999");
    ASSERT_EQ(r.status, 422) << r.body;
    issue = json::parse(r.body)["detail"].at(0);
    EXPECT_EQ(issue["type"], "json_invalid");
    EXPECT_THAT(issue["ctx"]["error"].get<std::string>(), ::testing::HasSubstr("number overflow"));

    r = call("POST", "/api/v1/people", "name=x", "application/x-www-form-urlencoded");
    ASSERT_EQ(r.status, 422);
    issue = json::parse(r.body)["detail"].at(0);
    EXPECT_EQ(issue["type"], "model_attributes_type");
    EXPECT_EQ(issue["input"], "name=x");

    r = call("POST", "/api/v1/people", "[1,2]");
    issue = json::parse(r.body)["detail"].at(0);
    EXPECT_EQ(issue["type"], "model_attributes_type");
    EXPECT_EQ(issue["input"], json({1, 2}));
}

TEST_F(DeveloperErrors, InvalidUtf8InputNeverBecomesA500) {
    set_developer_validation_errors(true);
    const auto r = call("GET", "/api/v1/numbers?limit=%FF%FE");
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(json::accept(r.body)) << r.body;
}

}  // namespace
}  // namespace decnet::api
