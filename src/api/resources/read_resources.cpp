// The read resources' shared pieces: the per-context caches and the combined route list.
#include "api/resources/read_resources.hpp"

#include "api/api_context.hpp"
#include "api/resources/read_caches.hpp"

namespace decnet::api {

ReadCaches& read_caches(ApiContext& context) {
    if (!context.read_caches) context.read_caches = std::make_shared<ReadCaches>();
    return *context.read_caches;
}

std::vector<Route> read_resource_routes(ApiContext& context) {
    std::vector<Route> routes;
    for (auto&& build :
         {log_routes, histogram_routes, bounty_routes, decky_routes, attacker_routes, stats_routes})
        for (auto& route : build(context)) routes.push_back(std::move(route));
    return routes;
}

}  // namespace decnet::api
