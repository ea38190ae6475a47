// The REST API of a running decnet through the real curl, for integration tests: one
// call with its status and JSON body, and a login that completes the seeded admin's
// forced password change (api.md §2.5) so the token can read.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace decnet::testing {

// `base` is ".../api/v1". Status 0 and a discarded JSON when curl got no answer.
std::pair<int, nlohmann::json> api_call(const std::string& base, const std::string& method,
                                        const std::string& path, const std::string& token = "",
                                        const std::string& body = "");
// A bearer token for `user`; empty (and a test failure) when the login fails.
std::string api_login(const std::string& base, const std::string& password,
                      const std::string& user = "admin");

}  // namespace decnet::testing
