// GET /api/v1/openapi.json: the OpenAPI 3 document of every endpoint. Public — it says
// only what docs/API.md says — and served always (the reference served /openapi.json in
// developer mode only; ApiService adds that path too in developer mode).
#include "api/api_context.hpp"
#include "api/resources/ops_resources.hpp"

namespace decnet::api {

std::vector<Route> openapi_routes(ApiContext&) {
    Route route;
    route.method = "GET";
    route.pattern = "/api/v1/openapi.json";
    route.access = Access::kPublic;
    route.handler = [](const Request&, const Principal&) {
        return Response::json(openapi_document());
    };
    return {std::move(route)};
}

}  // namespace decnet::api
