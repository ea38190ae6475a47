#include "api/api_service.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "api/api_routes.hpp"
#include "api/auth/jwt_secret.hpp"
#include "api/db_fleet_control.hpp"
#include "api/log_feed.hpp"
#include "api/metrics/metrics_endpoint.hpp"
#include "api/resources/ops_resources.hpp"
#include "api/security_events.hpp"
#include "api/server/static_site.hpp"
#include "api/validation.hpp"
#include "engine/network_detect.hpp"
#include "store/repository.hpp"
#include "telemetry/metrics.hpp"

namespace decnet::api {
namespace {

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

// §9: booleans are true only for the case-insensitive string "true".
bool env_true(const char* name) {
    auto value = env(name).value_or("");
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return value == "true";
}

long long env_int(const char* name, long long fallback, long long min, long long max) {
    const auto value = env(name);
    if (!value || value->empty()) return fallback;
    try {
        std::size_t used = 0;
        const long long n = std::stoll(*value, &used);
        if (used == value->size() && n >= min && n <= max) return n;
    } catch (const std::exception&) {
    }
    throw std::runtime_error(std::string(name) + " must be an integer in " + std::to_string(min) +
                             ".." + std::to_string(max) + ", got '" + *value + "'");
}

std::vector<std::string> split_origins(const std::string& list) {
    std::vector<std::string> origins;
    std::size_t start = 0;
    while (start <= list.size()) {
        auto end = list.find(',', start);
        if (end == std::string::npos) end = list.size();
        auto item = list.substr(start, end - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) origins.push_back(item);
        start = end + 1;
    }
    return origins;
}

}  // namespace

ApiServiceConfig api_config_from_environment(const std::string& state_dir) {
    ApiServiceConfig config;
    auto& s = config.settings;
    s.host = env("DECNET_API_HOST").value_or("127.0.0.1");
    s.port = static_cast<int>(env_int("DECNET_API_PORT", 8000, 1, 65535));
    s.developer_mode = env_true("DECNET_DEVELOPER");
    s.contract_test = env_true("DECNET_CONTRACT_TEST");
    if (auto origins = env("DECNET_CORS_ORIGINS")) {
        s.cors_origins = split_origins(*origins);
    } else {
        auto web_host = env("DECNET_WEB_HOST").value_or("127.0.0.1");
        const auto web_port = env_int("DECNET_WEB_PORT", 8080, 1, 65535);
        if (web_host == "0.0.0.0" || web_host == "127.0.0.1" || web_host == "::")
            web_host = "localhost";
        s.cors_origins = {"http://" + web_host + ":" + std::to_string(web_port)};
    }
    if (auto user = env("DECNET_ADMIN_USER"); user && !user->empty()) config.admin_user = *user;
    if (auto password = env("DECNET_ADMIN_PASSWORD")) config.admin_password = *password;

    auto& a = config.auth;
    a.jwt_secret = auth::resolve_jwt_secret(state_dir, s.developer_mode);
    a.token_lifetime = std::chrono::minutes(env_int("DECNET_JWT_EXPIRE_MINUTES", 1440, 1, 525600));
    a.rate_limit.max_failures_per_ip =
        static_cast<int>(env_int("DECNET_LOGIN_MAX_FAILURES_PER_IP", 30, 0, 1'000'000));
    a.rate_limit.max_failures_per_user =
        static_cast<int>(env_int("DECNET_LOGIN_MAX_FAILURES_PER_USER", 10, 0, 1'000'000));
    a.rate_limit.window = std::chrono::seconds(env_int("DECNET_LOGIN_WINDOW_SEC", 60, 1, 86400));
    a.crypto_max_queued =
        static_cast<std::size_t>(env_int("DECNET_CRYPTO_MAX_QUEUED", 64, 1, 100'000));
    if (!state_dir.empty()) config.artifact_dir = state_dir + "/artifacts";
    return config;
}

struct ApiService::Detector {
    engine::SystemNetworkDetector system;
};

ApiService::ApiService(store::Repository& repo, ApiServiceConfig config, FleetControl* fleet)
    : detector_(std::make_unique<Detector>()) {
    set_developer_validation_errors(config.settings.developer_mode);
    auth_ = std::make_unique<auth::AuthService>(repo, config.auth);
    auth_->seed_admin(config.admin_user, config.admin_password);
    if (fleet == nullptr) {
        DbFleetOptions options;
        options.ingest_log_file = env("DECNET_INGEST_LOG_FILE");
        owned_fleet_ = std::make_unique<DbFleetControl>(repo, detector_->system, options);
        fleet = owned_fleet_.get();
    }
    context_ = std::make_unique<ApiContext>(
        ApiContext{repo, config.settings, fleet, nullptr, auth_.get()});
    context_->health_components = std::move(config.health);
    context_->log_feed = config.log_feed;
    context_->artifact_dir = config.artifact_dir;
    context_->alerts_json = config.alerts_json;
    security_events_ = std::make_unique<SecurityEvents>(config.publish_event
                                                            ? std::move(config.publish_event)
                                                            : SecurityEvents::store_directly(repo),
                                                        SecurityEvents::local_host_name());
    context_->security_events = security_events_.get();
    if (!context_->log_feed) {
        owned_feed_ = std::make_unique<LogFeed>();
        poller_ = std::make_unique<LogFeedPoller>(repo, *owned_feed_);
        context_->log_feed = owned_feed_.get();
    }
    // The dashboard on the same origin; /openapi.json at the root in developer mode as
    // the reference's framework served it (always under /api/v1).
    auto site = std::make_shared<StaticSite>(
        config.web_root.empty() ? default_web_root() : std::filesystem::path(config.web_root));
    // GET /metrics sits outside /api/v1 where Prometheus expects it; the context is
    // owned by this service and outlives the server that calls this.
    auto collectors = std::move(config.metrics);
    collectors.push_back(telemetry::metrics::collect_tracing);
    collectors.push_back([context = context_.get()](telemetry::metrics::Scrape& scrape) {
        collect_api(*context, scrape);
    });
    config.server.outside_api =
        [site, developer = config.settings.developer_mode,
         access = metrics_access_from_environment(),
         collectors = std::move(collectors)](const Request& request) -> std::optional<Response> {
        if (request.path == "/metrics")
            return metrics_response(request, access, [&collectors] {
                return telemetry::metrics::registry().render(collectors);
            });
        if (developer && request.path == "/openapi.json" && request.method == "GET")
            return Response::json(openapi_document());
        return site->serve(request);
    };
    config.server.data_version = [&repo] { return repo.data_version(); };
    config.server.host = config.settings.host;
    config.server.port = static_cast<unsigned short>(config.settings.port);
    server_ = std::make_unique<ApiServer>(all_routes(*context_), *auth_,
                                          CorsPolicy{config.settings.cors_origins}, config.server);
}

ApiService::~ApiService() {
    if (server_) server_->stop();
    if (poller_) poller_->stop();
}

void ApiService::start() {
    if (poller_) poller_->start();
    server_->start();
}
void ApiService::stop() {
    server_->stop();
    if (poller_) poller_->stop();
}
std::string ApiService::url() const {
    return server_->url();
}

}  // namespace decnet::api
