// The mutator's decisions (engine.md §6.6, defects fixed): which services a decky rotates
// to, and when it is due. Pure functions over the config, so they are unit-tested without
// sockets; applying a mutation is Fleet's job.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/rng.hpp"

namespace decnet::engine {

// Whether the runtime can serve a slug (only emulated services can listen today).
using ServiceFilter = std::function<bool(std::string_view slug)>;

// Where new services come from, in order of preference: the decky's archetype services,
// then the whole per-decky catalogue — each narrowed to `usable`.
std::vector<std::vector<std::string>> mutation_pools(const DeckyConfig& decky,
                                                     const ServiceFilter& usable);

// A new set of 1..3 services that differs from the decky's current set (sorted), or
// nullopt when no pool offers a different one. Unlike the reference, which gave up after
// 21 identical draws and kept the same services, it falls back to the next pool.
std::optional<std::vector<std::string>> choose_mutation(const DeckyConfig& decky, Rng& rng,
                                                        const ServiceFilter& usable);

// How many seconds one "minute" of a mutate interval lasts: 60, unless the environment
// variable DECNET_MUTATE_MINUTE_SECONDS shortens it (integration tests use 1).
double mutate_minute_seconds();

// Due when `now - last_mutated ≥ interval`, the interval being the decky's own, else the
// deployment's, else 30 minutes (D4 precedence).
bool mutation_due(const DeploymentConfig& config, const DeckyConfig& decky, double now,
                  double minute_seconds = 60.0);

}  // namespace decnet::engine
