// GET /metrics: who may scrape (loopback by default, DECNET_METRICS_PUBLIC /
// DECNET_METRICS_TOKEN) and the API's own scrape-time collectors (crypto pool, response
// caches, SSE streams). The registry and text format are telemetry/metrics.hpp.
#pragma once

#include <functional>
#include <string>

#include "api/http_message.hpp"

namespace decnet::telemetry::metrics {
class Scrape;
}

namespace decnet::api {

struct ApiContext;

struct MetricsAccess {
    bool public_access = false;  // DECNET_METRICS_PUBLIC=true: any peer, not only loopback
    std::string token;           // DECNET_METRICS_TOKEN: when set, a Bearer token is required
};
MetricsAccess metrics_access_from_environment();

// 403 for a non-loopback peer unless public; 401 when a token is configured and the
// request lacks it; else 200 text/plain; version=0.0.4 with `render()`.
Response metrics_response(const Request& request, const MetricsAccess& access,
                          const std::function<std::string()>& render);

bool is_loopback_peer(const std::string& peer_ip);

// Reads the context's crypto pool, read caches and stream hub at scrape time. The context
// must outlive the collector's use (the API service owns both).
void collect_api(const ApiContext& context, telemetry::metrics::Scrape& scrape);

}  // namespace decnet::api
