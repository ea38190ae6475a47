// GET /api/v1/logs/histogram (api.md §1.4): log counts per epoch-aligned bucket (§6.3).
// Only the default call (no filters, 15 minutes) is cached, for 5 seconds (§7).
#include <climits>
#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/resources/read_caches.hpp"
#include "api/resources/read_resources.hpp"
#include "api/resources/resource_json.hpp"
#include "api/validation.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

constexpr int kDefaultInterval = 15;

std::string histogram_body(store::Repository& repo, const store::LogFilter& filter,
                           int interval_minutes) {
    nlohmann::ordered_json buckets = nlohmann::ordered_json::array();
    for (const auto& bucket : repo.histogram(filter, interval_minutes))
        buckets.push_back({{"time", bucket.time}, {"count", bucket.count}});
    return dump_json(buckets);
}

Response histogram(ApiContext& context, ReadCaches& caches, const Request& request) {
    store::LogFilter filter;
    filter.search = query_string(request, "search");
    filter.start_time = query_string(request, "start_time");
    filter.end_time = query_string(request, "end_time");
    // No upper bound in the reference; past INT_MAX minutes (4000 years) every row falls
    // into the epoch bucket anyway.
    const auto interval = query_int(request, "interval_minutes", kDefaultInterval, 1, LLONG_MAX);
    const int minutes = static_cast<int>(std::min<long long>(interval, INT_MAX));
    if (filter.empty() && minutes == kDefaultInterval)
        return Response::json(ttl_cached(
            caches.histogram_default, context.repo.data_version(), caches.ttls.histogram_default,
            [&] { return histogram_body(context.repo, filter, minutes); }));
    return Response::json(histogram_body(context.repo, filter, minutes));
}

}  // namespace

std::string histogram_json(store::Repository& repo, const store::LogFilter& filter,
                           int interval_minutes) {
    return histogram_body(repo, filter, interval_minutes);
}

std::vector<Route> histogram_routes(ApiContext& context) {
    read_caches(context);  // created on first use
    auto caches = context.read_caches;
    Route route;
    route.method = "GET";
    route.pattern = "/api/v1/logs/histogram";
    route.access = Access::kViewer;
    route.handler = [&context, caches](const Request& request, const Principal&) {
        return histogram(context, *caches, request);
    };
    return {std::move(route)};
}

}  // namespace decnet::api
