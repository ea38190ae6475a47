// ApiService: the whole REST API as one object — auth (with admin seeding), the fleet
// control, the routes and the HTTP server — configured from the environment (api.md §9).
// `decnet api` runs one on its own; `decnet up` embeds one with its live fleet.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/api_context.hpp"
#include "api/auth/auth_service.hpp"
#include "api/server/api_server.hpp"
#include "events/event.hpp"

namespace decnet::store {
class Repository;
}
namespace decnet::telemetry::metrics {
class Scrape;
}

namespace decnet::api {

class FleetControl;
class LogFeed;
class LogFeedPoller;
class SecurityEvents;

struct ApiServiceConfig {
    ApiSettings settings;
    auth::AuthSettings auth;  // jwt_secret filled by api_config_from_environment
    std::string admin_user = "admin";
    std::string admin_password = "admin";
    ServerOptions server;
    // /health components beyond the database (the ingester, bus, runtime of `decnet up`).
    std::vector<HealthComponent> health;
    // Scrape-time collectors GET /metrics adds to the process registry and the API's own
    // (the bus, runtime and ingester of `decnet up`); run on an I/O thread while the
    // service lives, so what they read must outlive it.
    std::vector<std::function<void(telemetry::metrics::Scrape&)>> metrics;
    // Committed log rows for GET /stream: `decnet up` passes the feed its ingester
    // publishes into; null (standalone `decnet api`) → one shared poller of the store.
    LogFeed* log_feed = nullptr;
    // Where the API's own security events go (`decnet up`: its EventBus); empty → stored
    // directly in the repository.
    std::function<void(Event)> publish_event;
    // The webhook alert targets GET /config shows admins (a JSON array, secrets left out):
    // `decnet up`'s alert dispatcher; empty → no "alerts" key.
    std::string alerts_json;
    // The artifact store's directory; api_config_from_environment sets <state dir>/artifacts.
    std::string artifact_dir;
    // The built dashboard; empty → default_web_root() (DECNET_WEB_DIST, ./web/dist, or
    // web/dist beside the binary's directory).
    std::string web_root;
};

// Reads DECNET_API_HOST/PORT, DECNET_DEVELOPER, DECNET_CONTRACT_TEST, DECNET_WEB_HOST/PORT,
// DECNET_CORS_ORIGINS, DECNET_ADMIN_USER/PASSWORD, DECNET_JWT_SECRET (or the generated
// secret in `state_dir`), DECNET_JWT_EXPIRE_MINUTES and the DECNET_LOGIN_* throttling
// knobs. Throws std::runtime_error naming the bad variable. The artifact directory is
// `state_dir`/artifacts, where the instance's artifact store keeps payloads.
ApiServiceConfig api_config_from_environment(const std::string& state_dir);

class ApiService {
  public:
    // Seeds the admin (synchronous bcrypt) and binds the listener; throws
    // std::runtime_error when the address is taken. `fleet` null: a DbFleetControl over
    // `repo` (the standalone API).
    ApiService(store::Repository& repo, ApiServiceConfig config, FleetControl* fleet = nullptr);
    ~ApiService();

    void start();
    void stop();
    std::string url() const;
    auth::AuthService& auth() { return *auth_; }

  private:
    struct Detector;
    std::unique_ptr<Detector> detector_;  // first: the owned fleet control uses it
    std::unique_ptr<auth::AuthService> auth_;
    std::unique_ptr<FleetControl> owned_fleet_;
    std::unique_ptr<LogFeed> owned_feed_;
    std::unique_ptr<LogFeedPoller> poller_;  // only with owned_feed_
    std::unique_ptr<SecurityEvents> security_events_;
    std::unique_ptr<ApiContext> context_;
    std::unique_ptr<ApiServer> server_;
};

}  // namespace decnet::api
