// GET /api/v1/identities and /identities/{id} (viewer; docs/API.md, docs/INTEL.md): the
// attacker IPs the identity linker joined, with confidence and evidence. The detail adds
// each member's attacker profile summary (uuid, first and last seen).
#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/resources/read_resources.hpp"
#include "api/resources/resource_json.hpp"
#include "api/validation.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

using ordered = nlohmann::ordered_json;
constexpr long long kMaxOffset = 2147483647;

ordered identity_json(const store::IdentityRecord& r) {
    return {{"id", r.id},
            {"confidence", r.confidence},
            {"member_count", r.members.size()},
            {"members", r.members},
            {"first_seen", iso_timestamp(r.first_seen)},
            {"last_seen", iso_timestamp(r.last_seen)},
            {"evidence", parse_or_raw(r.evidence)},
            {"updated_at", iso_timestamp(r.updated_at)}};
}

Response list_identities(ApiContext& context, const Request& request) {
    const auto limit = query_int(request, "limit", 50, 1, 1000);
    const auto offset = query_int(request, "offset", 0, 0, kMaxOffset);
    const auto total = context.repo.count_identities();
    ordered data = ordered::array();
    for (const auto& row :
         context.repo.identities(static_cast<int>(limit), static_cast<int>(offset)))
        data.push_back(identity_json(row));
    return Response::json(dump_json(
        {{"total", total}, {"limit", limit}, {"offset", offset}, {"data", std::move(data)}}));
}

Response identity_detail(ApiContext& context, const Request& request) {
    const auto row = context.repo.identity(request.path_param("id"));
    if (!row) throw ApiError{404, "Identity not found", {}};
    ordered item = identity_json(*row);
    // Members with their profiles (an IP the profiler has not written yet shows nulls).
    ordered members = ordered::array();
    for (const auto& ip : row->members) {
        const auto attacker = context.repo.attacker_by_ip(ip);
        members.push_back(
            {{"ip", ip},
             {"attacker_uuid", attacker ? ordered(attacker->uuid) : ordered(nullptr)},
             {"first_seen",
              attacker ? ordered(iso_timestamp(attacker->first_seen)) : ordered(nullptr)},
             {"last_seen",
              attacker ? ordered(iso_timestamp(attacker->last_seen)) : ordered(nullptr)},
             {"event_count", attacker ? ordered(attacker->event_count) : ordered(nullptr)}});
    }
    item["members"] = std::move(members);
    return Response::json(dump_json(item));
}

}  // namespace

std::vector<Route> identity_routes(ApiContext& context) {
    std::vector<Route> routes;
    routes.push_back(viewer_get(
        "/api/v1/identities",
        [&context](const Request& r, const Principal&) { return list_identities(context, r); }));
    routes.push_back(viewer_get(
        "/api/v1/identities/{id}",
        [&context](const Request& r, const Principal&) { return identity_detail(context, r); }));
    return routes;
}

}  // namespace decnet::api
