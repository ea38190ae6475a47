// GET /api/v1/bounty (api.md §1.5): captured credentials and fingerprints, newest first,
// payloads parsed. The default page (no filters, limit 50, offset 0) is cached 5 s (§7).
#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/resources/read_caches.hpp"
#include "api/resources/read_resources.hpp"
#include "api/resources/resource_json.hpp"
#include "api/validation.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

constexpr long long kMaxOffset = 2147483647;

std::string bounty_page(store::Repository& repo, const store::BountyFilter& filter, int limit,
                        int offset) {
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    for (const auto& row : repo.bounties(filter, limit, offset)) data.push_back(bounty_json(row));
    const auto total = repo.count_bounties(filter);
    return dump_json(
        {{"total", total}, {"limit", limit}, {"offset", offset}, {"data", std::move(data)}});
}

Response list_bounty(ApiContext& context, ReadCaches& caches, const Request& request) {
    const int limit = static_cast<int>(query_int(request, "limit", 50, 1, 1000));
    const int offset = static_cast<int>(query_int(request, "offset", 0, 0, kMaxOffset));
    store::BountyFilter filter;
    filter.bounty_type = query_string(request, "bounty_type");
    filter.search = query_string(request, "search");
    if (!filter.bounty_type && !filter.search && limit == 50 && offset == 0)
        return Response::json(ttl_cached(
            caches.bounty_default, context.repo.data_version(), caches.ttls.bounty_default,
            [&] { return bounty_page(context.repo, filter, limit, offset); }));
    return Response::json(bounty_page(context.repo, filter, limit, offset));
}

}  // namespace

std::vector<Route> bounty_routes(ApiContext& context) {
    read_caches(context);  // created on first use
    auto caches = context.read_caches;
    Route route;
    route.method = "GET";
    route.pattern = "/api/v1/bounty";
    route.access = Access::kViewer;
    route.handler = [&context, caches](const Request& request, const Principal&) {
        return list_bounty(context, *caches, request);
    };
    return {std::move(route)};
}

}  // namespace decnet::api
