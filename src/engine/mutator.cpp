// Mutation pools, draws and due-ness.
#include "engine/mutator.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <utility>

#include "core/archetypes.hpp"
#include "core/service_catalog.hpp"

namespace decnet::engine {
namespace {

// The reference's bound on redraws before giving up on a pool.
constexpr int kMaxDraws = 21;

std::vector<std::string> narrowed(const std::vector<std::string>& pool,
                                  const ServiceFilter& usable) {
    std::vector<std::string> out;
    for (const auto& slug : pool)
        if (!usable || usable(slug)) out.push_back(slug);
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

}  // namespace

std::vector<std::vector<std::string>> mutation_pools(const DeckyConfig& decky,
                                                     const ServiceFilter& usable) {
    std::vector<std::vector<std::string>> pools;
    if (decky.archetype)
        if (const auto* archetype = find_archetype(*decky.archetype)) {
            auto pool = narrowed(archetype->services, usable);
            if (!pool.empty()) pools.push_back(std::move(pool));
        }
    auto catalogue = narrowed(per_decky_service_slugs(), usable);
    if (!catalogue.empty()) pools.push_back(std::move(catalogue));
    return pools;
}

std::optional<std::vector<std::string>> choose_mutation(const DeckyConfig& decky, Rng& rng,
                                                        const ServiceFilter& usable) {
    const auto current = sorted(decky.services);
    for (const auto& pool : mutation_pools(decky, usable)) {
        const int most = static_cast<int>(std::min<std::size_t>(3, pool.size()));
        for (int draw = 0; draw < kMaxDraws; ++draw) {
            auto chosen = sorted(rng.sample(pool, static_cast<std::size_t>(rng.between(1, most))));
            if (chosen != current && !services_share_a_port(chosen)) return chosen;
        }
        // Unlucky draws from a pool that does hold another set: take the first single one.
        for (const auto& slug : pool)
            if (std::vector<std::string>{slug} != current) return std::vector<std::string>{slug};
    }
    return std::nullopt;
}

double mutate_minute_seconds() {
    if (const char* text = std::getenv("DECNET_MUTATE_MINUTE_SECONDS"); text && *text) {
        const double value = std::strtod(text, nullptr);
        if (value > 0) return value;
    }
    return 60.0;
}

bool mutation_due(const DeploymentConfig& config, const DeckyConfig& decky, double now,
                  double minute_seconds) {
    const double interval = config.effective_mutate_interval(decky) * minute_seconds;
    return now - decky.last_mutated >= interval;
}

}  // namespace decnet::engine
