#include "api_client.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "cli_runner.hpp"

namespace decnet::testing {

std::pair<int, nlohmann::json> api_call(const std::string& base, const std::string& method,
                                        const std::string& path, const std::string& token,
                                        const std::string& body) {
    // The body goes through stdin and the status comes last on its own line.
    std::string command = "curl -s --max-time 20 -w '\\n%{http_code}' -X " + method;
    if (!token.empty()) command += " -H 'Authorization: Bearer " + token + "'";
    if (!body.empty()) command += " -H 'Content-Type: application/json' --data-binary @-";
    command += " '" + base + path + "'";
    if (!body.empty()) command = "printf '%s' '" + body + "' | " + command;
    const auto out = capture(command);
    const auto cut = out.rfind('\n');
    if (cut == std::string::npos) return {0, nlohmann::json()};
    return {std::atoi(out.c_str() + cut + 1),
            nlohmann::json::parse(out.substr(0, cut), nullptr, /*allow_exceptions=*/false)};
}

std::string api_login(const std::string& base, const std::string& password,
                      const std::string& user) {
    const auto credentials = nlohmann::json{{"username", user}, {"password", password}}.dump();
    auto [status, answer] = api_call(base, "POST", "/auth/login", "", credentials);
    EXPECT_EQ(status, 200) << answer.dump();
    if (answer.value("must_change_password", false)) {
        api_call(base, "POST", "/auth/change-password", answer.value("access_token", ""),
                 nlohmann::json{{"old_password", password}, {"new_password", password}}.dump());
        answer = api_call(base, "POST", "/auth/login", "", credentials).second;
    }
    return answer.value("access_token", "");
}

}  // namespace decnet::testing
