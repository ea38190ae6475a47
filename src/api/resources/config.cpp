// GET /config, PUT /config/deployment-limit, PUT /config/global-mutation-interval and
// DELETE /config/reinit (api.md §1.16–§1.18, §1.23). The two state keys are read through
// 5-second per-key caches that the PUTs invalidate (fixing the reference's Q8).
#include <regex>

#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/auth/auth_service.hpp"
#include "api/resources/core_resources.hpp"
#include "api/single_flight_cache.hpp"
#include "api/validation.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

constexpr const char* kLimitsKey = "config_limits";
constexpr const char* kGlobalsKey = "config_globals";
constexpr long long kDefaultDeploymentLimit = 10;
constexpr const char* kDefaultMutationInterval = "30m";

using StateCache = SingleFlightCache<std::string, std::optional<std::string>>;

// The stored JSON object's member, when the row exists, parses and has it.
nlohmann::json state_member(const std::optional<std::string>& stored, const char* key) {
    if (!stored) return nullptr;
    const auto value = nlohmann::json::parse(*stored, nullptr, false);
    if (!value.is_object() || !value.contains(key)) return nullptr;
    return value[key];
}

Response get_config(ApiContext& context, StateCache& cache, const Principal& principal) {
    auto read = [&](const std::string& key) {
        return cache.get(key, [&] { return context.repo.get_state(key); });
    };
    const auto limit = state_member(read(kLimitsKey), "deployment_limit");
    const auto interval = state_member(read(kGlobalsKey), "global_mutation_interval");

    nlohmann::ordered_json out;
    out["role"] = principal.role;
    out["deployment_limit"] = limit.is_number() ? limit : nlohmann::json(kDefaultDeploymentLimit);
    out["global_mutation_interval"] =
        interval.is_string() ? interval : nlohmann::json(kDefaultMutationInterval);
    if (principal.is_admin()) {
        auto users = nlohmann::ordered_json::array();
        for (const auto& user : context.auth->users()) {
            nlohmann::ordered_json row;  // never the hash
            row["uuid"] = user.uuid;
            row["username"] = user.username;
            row["role"] = user.role;
            row["must_change_password"] = user.must_change_password;
            users.push_back(std::move(row));
        }
        out["users"] = std::move(users);
        if (!context.alerts_json.empty())
            out["alerts"] = nlohmann::ordered_json::parse(context.alerts_json, nullptr, false);
        if (context.settings.developer_mode) out["developer_mode"] = true;
    }
    return Response::json(out.dump());
}

Response put_deployment_limit(ApiContext& context, StateCache& cache, const Request& request) {
    const auto body = body_object(request);
    const auto limit = body_int(body, "deployment_limit", 1, 500);
    context.repo.set_state(kLimitsKey, nlohmann::json{{"deployment_limit", limit}}.dump());
    cache.invalidate(kLimitsKey);
    return Response::message("Deployment limit updated");
}

Response put_mutation_interval(ApiContext& context, StateCache& cache, const Request& request) {
    static const std::regex kInterval("^[1-9][0-9]*[mdMyY]$");
    const auto body = body_object(request);
    const auto interval = body_string(body, "global_mutation_interval", 0, std::string::npos);
    if (!std::regex_match(interval, kInterval))
        fail_pattern("body", "global_mutation_interval", interval, R"(^[1-9]\d*[mdMyY]$)");
    context.repo.set_state(kGlobalsKey,
                           nlohmann::json{{"global_mutation_interval", interval}}.dump());
    cache.invalidate(kGlobalsKey);
    return Response::message("Global mutation interval updated");
}

Response reinit(ApiContext& context) {
    if (!context.settings.developer_mode) throw ApiError{403, "Developer mode is not enabled", {}};
    const auto deleted = context.repo.purge_data();
    nlohmann::ordered_json out;
    out["message"] = "Data purged";
    out["deleted"]["logs"] = deleted.logs;
    out["deleted"]["bounties"] = deleted.bounties;
    out["deleted"]["attackers"] = deleted.attackers;
    return Response::json(out.dump());
}

}  // namespace

std::vector<Route> config_routes(ApiContext& context) {
    auto cache = std::make_shared<StateCache>(std::chrono::seconds(5));
    std::vector<Route> routes;
    routes.push_back({"GET", "/api/v1/config", Access::kViewer, false,
                      [&context, cache](const Request&, const Principal& principal) {
                          return get_config(context, *cache, principal);
                      },
                      nullptr});
    routes.push_back({"PUT", "/api/v1/config/deployment-limit", Access::kAdmin, true,
                      [&context, cache](const Request& request, const Principal&) {
                          return put_deployment_limit(context, *cache, request);
                      },
                      nullptr});
    routes.push_back({"PUT", "/api/v1/config/global-mutation-interval", Access::kAdmin, true,
                      [&context, cache](const Request& request, const Principal&) {
                          return put_mutation_interval(context, *cache, request);
                      },
                      nullptr});
    routes.push_back({"DELETE", "/api/v1/config/reinit", Access::kAdmin, false,
                      [&context](const Request&, const Principal&) { return reinit(context); },
                      nullptr});
    return routes;
}

}  // namespace decnet::api
