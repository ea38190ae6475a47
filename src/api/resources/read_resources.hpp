// Routes of the read resources and the fleet (api.md §1.3–§1.13): one builder per
// resource file. The fleet and stats builders need ApiContext::fleet set.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/route.hpp"

namespace decnet::store {
class Repository;
struct LogFilter;
}  // namespace decnet::store

namespace decnet::api {

struct ApiContext;

std::vector<Route> log_routes(ApiContext& context);        // GET /logs
std::vector<Route> histogram_routes(ApiContext& context);  // GET /logs/histogram
std::vector<Route> bounty_routes(ApiContext& context);     // GET /bounty
std::vector<Route> artifact_routes(ApiContext& context);   // /artifacts, /artifacts/{sha256}
std::vector<Route> recording_routes(ApiContext& context);  // GET /recordings/{sha256}
std::vector<Route> decky_routes(ApiContext& context);      // /deckies, deploy, mutate, interval
std::vector<Route> attacker_routes(ApiContext& context);   // /attackers, detail, commands
std::vector<Route> stats_routes(ApiContext& context);      // GET /stats
std::vector<Route> identity_routes(ApiContext& context);   // /identities, /identities/{id}

// The data of /stats and of /logs/histogram, uncached (the SSE stream's frames).
std::string stats_json(ApiContext& context);
std::string histogram_json(store::Repository& repo, const store::LogFilter& filter,
                           int interval_minutes);

// One artifact's bytes from the store; nullopt when the name is not a hash or the file is
// not there. Throws ApiError 500 past the serving limit.
std::optional<std::string> stored_artifact(const ApiContext& context, const std::string& sha256);

// All of the above.
std::vector<Route> read_resource_routes(ApiContext& context);

}  // namespace decnet::api
