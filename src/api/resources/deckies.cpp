// The fleet (api.md §1.6–§1.9): GET /deckies (cached 5 s), POST /deckies/deploy,
// POST /deckies/{decky_name}/mutate and PUT /deckies/{decky_name}/mutate-interval, and
// decnet's DELETE /deckies/{decky_name} (teardown, for the dashboard). All
// go through ApiContext::fleet, the one source of truth (QUIRK Q6 fixed); the writes
// drop the /deckies cache so an operator sees their own change at once.
#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/db_fleet_control.hpp"
#include "api/fleet_control.hpp"
#include "api/resources/read_caches.hpp"
#include "api/resources/read_resources.hpp"
#include "api/resources/resource_json.hpp"
#include "api/validation.hpp"
#include "core/ini_parser.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

constexpr std::size_t kMaxIniCharacters = 512 * 1024;
constexpr std::string_view kInvalidIniDetail = "Invalid INI config";

FleetControl& fleet(ApiContext& context) {
    if (!context.fleet) throw std::logic_error("ApiContext::fleet is not set");
    return *context.fleet;
}

Response internal_validation_error() {
    return Response::json(internal_validation_error_body(), 422);
}

Response list_deckies(ApiContext& context, ReadCaches& caches) {
    // Read before the body: a change after them makes the answer's repeats stop.
    const auto version = context.repo.data_version();
    const auto changes = caches.fleet_changes.load(std::memory_order_acquire);
    try {
        auto [body, until] =
            caches.deckies.get_until(0, [&] { return fleet(context).deckies_json(); });
        auto response = Response::json(std::move(body));
        // Repeatable as long as this TTL cache would answer the same body, and no longer
        // than a commit or a change of the fleet.
        if (version)
            response.reuse =
                Response::Reuse{*version, until, nullptr, &caches.fleet_changes, changes};
        return response;
    } catch (const DeploymentStateError&) {
        return internal_validation_error();
    }
}

// Body checks of §1.7 in the priority order of §0.3: structural (400) before the INI
// conflicts (409) before everything else (422, "Invalid INI config" on this path).
std::string deploy_ini_content(const Request& request) {
    nlohmann::json body;
    try {
        body = body_object(request);
    } catch (const ValidationError& e) {
        ValidationError renamed = e;  // same developer body, this path's production text
        renamed.detail = std::string(kInvalidIniDetail);
        throw renamed;
    }
    for (const auto& [key, value] : body.items())
        if (key != "ini_content") fail_structural();  // extra keys are forbidden
    const auto it = body.find("ini_content");
    if (it == body.end() || !it->is_string()) fail_structural();
    const auto& ini = it->get_ref<const std::string&>();
    if (utf8_length(ini) > kMaxIniCharacters)
        fail_invalid(
            nlohmann::json::array({"body", "ini_content"}), "string_too_long",
            "String should have at most " + std::to_string(kMaxIniCharacters) + " characters", ini,
            nlohmann::json{{"max_length", kMaxIniCharacters}}, kInvalidIniDetail);
    const std::string problem = validate_ini_text(ini);
    if (problem.empty()) return ini;
    if (problem.find("INI content is empty") != std::string::npos)
        throw ApiError{409, "Configuration conflict: INI content is empty.", {}};
    if (problem.find("Invalid INI format") != std::string::npos)
        throw ApiError{409, "Configuration conflict: INI syntax or characters are invalid.", {}};
    if (problem.find("at least one section") != std::string::npos)
        throw ApiError{409, "Invalid INI config structure: No decky sections found.", {}};
    fail_invalid(nlohmann::json::array({"body", "ini_content"}), "value_error",
                 "Value error, " + problem, ini,
                 nlohmann::json{{"error", nlohmann::json::object()}}, kInvalidIniDetail);
}

Response deploy(ApiContext& context, ReadCaches& caches, const Request& request) {
    const std::string ini = deploy_ini_content(request);
    try {
        fleet(context).deploy(ini);
    } catch (const DeploymentStateError&) {
        return internal_validation_error();
    }
    caches.fleet_changed();
    return Response::message("Deckies deployed successfully");
}

bool valid_mutate_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

