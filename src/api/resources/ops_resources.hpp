// Routes for operating the product rather than reading attacker data: health (api.md §4),
// the live stream (§3) and the OpenAPI document.
#pragma once

#include <string>
#include <vector>

#include "api/route.hpp"

namespace decnet::api {

struct ApiContext;

std::vector<Route> health_routes(ApiContext& context);  // GET /health
// GET /stream; needs ApiContext::log_feed (creates ApiContext::stream_hub).
std::vector<Route> stream_routes(ApiContext& context);
std::vector<Route> openapi_routes(ApiContext& context);  // GET /openapi.json

// The OpenAPI 3 document of every /api/v1 endpoint (static JSON text).
const std::string& openapi_document();

}  // namespace decnet::api
