// What every resource handler may use: the store, the settings, and the shared services
// (auth, caches, fleet control) the server owns. Handlers get it by reference when their
// routes are built; it outlives the server.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace decnet::store {
class Repository;
}

namespace decnet::api {

class FleetControl;
class LogFeed;
class SecurityEvents;
class StreamHub;
struct ReadCaches;
namespace auth {
class AuthService;
}

// From the environment (api.md §9) and the command line.
struct ApiSettings {
    std::string host = "127.0.0.1";
    int port = 8000;
    bool developer_mode = false;  // DECNET_DEVELOPER=true
    bool contract_test = false;   // DECNET_CONTRACT_TEST=true
    // DECNET_CORS_ORIGINS, else http://<web host>:<DECNET_WEB_PORT> (api.md §0.5).
    std::vector<std::string> cors_origins{"http://localhost:8080"};
};

// One component of GET /health (api.md §4): a probe that must be cheap (atomics, or a
// cached DB call) because /health is polled. `critical` failures make the answer 503.
struct HealthStatus {
    bool ok = false;
    std::optional<std::string> detail;  // null when ok
};
struct HealthComponent {
    std::string name;
    bool critical = false;
    std::function<HealthStatus()> probe;
};

struct ApiContext {
    store::Repository& repo;
    ApiSettings settings;
    // The one source of truth for the fleet (/deckies, /stats decky counts, deploy,
    // mutate): the DB-backed DbFleetControl under `decnet api`, the live runtime's under
    // `decnet up`. Not owned; must be set before the fleet and stats routes are built.
    FleetControl* fleet = nullptr;
    // Response caches of the read resources (api.md §7), created by the first route
    // builder that needs them; per process because the context is.
    std::shared_ptr<ReadCaches> read_caches{};
    // Tokens, user caches, the crypto pool and login throttling (api/auth/). Not owned;
    // set before the auth, users and config routes are built.
    auth::AuthService* auth = nullptr;
    // Components /health reports after `database` (which the health resource probes
    // itself): the ingester, the event bus, the decky runtime, the workers. Whoever runs
    // them registers them (decnet up / decnet api) before the routes are built.
    std::vector<HealthComponent> health_components{};
    // Committed log rows as they are stored (the ingester's under `decnet up`, a shared
    // poller's under `decnet api`). Not owned; GET /stream is served only when set.
    LogFeed* log_feed = nullptr;
    // The live streams, created by stream_routes (kept here for its counters).
    std::shared_ptr<StreamHub> stream_hub{};
    // Events about attacks on the API itself (login lockouts). Not owned; may be null.
    SecurityEvents* security_events = nullptr;
    // The artifact store's directory (<state dir>/artifacts) GET /artifacts/{sha256}
    // reads; empty: no payload is downloadable.
    std::string artifact_dir{};
    // The instance's webhook targets for GET /config (admins; secrets never included), as a
    // JSON array; empty: alerts are not configured here.
    std::string alerts_json{};
};

}  // namespace decnet::api
