// Where the JWT signing key comes from (api.md §9): DECNET_JWT_SECRET with the reference's
// checks, or — when it is unset — a random key generated once and kept (mode 0600) in the
// state directory, so `decnet up` works out of the box and tokens survive restarts.
#pragma once

#include <string>

namespace decnet::api::auth {

// Throws std::runtime_error with the reason when the configured secret is refused
// (a known weak value; shorter than 32 characters outside developer mode).
std::string resolve_jwt_secret(const std::string& state_dir, bool developer_mode);

// The check alone (tests): empty string when acceptable, else the reason.
std::string jwt_secret_problem(const std::string& secret, bool developer_mode);

}  // namespace decnet::api::auth
