// Every /api/v1 route of the server, gathered from the resource files in one place.
#pragma once

#include <vector>

#include "api/route.hpp"

namespace decnet::api {

struct ApiContext;

// Needs context.auth (auth, config, users) and context.fleet (read resources) set.
std::vector<Route> all_routes(ApiContext& context);

}  // namespace decnet::api
