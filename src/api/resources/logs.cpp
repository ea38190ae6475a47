// GET /api/v1/logs (api.md §1.3): a page of logs, newest first, with the §6.1 filters.
// The unfiltered total comes from a 2-second cache (§7); filtered totals are always fresh.
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
constexpr std::size_t kMaxSearchLength = 512;

Response list_logs(ApiContext& context, ReadCaches& caches, const Request& request) {
    const auto limit = query_int(request, "limit", 50, 1, 1000);
    const auto offset = query_int(request, "offset", 0, 0, kMaxOffset);
    store::LogFilter filter;
    filter.search = query_string(request, "search", true, kMaxSearchLength);
    filter.start_time = query_string(request, "start_time");
    filter.end_time = query_string(request, "end_time");

    auto& repo = context.repo;
    const auto rows = repo.logs(filter, static_cast<int>(limit), static_cast<int>(offset));
    const std::int64_t total =
        filter.empty() ? ttl_cached(caches.logs_total, repo.data_version(), caches.ttls.logs_total,
                                    [&] { return repo.count_logs({}); })
                       : repo.count_logs(filter);
    // Written directly: the same text as dump_json of {total, limit, offset, data:[log_json]}.
    std::string body = "{\"total\":" + std::to_string(total) +
                       ",\"limit\":" + std::to_string(limit) +
                       ",\"offset\":" + std::to_string(offset) + ",\"data\":[";
    std::size_t bytes = 0;
    for (const auto& row : rows) bytes += row.raw_line.size() + row.fields.size() + 256;
    body.reserve(body.size() + bytes + 2);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i) body += ',';
        append_log_json(body, rows[i]);
    }
    body += "]}";
    return Response::json(std::move(body));
}

}  // namespace

std::vector<Route> log_routes(ApiContext& context) {
    read_caches(context);  // created on first use
    auto caches = context.read_caches;
    Route route;
    route.method = "GET";
    route.pattern = "/api/v1/logs";
    route.access = Access::kViewer;
    route.handler = [&context, caches](const Request& request, const Principal&) {
        return list_logs(context, *caches, request);
    };
    return {std::move(route)};
}

}  // namespace decnet::api
