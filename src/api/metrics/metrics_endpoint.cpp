// GET /metrics access rules and the API's collectors (docs/METRICS.md).
#include "api/metrics/metrics_endpoint.hpp"

#include <malloc.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

#include "api/api_context.hpp"
#include "api/auth/auth_service.hpp"
#include "api/resources/read_caches.hpp"
#include "api/stream_hub.hpp"
#include "store/sqlite/memory.hpp"
#include "telemetry/metrics.hpp"

namespace decnet::api {
namespace {

namespace m = telemetry::metrics;

bool constant_time_equal(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

void add_cache(m::Scrape& scrape, const char* name, std::uint64_t hits, std::uint64_t misses) {
    auto& h = scrape.family("decnet_cache_hits_total", "API cache hits, by cache", m::Type::counter,
                            {"cache"});
    scrape.add(h, {name}, static_cast<double>(hits));
    auto& missed = scrape.family("decnet_cache_misses_total", "API cache misses, by cache",
                                 m::Type::counter, {"cache"});
    scrape.add(missed, {name}, static_cast<double>(misses));
}
void add_cache(m::Scrape& scrape, const char* name, const auth::AuthService::CacheCounts& c) {
    add_cache(scrape, name, c.hits, c.misses);
}
template <class Cache>
void add_cache(m::Scrape& scrape, const char* name, const Cache& cache) {
    add_cache(scrape, name, cache.hits(), cache.misses());
}

// glibc's mallinfo2 walks the arenas under their locks: fine at scrape time. Another
// allocator in front of glibc's (AddressSanitizer's, a preloaded one) leaves it all zero:
// nothing to report then, rather than a false 0.
std::optional<double> heap_in_use_bytes() {
    const auto info = mallinfo2();
    if (info.arena == 0 && info.hblkhd == 0) return std::nullopt;
    return static_cast<double>(info.uordblks + info.hblkhd);
}

}  // namespace

MetricsAccess metrics_access_from_environment() {
    MetricsAccess access;
    if (const char* value = std::getenv("DECNET_METRICS_PUBLIC")) {
        std::string v = value;
        std::transform(v.begin(), v.end(), v.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        access.public_access = v == "true";
    }
    if (const char* token = std::getenv("DECNET_METRICS_TOKEN")) access.token = token;
    return access;
}

bool is_loopback_peer(const std::string& peer_ip) {
    // Exactly the host's own loopback address: other 127/8 sources are the loopback
    // deckies' addresses, which attackers' traffic may carry in loopback mode.
    return peer_ip == "127.0.0.1" || peer_ip == "::1" || peer_ip == "::ffff:127.0.0.1";
}

Response metrics_response(const Request& request, const MetricsAccess& access,
                          const std::function<std::string()>& render) {
    if (request.method != "GET")
        return Response::detail(405, "Method Not Allowed").with_header("Allow", "GET");
    if (!access.public_access && !is_loopback_peer(request.peer_ip))
        return Response::detail(403, "Metrics are served to loopback clients only");
    if (!access.token.empty()) {
        const auto header = request.header("authorization");
        if (!header || !header->starts_with("Bearer ") ||
            !constant_time_equal(header->substr(7), access.token))
            return Response::detail(401, "Could not validate credentials")
                .with_header("WWW-Authenticate", "Bearer");
    }
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = render();
    return response;
}

void collect_api(const ApiContext& context, m::Scrape& scrape) {
    if (context.auth) {
        auto& depth = scrape.family("decnet_crypto_pool_queued",
                                    "bcrypt jobs waiting for a crypto pool thread", m::Type::gauge);
        scrape.add(depth, {}, static_cast<double>(context.auth->crypto_pool().queued()));
        for (const auto& cache : context.auth->cache_counts()) add_cache(scrape, cache.name, cache);
    }
    if (const auto caches = context.read_caches) {
        add_cache(scrape, "responses", caches->responses);
        add_cache(scrape, "stats", caches->stats);
        add_cache(scrape, "logs_total", caches->logs_total);
        add_cache(scrape, "attackers_total", caches->attackers_total);
        add_cache(scrape, "bounty_default", caches->bounty_default);
        add_cache(scrape, "histogram_default", caches->histogram_default);
        add_cache(scrape, "deckies", caches->deckies);
    }
    if (const auto hub = context.stream_hub) {
        const auto s = hub->stats();
        auto one = [&](const char* name, const char* help, m::Type type, std::uint64_t value) {
            scrape.add(scrape.family(name, help, type), {}, static_cast<double>(value));
        };
        one("decnet_sse_clients", "Live /stream clients", m::Type::gauge, s.open);
        one("decnet_sse_clients_opened_total", "/stream clients ever opened", m::Type::counter,
            s.opened);
        one("decnet_sse_clients_dropped_slow_total",
            "/stream clients dropped because their send buffer was full", m::Type::counter,
            s.dropped_slow);
        one("decnet_sse_rows_sent_total", "Log rows sent to /stream clients", m::Type::counter,
            s.rows_sent);
    }
    // The allocator's live bytes: what the RSS holds beyond them is freed memory the
    // allocator keeps (a graph of the RSS alone cannot tell that from a leak).
    if (const auto heap = heap_in_use_bytes())
        scrape.add(scrape.family("decnet_heap_in_use_bytes",
                                 "Bytes allocated and not freed (malloc arenas and mmapped chunks)",
                                 m::Type::gauge),
                   {}, *heap);
    // Process-wide (the API's read connections and, under `decnet up`, the ingester's);
    // only with DECNET_SQLITE_MEMSTATUS=true.
    if (const auto bytes = store::sqlite::memory_used())
        scrape.add(
            scrape.family("decnet_sqlite_memory_bytes",
                          "Bytes SQLite holds (page caches, schemas, statements)", m::Type::gauge),
            {}, static_cast<double>(*bytes));
}

}  // namespace decnet::api