Response mutate(ApiContext& context, ReadCaches& caches, const Request& request) {
    const auto& name = request.path_param("decky_name");
    if (!valid_mutate_name(name)) fail_pattern("path", "decky_name", name, R"(^[a-z0-9\-]{1,64}$)");
    if (context.settings.contract_test)
        return Response::message("Successfully mutated " + name + " (Contract Test Mock)");
    bool mutated = false;
    try {
        mutated = fleet(context).mutate(name);
    } catch (const DeploymentStateError&) {
        mutated = false;
    }
    if (!mutated) throw ApiError{404, "Decky " + name + " not found or failed to mutate", {}};
    caches.fleet_changed();
    return Response::message("Successfully mutated " + name);
}

Response set_interval(ApiContext& context, ReadCaches& caches, const Request& request) {
    const auto body = body_object(request);
    const auto text = body_optional_string(body, "mutate_interval");
    std::optional<int> minutes;
    if (text) {
        minutes = interval_minutes(*text);
        if (!minutes) fail_pattern("body", "mutate_interval", *text, R"(^[1-9]\d*[mdMyY]$)");
    }
    FleetControl::IntervalResult result;
    try {
        result = fleet(context).set_mutate_interval(request.path_param("decky_name"), minutes);
    } catch (const DeploymentStateError&) {
        return internal_validation_error();
    }
    switch (result) {
        case FleetControl::IntervalResult::no_deployment:
            throw ApiError{404, "No active deployment", {}};
        case FleetControl::IntervalResult::unknown_decky:
            throw ApiError{404, "Decky not found", {}};
        case FleetControl::IntervalResult::updated:
            break;
    }
    caches.fleet_changed();
    return Response::message("Mutation interval updated");
}

Response teardown(ApiContext& context, ReadCaches& caches, const Request& request) {
    const auto& name = request.path_param("decky_name");
    if (!valid_mutate_name(name)) fail_pattern("path", "decky_name", name, R"(^[a-z0-9\-]{1,64}$)");
    FleetControl::TeardownResult result;
    try {
        result = fleet(context).teardown(name);
    } catch (const DeploymentStateError&) {
        return internal_validation_error();
    }
    switch (result) {
        case FleetControl::TeardownResult::no_deployment:
            throw ApiError{404, "No active deployment", {}};
        case FleetControl::TeardownResult::unknown_decky:
            throw ApiError{404, "Decky not found", {}};
        case FleetControl::TeardownResult::removed:
            break;
    }
    caches.fleet_changed();
    return Response::message("Decky " + name + " torn down");
}

Route route(std::string method, std::string pattern, Access access, bool has_body,
            SyncHandler handler) {
    Route r;
    r.method = std::move(method);
    r.pattern = std::move(pattern);
    r.access = access;
    r.has_body = has_body;
    r.handler = std::move(handler);
    return r;
}

}  // namespace

std::vector<Route> decky_routes(ApiContext& context) {
    read_caches(context);  // created on first use
    auto caches = context.read_caches;
    std::vector<Route> routes;
    routes.push_back(route("GET", "/api/v1/deckies", Access::kViewer, false,
                           [&context, caches](const Request&, const Principal&) {
                               return list_deckies(context, *caches);
                           }));
    routes.push_back(route("POST", "/api/v1/deckies/deploy", Access::kAdmin, true,
                           [&context, caches](const Request& r, const Principal&) {
                               return deploy(context, *caches, r);
                           }));
    routes.push_back(route("POST", "/api/v1/deckies/{decky_name}/mutate", Access::kAdmin, false,
                           [&context, caches](const Request& r, const Principal&) {
                               return mutate(context, *caches, r);
                           }));
    routes.push_back(route("PUT", "/api/v1/deckies/{decky_name}/mutate-interval", Access::kAdmin,
                           true, [&context, caches](const Request& r, const Principal&) {
                               return set_interval(context, *caches, r);
                           }));
    routes.push_back(route("DELETE", "/api/v1/deckies/{decky_name}", Access::kAdmin, false,
                           [&context, caches](const Request& r, const Principal&) {
                               return teardown(context, *caches, r);
                           }));
    return routes;
}

}  // namespace decnet::api
