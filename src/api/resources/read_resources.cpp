// The read resources' shared pieces: the per-context caches, the exact response cache in
// front of the GETs whose answers depend on the store alone, and the combined route list.
#include "api/resources/read_resources.hpp"

#include "api/api_context.hpp"
#include "api/resources/read_caches.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

// The GETs answered from the store alone (not /deckies or /stats, which also read the
// fleet — the live runtime under `decnet up` changes without a commit). Their handlers
// shorten the age of a body built from a stale §7 TTL value (ttl_cached); an exact body
// stays while the data version holds, up to this bound.
bool store_only(const std::string& pattern) {
    return pattern == "/api/v1/logs" || pattern == "/api/v1/logs/histogram" ||
           pattern == "/api/v1/bounty" || pattern.starts_with("/api/v1/attackers");
}
constexpr auto kExactMaxAge = std::chrono::hours(1);

void put_behind_exact_cache(Route& route, ApiContext& context) {
    if (route.method != "GET" || !route.handler) return;
    if (!store_only(route.pattern)) return;
    read_caches(context);
    const auto caches = context.read_caches;
    route.handler = [&repo = context.repo, caches, inner = std::move(route.handler)](
                        const Request& request, const Principal& principal) {
        // Read before rendering: the body is then at least as new as its label.
        const auto version = repo.data_version();
        if (!version) return inner(request, principal);
        return caches->responses.get(response_cache_key(request), *version, kExactMaxAge,
                                     [&] { return inner(request, principal); });
    };
}

}  // namespace

ReadCaches& read_caches(ApiContext& context) {
    if (!context.read_caches) context.read_caches = std::make_shared<ReadCaches>();
    return *context.read_caches;
}

std::vector<Route> read_resource_routes(ApiContext& context) {
    std::vector<Route> routes;
    for (auto&& build :
         {log_routes, histogram_routes, bounty_routes, artifact_routes, recording_routes,
          decky_routes, attacker_routes, stats_routes, identity_routes})
        for (auto& route : build(context)) routes.push_back(std::move(route));
    for (auto& route : routes) put_behind_exact_cache(route, context);
    return routes;
}

}  // namespace decnet::api
