// `decnet api` driven by the real curl over 127.0.0.1: login, the must-change flow, user
// management with immediate effect on existing tokens, config, RBAC of these endpoints,
// malformed JSON, 404/405/307, CORS, reinit, and a clean stop on SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <tuple>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr const char* kAdminPassword = "test-password-123";

struct HttpResult {
    int status = 0;
    std::string headers;  // raw, lower-cased names kept as sent
    std::string body;
    json data() const { return json::parse(body, nullptr, false); }
    std::string detail() const {
        const auto d = data();
        return d.is_object() && d.contains("detail") && d["detail"].is_string()
                   ? d["detail"].get<std::string>()
                   : "<no detail>";
    }
};

class ApiServerProcess {
  public:
    ApiServerProcess(int port, bool developer)
        : dir_(make_temp_dir()), base_("http://127.0.0.1:" + std::to_string(port)) {
        std::vector<std::string> argv = {
            "/usr/bin/env",
            std::string("DECNET_ADMIN_PASSWORD=") + kAdminPassword,
            "DECNET_ADMIN_USER=admin",
            "DECNET_JWT_SECRET=",
            std::string("DECNET_DEVELOPER=") + (developer ? "true" : "false"),
            "DECNET_CORS_ORIGINS=http://localhost:8080",
            "DECNET_LOGIN_MAX_FAILURES_PER_USER=5",
            DECNET_BINARY,
            "api",
            "--port",
            std::to_string(port),
            "--db",
            dir_ + "/api.db",
            "--state-dir",
            dir_};
        process_ = std::make_unique<BackgroundProcess>(argv, dir_);
        output_ = process_->wait_for_output("listening on", std::chrono::seconds(30));
    }

    HttpResult call(const std::string& method, const std::string& path,
                    const std::string& token = {}, const std::optional<std::string>& body = {},
                    const std::vector<std::string>& headers = {}) {
        std::string command = "curl -s -i --max-time 20 -X " + method;
        if (!token.empty()) command += " -H 'Authorization: Bearer " + token + "'";
        for (const auto& h : headers) command += " -H '" + h + "'";
        if (body) {
            const auto file = dir_ + "/body-" + std::to_string(++counter_);
            write_file(file, *body);
            command += " -H 'Content-Type: application/json' --data-binary @" + file;
        }
        command += " '" + base_ + path + "'";
        return parse(capture(command));
    }

    std::string login_token(const std::string& user, const std::string& password) {
        auto r = call("POST", "/api/v1/auth/login", {},
                      json{{"username", user}, {"password", password}}.dump());
        EXPECT_EQ(r.status, 200) << r.body;
        return r.data().value("access_token", "");
    }

    const std::string& output() const { return output_; }
    BackgroundProcess& process() { return *process_; }

  private:
    static HttpResult parse(const std::string& raw) {
        HttpResult result;
        std::size_t start = 0;
        // Skip interim "100 Continue" heads.
        for (int guard = 0; guard < 4; ++guard) {
            const auto end = raw.find("\r\n\r\n", start);
            if (end == std::string::npos) return result;
            const auto head = raw.substr(start, end - start);
            if (head.rfind("HTTP/1.1 100", 0) == 0) {
                start = end + 4;
                continue;
            }
            std::istringstream status(head);
            std::string version;
            status >> version >> result.status;
            result.headers = head;
            result.body = raw.substr(end + 4);
            return result;
        }
        return result;
    }

    std::string dir_;
    std::string base_;
    std::unique_ptr<BackgroundProcess> process_;
    std::string output_;
    int counter_ = 0;
};

