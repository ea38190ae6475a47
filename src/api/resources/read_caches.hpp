// The response caches of the read resources (api.md §7, perf.md §3): one single-flight
// TTL cache per cached response, each with one entry. Owned by the ApiContext, so per
// process. TTLs are settable for tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

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
    explicit ReadCaches(const ReadCacheTtls& ttls = {})
        : stats(ttls.stats),
          logs_total(ttls.logs_total),
          attackers_total(ttls.attackers_total),
          bounty_default(ttls.bounty_default),
          histogram_default(ttls.histogram_default),
          deckies(ttls.deckies) {}

    // Single-entry caches use key 0.
    SingleFlightCache<int, std::string> stats;              // whole /stats body
    SingleFlightCache<int, std::int64_t> logs_total;        // unfiltered COUNT(*) of logs
    SingleFlightCache<int, std::int64_t> attackers_total;   // unfiltered COUNT(*) of attackers
    SingleFlightCache<int, std::string> bounty_default;     // /bounty, no filters, 50, 0
    SingleFlightCache<int, std::string> histogram_default;  // no filters, 15 minutes
    SingleFlightCache<int, std::string> deckies;            // whole /deckies body

    void clear() {
        stats.clear();
        logs_total.clear();
        attackers_total.clear();
        bounty_default.clear();
        histogram_default.clear();
        deckies.clear();
    }
};

// The context's caches, created with default TTLs on first use.
ReadCaches& read_caches(ApiContext& context);

}  // namespace decnet::api
