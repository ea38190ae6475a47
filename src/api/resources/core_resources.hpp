// Routes of the auth, config and users resources (api.md §1.1, §1.2, §1.16–§1.23). They
// need ApiContext::auth set.
#pragma once

#include <vector>

#include "api/route.hpp"

namespace decnet::api {

struct ApiContext;

std::vector<Route> auth_routes(ApiContext& context);    // login, change-password
std::vector<Route> config_routes(ApiContext& context);  // /config, limits, interval, reinit
std::vector<Route> users_routes(ApiContext& context);   // /config/users...

}  // namespace decnet::api