TEST(CliApiCore, AuthUsersConfigAndRouting) {
    ApiServerProcess api(18101, true);
    ASSERT_THAT(api.output(), HasSubstr("http://127.0.0.1:18101")) << api.process().err();

    // --- login (api.md §11 checks 1–8) ---
    auto r = api.call("POST", "/api/v1/auth/login", {},
                      json{{"username", "admin"}, {"password", kAdminPassword}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data()["token_type"], "bearer");
    EXPECT_EQ(r.data()["must_change_password"], true);
    const std::string first_token = r.data()["access_token"];
    EXPECT_EQ(std::count(first_token.begin(), first_token.end(), '.'), 2);

    r = api.call("POST", "/api/v1/auth/login", {}, R"({"username":"admin","password":"nope"})");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.detail(), "Incorrect username or password");
    EXPECT_THAT(r.headers, HasSubstr("WWW-Authenticate: Bearer"));
    r = api.call("POST", "/api/v1/auth/login", {}, R"({"username":"ghost","password":"nope"})");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.detail(), "Incorrect username or password");
    EXPECT_EQ(api.call("POST", "/api/v1/auth/login", {},
                       json{{"username", "admin"}, {"password", std::string(73, 'x')}}.dump())
                  .status,
              422);
    r = api.call("POST", "/api/v1/auth/login", {}, R"({"username":"admin"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_THAT(r.detail(), HasSubstr("Schema structural violation"));
    EXPECT_EQ(
        api.call("POST", "/api/v1/auth/login", {}, R"({"username":123,"password":"x"})").status,
        400);
    EXPECT_EQ(api.call("POST", "/api/v1/auth/login", {}, "{bad json").status, 422);

    // --- must-change flow (checks 9–12) ---
    r = api.call("GET", "/api/v1/config", first_token);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.detail(), "Password change required before accessing this resource");
    r = api.call("POST", "/api/v1/auth/change-password", first_token,
                 R"({"old_password":"wrong","new_password":"new-admin-pass"})");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.detail(), "Incorrect old password");
    r = api.call("POST", "/api/v1/auth/change-password", first_token,
                 json{{"old_password", kAdminPassword}, {"new_password", "new-admin-pass"}}.dump());
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"message":"Password updated successfully"})");
    EXPECT_EQ(api.call("POST", "/api/v1/auth/login", {},
                       json{{"username", "admin"}, {"password", kAdminPassword}}.dump())
                  .status,
              401);
    const auto admin = first_token;  // the old token now passes the must-change check
    r = api.call("GET", "/api/v1/config", admin);
    ASSERT_EQ(r.status, 200) << r.body;
    auto config = r.data();
    EXPECT_EQ(config["role"], "admin");
    EXPECT_EQ(config["deployment_limit"], 10);
    EXPECT_EQ(config["global_mutation_interval"], "30m");
    EXPECT_EQ(config["developer_mode"], true);
    ASSERT_EQ(config["users"].size(), 1u);
    EXPECT_EQ(config["users"][0]["must_change_password"], false);  // list invalidated (Q9)
    EXPECT_THAT(r.body, ::testing::Not(HasSubstr("password_hash")));
    const std::string admin_uuid = config["users"][0]["uuid"];

    // --- anonymous and bad tokens ---
    r = api.call("GET", "/api/v1/config");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.detail(), "Could not validate credentials");
    EXPECT_EQ(api.call("GET", "/api/v1/config", {}, {}, {"Authorization: Token " + admin}).status,
              401);
    EXPECT_EQ(api.call("GET", "/api/v1/config", "garbage.token.here").status, 401);
    EXPECT_EQ(api.call("POST", "/api/v1/config/users", {}, R"({"username":"x"})").status, 401);

    // --- users (checks 42–46) ---
    r = api.call("POST", "/api/v1/config/users", admin,
                 R"({"username":"bob","password":"bob-password","role":"viewer"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data()["must_change_password"], true);
    EXPECT_THAT(r.body, ::testing::Not(HasSubstr("password_hash")));
    const std::string bob_uuid = r.data()["uuid"];
    EXPECT_EQ(bob_uuid.size(), 36u);
    r = api.call("POST", "/api/v1/config/users", admin,
                 R"({"username":"bob","password":"bob-password"})");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.detail(), "Username already exists");
    EXPECT_EQ(
        api.call("POST", "/api/v1/config/users", admin, R"({"username":"c","password":"short"})")
            .status,
        400);
    EXPECT_EQ(api.call("POST", "/api/v1/config/users", admin,
                       json{{"username", "c"}, {"password", std::string(73, 'p')}}.dump())
                  .status,
              422);
    EXPECT_EQ(api.call("POST", "/api/v1/config/users", admin,
                       R"({"username":"c","password":"long-enough","role":"root"})")
                  .status,
              422);
    EXPECT_EQ(api.call("POST", "/api/v1/config/users", admin,
                       R"({"username":"","password":"long-enough"})")
                  .status,
              400);

    auto bob = api.login_token("bob", "bob-password");  // at once, no cache delay
    r = api.call("GET", "/api/v1/config", bob);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.detail(), "Password change required before accessing this resource");
    r = api.call("POST", "/api/v1/auth/change-password", bob,
                 R"({"old_password":"bob-password","new_password":"bob-password-2"})");
    EXPECT_EQ(r.status, 200);
    r = api.call("GET", "/api/v1/config", bob);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.data()["role"], "viewer");
    EXPECT_FALSE(r.data().contains("users"));
    EXPECT_FALSE(r.data().contains("developer_mode"));

    // Viewer on admin routes: 403, even with an invalid body (auth before validation).
    for (const auto& [method, path, body] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"PUT", "/api/v1/config/deployment-limit", R"({"deployment_limit":5})"},
             {"PUT", "/api/v1/config/deployment-limit", R"({"deployment_limit":0})"},
             {"PUT", "/api/v1/config/global-mutation-interval",
              R"({"global_mutation_interval":"1d"})"},
             {"POST", "/api/v1/config/users", R"({"username":"eve","password":"eve-password"})"},
             {"DELETE", "/api/v1/config/reinit", ""}}) {
        r = api.call(method, path, bob, body.empty() ? std::nullopt : std::optional(body));
        EXPECT_EQ(r.status, 403) << method << " " << path;
        EXPECT_EQ(r.detail(), "Insufficient permissions");
    }

    // Role change applies to bob's existing token at once (check 44).
    EXPECT_EQ(api.call("PUT", "/api/v1/config/users/" + admin_uuid + "/role", admin,
                       R"({"role":"viewer"})")
                  .detail(),
              "Cannot change your own role");
    EXPECT_EQ(
        api.call("PUT", "/api/v1/config/users/" + admin_uuid + "/role", admin, R"({"role":"x"})")
            .status,
        422);
    EXPECT_EQ(
        api.call("PUT", "/api/v1/config/users/nobody/role", admin, R"({"role":"admin"})").status,
        404);
    r = api.call("PUT", "/api/v1/config/users/" + bob_uuid + "/role", admin, R"({"role":"admin"})");
    EXPECT_EQ(r.body, R"({"message":"User role updated"})");
    r = api.call("PUT", "/api/v1/config/deployment-limit", bob, R"({"deployment_limit":42})");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"({"message":"Deployment limit updated"})");

    // --- config writes (check 41), visible at once ---
    EXPECT_EQ(api.call("PUT", "/api/v1/config/deployment-limit", admin, R"({"deployment_limit":0})")
                  .status,
              422);
    EXPECT_EQ(
        api.call("PUT", "/api/v1/config/deployment-limit", admin, R"({"deployment_limit":501})")
            .status,
        422);
    EXPECT_EQ(api.call("PUT", "/api/v1/config/deployment-limit", admin, R"({})").status, 400);
    EXPECT_EQ(api.call("PUT", "/api/v1/config/global-mutation-interval", admin,
                       R"({"global_mutation_interval":"abc"})")
                  .status,
              422);
    EXPECT_EQ(api.call("PUT", "/api/v1/config/global-mutation-interval", admin,
                       R"({"global_mutation_interval":5})")
                  .status,
              400);
    r = api.call("PUT", "/api/v1/config/global-mutation-interval", admin,
                 R"({"global_mutation_interval":"7d"})");
    EXPECT_EQ(r.body, R"({"message":"Global mutation interval updated"})");
    config = api.call("GET", "/api/v1/config", admin).data();
    EXPECT_EQ(config["deployment_limit"], 42);
    EXPECT_EQ(config["global_mutation_interval"], "7d");

    // Reset: bob's old token is locked to change-password; the new password works at once.
    EXPECT_EQ(api.call("PUT", "/api/v1/config/users/nobody/reset-password", admin,
                       R"({"new_password":"whatever-1"})")
                  .status,
              404);
    r = api.call("PUT", "/api/v1/config/users/" + bob_uuid + "/reset-password", admin,
                 R"({"new_password":"reset-pass-1"})");
    EXPECT_EQ(r.body, R"({"message":"Password reset successfully"})");
    EXPECT_EQ(api.call("GET", "/api/v1/config", bob).detail(),
              "Password change required before accessing this resource");
    const auto bob_again = api.login_token("bob", "reset-pass-1");
    EXPECT_FALSE(bob_again.empty());

    // Delete (check 43).
    EXPECT_EQ(api.call("DELETE", "/api/v1/config/users/" + admin_uuid, admin).detail(),
              "Cannot delete your own account");
    EXPECT_EQ(api.call("DELETE", "/api/v1/config/users/nobody", admin).detail(), "User not found");
    r = api.call("DELETE", "/api/v1/config/users/" + bob_uuid, admin);
    EXPECT_EQ(r.body, R"({"message":"User deleted"})");
    EXPECT_EQ(api.call("GET", "/api/v1/config", bob_again).status, 401);

    // --- routing (check 58), CORS (60), reinit (47) ---
    r = api.call("GET", "/api/v1/nope", admin);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, R"({"detail":"Not Found"})");
    r = api.call("GET", "/api/v1/auth/login");
    EXPECT_EQ(r.status, 405);
    EXPECT_THAT(r.headers, HasSubstr("Allow: POST"));
    r = api.call("GET", "/api/v1/config/?x=1", admin);
    EXPECT_EQ(r.status, 307);
    EXPECT_THAT(r.headers, HasSubstr("/api/v1/config?x=1"));
    r = api.call("OPTIONS", "/api/v1/logs", {}, {},
                 {"Origin: http://localhost:8080", "Access-Control-Request-Method: GET"});
    EXPECT_EQ(r.status, 200);
    EXPECT_THAT(r.headers, HasSubstr("Access-Control-Allow-Origin: http://localhost:8080"));
    r = api.call("OPTIONS", "/api/v1/logs", {}, {},
                 {"Origin: http://evil.example", "Access-Control-Request-Method: GET"});
    EXPECT_EQ(r.status, 400);

    r = api.call("DELETE", "/api/v1/config/reinit", admin);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data()["message"], "Data purged");
    EXPECT_TRUE(r.data()["deleted"]["logs"].is_number_integer());

    EXPECT_EQ(api.process().stop(), 0);
}

