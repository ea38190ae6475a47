// The response caches of the read resources (api.md §7, perf.md §3): one single-flight
// TTL cache per cached response, each with one entry, and in front of them the exact
// ResponseCache keyed by the store's data version. Owned by the ApiContext, so per
// process. TTLs and limits are settable for tests.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "api/response_cache.hpp"
#include "api/single_flight_cache.hpp"

namespace decnet::api {

struct ApiContext;

struct ReadCacheTtls {
    std::chrono::milliseconds stats{5000};
    std::chrono::milliseconds logs_total{2000};
    std::chrono::milliseconds attackers_total{2000};
    std::chrono::milliseconds bounty_default{5000};
    std::chrono::milliseconds histogram_default{5000};
    std::chrono::milliseconds deckies{5000};
};

struct ReadCaches {
    explicit ReadCaches(const ReadCacheTtls& ttls = {}, ResponseCacheLimits limits = {})
        : ttls(ttls),
          responses(limits),
          stats(ttls.stats),
          logs_total(ttls.logs_total),
          attackers_total(ttls.attackers_total),
          bounty_default(ttls.bounty_default),
          histogram_default(ttls.histogram_default),
          deckies(ttls.deckies) {}

    const ReadCacheTtls ttls;
    // Whole GET answers of /logs, /logs/histogram, /bounty and /attackers*, valid while
    // the data version holds (and no longer than the TTL caches they read through).
    ResponseCache responses;
    // Single-entry caches use key 0.
    SingleFlightCache<int, std::string> stats;  // whole /stats body
    // Each value with the data version read just before it was loaded (see ttl_cached).
    template <class Value>
    using Versioned = SingleFlightCache<int, std::pair<std::optional<std::uint64_t>, Value>>;
    Versioned<std::int64_t> logs_total;           // unfiltered COUNT(*) of logs
    Versioned<std::int64_t> attackers_total;      // unfiltered COUNT(*) of attackers
    Versioned<std::string> bounty_default;        // /bounty, no filters, 50, 0
    Versioned<std::string> histogram_default;     // no filters, 15 minutes
    SingleFlightCache<int, std::string> deckies;  // whole /deckies body
    // Counts the times the fleet changed through the API and `deckies` was dropped: a
    // repeated /deckies answer (Response::reuse) holds only while it stands still.
    std::atomic<std::uint64_t> fleet_changes{0};

    void fleet_changed() {
        deckies.clear();
        fleet_changes.fetch_add(1, std::memory_order_release);
    }

    void clear() {
        responses.clear();
        stats.clear();
        logs_total.clear();
        attackers_total.clear();
        bounty_default.clear();
        histogram_default.clear();
        fleet_changed();
    }
};

// The value of a §7 TTL cache, loaded by `load` when missing or expired. When the value
// was loaded at an older data version than the one current now (it is stale, as §7
// allows), the response being rendered is kept by the ResponseCache no longer than `ttl`;
// otherwise it is exact and may stay while the version holds.
template <class Value, class Load>
Value ttl_cached(ReadCaches::Versioned<Value>& cache, std::optional<std::uint64_t> current,
                 std::chrono::milliseconds ttl, Load&& load) {
    auto [loaded_at, value] = cache.get(0, [&] {
        const auto version = current;  // read by the caller before this load: a lower bound
        return std::pair<std::optional<std::uint64_t>, Value>(version, load());
    });
    if (!current || loaded_at != current) limit_cached_age(ttl);
    return value;
}

// The context's caches, created with default TTLs on first use.
ReadCaches& read_caches(ApiContext& context);

}  // namespace decnet::api
