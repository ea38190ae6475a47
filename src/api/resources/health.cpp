// GET /api/v1/health (api.md §4): three tiers — unhealthy (a critical component failing,
// HTTP 503), degraded (only non-critical ones failing), healthy. The database probe is the
// unfiltered log count, cached 1 s single-flight with failures cached too, so a health
// poller can't add load to a struggling store. Decnet has no Docker: the decky runtime,
// the ingester and the event bus register their own components (ApiContext).
#include <chrono>
#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/resources/ops_resources.hpp"
#include "api/single_flight_cache.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

HealthStatus probe_database(store::Repository& repo) {
    try {
        repo.count_logs({});
        return {true, std::nullopt};
    } catch (const std::exception& error) {
        return {false, std::string(error.what())};
    }
}

}  // namespace

std::vector<Route> health_routes(ApiContext& context) {
    auto database = std::make_shared<SingleFlightCache<int, HealthStatus>>(std::chrono::seconds(1));
    Route route;
    route.method = "GET";
    route.pattern = "/api/v1/health";
    route.access = Access::kViewer;
    route.handler = [&context, database](const Request&, const Principal&) {
        bool critical_failing = false;
        bool any_failing = false;
        nlohmann::ordered_json components = nlohmann::ordered_json::object();
        auto report = [&](const std::string& name, bool critical, const HealthStatus& status) {
            components[name] = {{"status", status.ok ? "ok" : "failing"},
                                {"detail", status.detail ? nlohmann::ordered_json(*status.detail)
                                                         : nlohmann::ordered_json(nullptr)}};
            if (!status.ok) {
                any_failing = true;
                critical_failing = critical_failing || critical;
            }
        };
        report("database", true,
               database->get(0, [&context] { return probe_database(context.repo); }));
        for (const auto& component : context.health_components) {
            HealthStatus status;
            try {
                status = component.probe();
            } catch (const std::exception& error) {
                status = {false, std::string(error.what())};
            }
            report(component.name, component.critical, status);
        }
        const char* tier = critical_failing ? "unhealthy" : any_failing ? "degraded" : "healthy";
        nlohmann::ordered_json body = {{"status", tier}, {"components", components}};
        return Response::json(body.dump(), critical_failing ? 503 : 200);
    };
    return {std::move(route)};
}

}  // namespace decnet::api
