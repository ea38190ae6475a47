// GET /api/v1/attackers, /attackers/{uuid} and /attackers/{uuid}/commands (api.md
// §1.10–§1.12, §6.5): attacker profiles with their behaviour. The unfiltered total is
// cached 2 s (§7); pages, details and commands always read the store.
#include <map>
#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/resources/read_caches.hpp"
#include "api/resources/read_resources.hpp"
#include "api/resources/resource_json.hpp"
#include "api/validation.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

using ordered = nlohmann::ordered_json;
constexpr long long kMaxOffset = 2147483647;

store::AttackerSort parse_sort(const std::optional<std::string>& text) {
    if (!text || *text == "recent") return store::AttackerSort::recent;
    if (*text == "active") return store::AttackerSort::active;
    if (*text == "traversals") return store::AttackerSort::traversals;
    fail_pattern("query", "sort_by", *text, "^(recent|active|traversals)$");
}

Response list_attackers(ApiContext& context, ReadCaches& caches, const Request& request) {
    const auto limit = query_int(request, "limit", 50, 1, 1000);
    const auto offset = query_int(request, "offset", 0, 0, kMaxOffset);
    store::AttackerFilter filter;
    filter.search = query_string(request, "search");
    const auto sort = parse_sort(query_string(request, "sort_by", false));
    filter.service = query_string(request, "service");

    auto& repo = context.repo;
    const auto rows =
        repo.attackers(filter, sort, static_cast<int>(limit), static_cast<int>(offset));
    const std::int64_t total =
        filter.empty()
            ? ttl_cached(caches.attackers_total, repo.data_version(), caches.ttls.attackers_total,
                         [&] { return repo.count_attackers({}); })
            : repo.count_attackers(filter);
    // One query for the whole page's behaviour rows, attached by IP.
    std::vector<std::string> ips;
    for (const auto& row : rows) ips.push_back(row.ip);
    std::map<std::string, ordered> behavior_by_ip;
    if (!ips.empty())
        for (const auto& [ip, behavior] : repo.attacker_behaviors_by_ip(ips))
            behavior_by_ip[ip] = behavior_json(behavior);
    std::map<std::string, std::string> identity_by_ip;
    if (!ips.empty())
        for (auto& [ip, id] : repo.identity_ids_by_ip(ips)) identity_by_ip[ip] = std::move(id);
    ordered data = ordered::array();
    for (const auto& row : rows) {
        ordered item = attacker_json(row);
        const auto identity = identity_by_ip.find(row.ip);
        item["identity_id"] =
            identity == identity_by_ip.end() ? ordered(nullptr) : ordered(identity->second);
        const auto it = behavior_by_ip.find(row.ip);
        item["behavior"] = it == behavior_by_ip.end() ? ordered(nullptr) : it->second;
        data.push_back(std::move(item));
    }
    return Response::json(dump_json(
        {{"total", total}, {"limit", limit}, {"offset", offset}, {"data", std::move(data)}}));
}

// The attacker's fingerprints (bounty rows) with when each was first and last seen: first
// is the bounty's insertion (bounties are deduplicated), last the newest stored event
// carrying the same hash among the IP's newest kSightingRows prober events.
constexpr int kMaxSightings = 200;
constexpr int kSightingRows = 1000;

