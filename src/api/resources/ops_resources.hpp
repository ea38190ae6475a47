// Routes for operating the product rather than reading attacker data: health (api.md §4).
#pragma once

#include <vector>

#include "api/route.hpp"

namespace decnet::api {

struct ApiContext;

std::vector<Route> health_routes(ApiContext& context);  // GET /health

}  // namespace decnet::api
