#include "api/api_routes.hpp"

#include "api/resources/core_resources.hpp"
#include "api/resources/ops_resources.hpp"
#include "api/resources/read_resources.hpp"

namespace decnet::api {

std::vector<Route> all_routes(ApiContext& context) {
    std::vector<Route> routes;
    auto add = [&routes](std::vector<Route> more) {
        for (auto& route : more) routes.push_back(std::move(route));
    };
    add(auth_routes(context));
    add(config_routes(context));
    add(users_routes(context));
    add(read_resource_routes(context));
    add(health_routes(context));
    add(stream_routes(context));
    add(openapi_routes(context));
    return routes;
}

}  // namespace decnet::api
