// A running decnet instance: deckies, event bus, ingester, sinks, control socket, mutator
// and state file — what `up` runs in the foreground and `deploy` runs as a daemon.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "engine/decky_networking.hpp"
#include "engine/deployment_plan.hpp"
#include "engine/state_dir.hpp"
#include "honeypot/runtime.hpp"

namespace CLI {
class App;
}

namespace decnet::cli {

struct InstanceOptions {
    std::string db;               // empty: $DECNET_DB_PATH or ./decnet.db
    std::string api_host;         // empty: $DECNET_API_HOST or 127.0.0.1
    int api_port = 0;             // 0: $DECNET_API_PORT or 8000
    bool no_api = false;          // --no-api: deckies and ingestion only
    std::string state_dir;        // empty: engine::default_state_dir()
    std::string user = "nobody";  // run as this user once bound (when started as root)
};

// --db, --api-host, --api-port, --no-api, --state-dir, --user (shared by `up` and `deploy`).
std::shared_ptr<InstanceOptions> add_instance_flags(CLI::App& command);

// How the caller hears about start-up: `up` prints to the terminal, a daemon writes to the
// pipe its parent waits on.
struct InstanceHooks {
    std::function<void(std::size_t done, std::size_t total)> progress;  // after each decky
    // `api_url` is "http://host:port" of the REST API and dashboard, empty with --no-api.
    std::function<void(const honeypot::DeployReport&, const engine::StatePaths&,
                       const std::string& api_url)>
        ready;
    // netns mode: called once the state dir is locked, before deckies bind; creates their
    // namespaces and sets the runtime's socket opener. The fleet uses the result for
    // deckies added or removed later; it is released after the runtime stops (that
    // removes the namespaces).
    std::function<std::shared_ptr<engine::DeckyNetworking>(honeypot::Runtime&,
                                                           const engine::StatePaths&)>
        prepare_network;
};

// Runs until SIGINT/SIGTERM or a `shutdown` control request, then stops cleanly and
// removes its state file, control socket and pid file. Throws ConfigError for start-up
// failures (another instance on this state dir, a port taken, the store unreachable).
int run_instance(const engine::DeploymentPlan& plan, const InstanceOptions& options,
                 const InstanceHooks& hooks);

}  // namespace decnet::cli
