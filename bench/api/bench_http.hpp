// What the API benchmarks (api_bench, tracing_overhead_bench) share to drive a `decnet api`
// they started: running a command for its output, and the seeded admin's login.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace decnet::bench {

// The command's standard output (popen); throws when it cannot be started.
std::string run_command(const std::string& command);
// POST a JSON body with curl and parse the answer.
nlohmann::json post_json(const std::string& url, const nlohmann::json& body,
                         const std::string& token = "");
// The admin's bearer token, after the first-login password change (as the reference's
// Locust on_start does).
std::string login(const std::string& base, const std::string& password);

}  // namespace decnet::bench