TEST(CliApiCore, ReinitNeedsDeveloperModeAndLoginIsThrottled) {
    ApiServerProcess api(18102, false);
    ASSERT_THAT(api.output(), HasSubstr("listening on")) << api.process().err();
    auto token = api.login_token("admin", kAdminPassword);
    api.call("POST", "/api/v1/auth/change-password", token,
             json{{"old_password", kAdminPassword}, {"new_password", kAdminPassword}}.dump());
    auto r = api.call("DELETE", "/api/v1/config/reinit", token);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.detail(), "Developer mode is not enabled");
    EXPECT_FALSE(api.call("GET", "/api/v1/config", token).data().contains("developer_mode"));

    // DECNET_LOGIN_MAX_FAILURES_PER_USER=5: the sixth attempt is refused without a check.
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(
            api.call("POST", "/api/v1/auth/login", {}, R"({"username":"admin","password":"bad"})")
                .status,
            401);
    r = api.call("POST", "/api/v1/auth/login", {},
                 json{{"username", "admin"}, {"password", kAdminPassword}}.dump());
    EXPECT_EQ(r.status, 429);
    EXPECT_THAT(r.headers, HasSubstr("Retry-After: "));
    // More refused attempts within a second: still 429, but one event per source.
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(
            api.call("POST", "/api/v1/auth/login", {}, R"({"username":"admin","password":"x"})")
                .status,
            429);

    // The lockout is an event in the store, like an attack on a decky (issue #5 §6).
    r = api.call("GET", "/api/v1/logs?search=login_lockout", token);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.data()["total"], 1) << r.body;
    const auto row = r.data()["data"][0];
    EXPECT_EQ(row["event_type"], "login_lockout");
    EXPECT_EQ(row["service"], "api");
    EXPECT_EQ(row["attacker_ip"], "127.0.0.1");
    EXPECT_THAT(row["fields"].get<std::string>(), HasSubstr(R"("username":"admin")"));
    EXPECT_EQ(api.process().stop(), 0);
}

}  // namespace
}  // namespace decnet::testing