ordered fingerprint_sightings(store::Repository& repo, const std::string& ip) {
    store::BountyFilter filter;
    filter.attacker_ip = ip;
    filter.bounty_type = "fingerprint";
    const auto bounties = repo.bounties(filter, kMaxSightings, 0);  // newest first
    std::map<std::string, std::string> last_seen;                   // hash → stored time
    if (!bounties.empty()) {
        store::LogFilter logs;
        logs.search = "attacker:" + ip + " service:prober";
        for (const auto& row : repo.logs(logs, kSightingRows, 0)) {  // newest first
            const ordered fields = ordered::parse(row.fields, nullptr, false);
            if (!fields.is_object()) continue;
            for (const char* key :
                 {"jarm_hash", "hassh_server_hash", "tcpfp_hash", "cert_sha256"}) {
                const auto it = fields.find(key);
                if (it != fields.end() && it->is_string())
                    last_seen.emplace(it->get<std::string>(), row.timestamp);
            }
        }
    }
    ordered list = ordered::array();
    for (auto b = bounties.rbegin(); b != bounties.rend(); ++b) {
        ordered payload = parse_or_raw(b->payload);
        std::string value;
        if (payload.is_object())
            for (const char* key : {"hash", "ja3", "ja4", "value", "mechanisms", "subject_cn"}) {
                const auto it = payload.find(key);
                if (it != payload.end() && it->is_string()) {
                    value = it->get<std::string>();
                    break;
                }
            }
        std::string last = b->timestamp;
        if (const auto it = last_seen.find(value); it != last_seen.end() && it->second > last)
            last = it->second;
        const auto type = payload.is_object() && payload.contains("fingerprint_type")
                              ? payload["fingerprint_type"]
                              : ordered(nullptr);
        list.push_back({{"bounty_id", b->id},
                        {"fingerprint_type", type},
                        {"value", value},
                        {"service", b->service},
                        {"first_seen", iso_timestamp(b->timestamp)},
                        {"last_seen", iso_timestamp(last)},
                        {"payload", std::move(payload)}});
    }
    return list;
}

[[noreturn]] void attacker_not_found() {
    throw ApiError{404, "Attacker not found", {}};
}

Response attacker_detail(ApiContext& context, const Request& request) {
    const auto& uuid = request.path_param("uuid");
    const auto row = context.repo.attacker(uuid);
    if (!row) attacker_not_found();
    ordered item = attacker_json(*row);
    const auto identity = context.repo.identity_ids_by_ip({row->ip});
    item["identity_id"] = identity.empty() ? ordered(nullptr) : ordered(identity.front().second);
    const auto behavior = context.repo.attacker_behavior(uuid);
    item["behavior"] = behavior ? behavior_json(*behavior) : ordered(nullptr);
    item["fingerprint_sightings"] = fingerprint_sightings(context.repo, row->ip);
    return Response::json(dump_json(item));
}

Response attacker_commands(ApiContext& context, const Request& request) {
    const auto limit = query_int(request, "limit", 50, 1, 200);
    const auto offset = query_int(request, "offset", 0, 0, kMaxOffset);
    const auto service = query_string(request, "service");
    const auto text = context.repo.attacker_commands(request.path_param("uuid"));
    if (!text) attacker_not_found();
    const ordered commands = ordered::parse(*text, nullptr, false);
    ordered matching = ordered::array();
    if (commands.is_array())
        for (const auto& command : commands) {
            if (service) {
                if (!command.is_object()) continue;
                const auto it = command.find("service");
                if (it == command.end() || !it->is_string() || it->get<std::string>() != *service)
                    continue;
            }
            matching.push_back(command);
        }
    const auto total = static_cast<long long>(matching.size());
    ordered page = ordered::array();
    for (long long i = offset; i < total && i < offset + limit; ++i)
        page.push_back(std::move(matching[static_cast<std::size_t>(i)]));
    return Response::json(dump_json(
        {{"total", total}, {"limit", limit}, {"offset", offset}, {"data", std::move(page)}}));
}

}  // namespace

std::vector<Route> attacker_routes(ApiContext& context) {
    read_caches(context);  // created on first use
    auto caches = context.read_caches;
    std::vector<Route> routes;
    routes.push_back(
        viewer_get("/api/v1/attackers", [&context, caches](const Request& r, const Principal&) {
            return list_attackers(context, *caches, r);
        }));
    routes.push_back(viewer_get(
        "/api/v1/attackers/{uuid}",
        [&context](const Request& r, const Principal&) { return attacker_detail(context, r); }));
    routes.push_back(viewer_get(
        "/api/v1/attackers/{uuid}/commands",
        [&context](const Request& r, const Principal&) { return attacker_commands(context, r); }));
    return routes;
}

}  // namespace decnet::api
