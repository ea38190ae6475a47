// GET /api/v1/stats (api.md §1.13, §6.4): log totals from the store and the decky counts
// from the FleetControl (the same source /deckies reads, fixing QUIRK Q6). The whole
// response is cached 5 s, single-flight (§7).
#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/fleet_control.hpp"
#include "api/resources/read_caches.hpp"
#include "api/resources/read_resources.hpp"
#include "api/resources/resource_json.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

std::string stats_body(ApiContext& context) {
    const auto logs = context.repo.log_stats();
    const auto deckies = context.fleet ? context.fleet->decky_counts() : FleetControl::Counts{};
    return dump_json({{"total_logs", logs.total_logs},
                      {"unique_attackers", logs.unique_attackers},
                      {"active_deckies", deckies.active},
                      {"deployed_deckies", deckies.deployed}});
}

}  // namespace

std::string stats_json(ApiContext& context) {
    return stats_body(context);
}

std::vector<Route> stats_routes(ApiContext& context) {
    read_caches(context);  // created on first use
    auto caches = context.read_caches;
    Route route;
    route.method = "GET";
    route.pattern = "/api/v1/stats";
    route.access = Access::kViewer;
    route.handler = [&context, caches](const Request&, const Principal&) {
        const auto version = context.repo.data_version();  // before the body
        auto [body, until] = caches->stats.get_until(0, [&] { return stats_body(context); });
        auto response = Response::json(std::move(body));
        // Repeatable while this TTL cache would answer the same body, and no longer than
        // the next commit.
        if (version) response.reuse = Response::Reuse{*version, until};
        return response;
    };
    return {std::move(route)};
}

}  // namespace decnet::api
