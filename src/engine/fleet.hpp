// Fleet: the running instance's deckies as one object that the control socket, the
// mutation scheduler and the REST API all drive. It keeps the deployment config, the
// runtime's listeners and the state file in step; every change is one locked operation.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/rng.hpp"
#include "engine/decky_networking.hpp"
#include "engine/instance_state.hpp"
#include "engine/state_dir.hpp"
#include "honeypot/runtime.hpp"

namespace decnet {
class EventBus;
}

namespace decnet::engine {

struct MutationResult {
    std::string decky;
    bool ok = false;
    std::string error;  // when !ok: "Decky 'x' not found.", "no other services…"
    std::vector<std::string> old_services;
    std::vector<std::string> new_services;
};

class Fleet {
  public:
    // `paths` says where the state file goes; `seed` drives mutation draws.
    Fleet(honeypot::Runtime& runtime, EventBus& bus, DeploymentConfig config, StatePaths paths,
          std::uint64_t seed);

    // netns mode: the deckies' namespaces. Set before deploy(); the object must outlive
    // every later fleet change (nullptr detaches it). Without it deckies have no network
    // of their own and no MAC.
    void set_networking(DeckyNetworking* networking);

    // Binds every decky, calling `progress(done, total)` after each; all-or-nothing (throws
    // ConfigError naming the decky and port). Writes the state file on success.
    honeypot::DeployReport deploy(const std::function<void(std::size_t, std::size_t)>& progress);

    // The fleet as the state file and `decnet status` show it, with live event counts.
    InstanceState snapshot() const;
    std::vector<DeckyState> deckies() const;
    std::optional<DeckyState> decky(std::string_view name) const;

    // A copy of the deployment as it is now (mutations and added deckies included), e.g.
    // for the REST API's decky objects.
    DeploymentConfig config() const;

    // Adds a decky (its network first, in netns mode) and starts its listeners; throws
    // ConfigError (name taken, bad name, port unavailable) with nothing left behind. For
    // the REST API.
    DeckyState add_decky(DeckyConfig decky);
    // Stops the decky's listeners (open sessions may finish), removes its network (netns
    // mode) and drops it from the state.
    bool remove_decky(std::string_view name);
    // Rotates the decky's services now: draws a different set, swaps its listeners live,
    // persists the state, and publishes a `mutation` event with old and new services.
    MutationResult mutate_decky(std::string_view name);
    // Every decky now (forced), or only those whose interval has elapsed.
    std::vector<MutationResult> mutate_all();
    std::vector<MutationResult> mutate_due(double now, double minute_seconds);
    // Per-decky interval in minutes (nullopt: the deployment's applies). False if unknown.
    bool set_mutate_interval(std::string_view name, std::optional<int> minutes);
    // Global interval in minutes (nullopt: 30).
    void set_global_mutate_interval(std::optional<int> minutes);

    // Rewrites the state file when event counts moved since the last write.
    void refresh_state_file();
    void remove_state_file();
    const StatePaths& paths() const { return paths_; }

  private:
    DeckyState describe(const DeckyConfig& decky,
                        const std::vector<honeypot::DeckyRuntimeInfo>& live) const;
    InstanceState snapshot_locked() const;
    void write_state_locked();
    MutationResult mutate_locked(std::string_view name, double now);

    honeypot::Runtime& runtime_;
    EventBus& bus_;
    StatePaths paths_;
    std::string started_at_;
    mutable std::mutex mutex_;
    DeploymentConfig config_;                // guarded by mutex_
    DeckyNetworking* networking_ = nullptr;  // guarded by mutex_
    Rng rng_;                                // guarded by mutex_
    std::uint64_t events_written_ = 0;       // guarded by mutex_
};

// "now" as the mutator and state file count it: epoch seconds, read from the wall clock
// once per process and then advanced by steady_clock, so a mutation interval is real time:
// a wall clock stepped back does not stall the mutator, stepped forward does not make every
// decky due at once (tests/integration/cli_faults_test.cpp steps it under libfaketime).
double epoch_seconds();

}  // namespace decnet::engine
