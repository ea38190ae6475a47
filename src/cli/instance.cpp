// The instance's start-up and shutdown order, in one place:
//   lock the state dir → signals → store → bus → ingester → sinks → runtime → deckies
//   → control socket → mutator → ready … stop → (reverse) → state file removed.
#include "cli/instance.hpp"

#include <CLI/CLI.hpp>

#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/signal_waiter.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "engine/control_commands.hpp"
#include "engine/control_server.hpp"
#include "engine/fleet.hpp"
#include "engine/instance_lock.hpp"
#include "engine/mutation_scheduler.hpp"
#include "engine/mutator.hpp"
#include "events/event_bus.hpp"
#include "events/sinks/event_sink.hpp"
#include "events/sinks/file_sinks.hpp"
#include "events/sinks/syslog_forwarder.hpp"
#include "store/database.hpp"
#include "store/ingest/ingester.hpp"

namespace decnet::cli {
namespace {

// Set by a signal or a `shutdown` control request; run_instance waits on it.
class StopRequest {
  public:
    void request() {
        const std::lock_guard lock(mutex_);
        requested_ = true;
        cv_.notify_all();
    }
    void wait() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return requested_; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool requested_ = false;
};

void start_sinks(const DeploymentConfig& config, EventBus& bus, SinkRunner& sinks,
                 const std::string& state_dir) {
    if (config.log_file)
        sinks.start(bus.subscribe("log-file"), std::make_unique<Rfc5424FileSink>(*config.log_file));
    if (config.log_target) {
        SyslogForwarderOptions forward;
        forward.target = *parse_log_target(*config.log_target);
        forward.spool_dir = std::filesystem::path(state_dir) / "spool";
        sinks.start(bus.subscribe("log-target"), std::make_unique<SyslogForwarder>(forward));
    }
}

std::unique_ptr<store::Repository> open_store(const std::string& db) {
    try {
        return store::open_repository(db.empty() ? std::nullopt : std::optional(db));
    } catch (const store::StoreError& e) {
        throw ConfigError(e.what());
    }
}

}  // namespace

std::shared_ptr<InstanceOptions> add_instance_flags(CLI::App& cmd) {
    auto o = std::make_shared<InstanceOptions>();
    cmd.add_option("--db", o->db, "SQLite database path (default $DECNET_DB_PATH or ./decnet.db)");
    cmd.add_option("--api-host", o->api_host, "API listen address")->capture_default_str();
    cmd.add_option("--api-port", o->api_port, "API listen port")->capture_default_str();
    cmd.add_option("--state-dir", o->state_dir,
                   "State directory of this instance (default /run/decnet as root, else "
                   "$XDG_STATE_HOME/decnet)");
    return o;
}

int run_instance(const engine::DeploymentPlan& plan, const InstanceOptions& options,
                 const InstanceHooks& hooks) {
    const auto paths = engine::state_paths(options.state_dir);
    engine::ensure_state_dir(paths);
    const engine::InstanceLock lock(paths.pid_file, paths.dir);

    StopRequest stop;
    SignalWaiter signals([&] { stop.request(); });

    auto repository = open_store(options.db);
    EventBus bus;
    store::Ingester ingester(*repository);
    auto ingest_subscription = bus.subscribe("ingester");
    std::thread ingest_thread([&] { ingester.run(*ingest_subscription); });
    SinkRunner sinks;
    honeypot::Runtime runtime(bus);
    const auto seed = plan.seed ? *plan.seed : Rng::from_entropy().next();
    engine::Fleet fleet(runtime, bus, plan.config, paths, seed);
    std::shared_ptr<void> network;  // netns mode's namespaces, removed after the runtime stops
    try {
        start_sinks(plan.config, bus, sinks, paths.dir);
        if (hooks.prepare_network) network = hooks.prepare_network(runtime, paths);
        runtime.start();
        const auto report = fleet.deploy(hooks.progress);
        engine::ControlServer control(paths.control_socket, [&](std::string_view request) {
            return engine::handle_control_request(fleet, request, [&] { stop.request(); });
        });
        const engine::MutationScheduler mutator(fleet, engine::mutate_minute_seconds());
        // The coordinator mounts the REST API here (options.api_host/api_port, `fleet`).
        if (hooks.ready) hooks.ready(report, paths);
        stop.wait();
    } catch (...) {
        runtime.stop();
        network.reset();
        fleet.remove_state_file();
        bus.close();
        ingest_thread.join();
        throw;
    }
    runtime.stop();
    network.reset();
    fleet.remove_state_file();
    bus.close();
    ingest_thread.join();
    sinks.stop();
    const auto r = runtime.stats();
    const auto i = ingester.stats();
    std::cout << "decnet stopped: " << r.sessions_total << " sessions, " << i.stored
              << " events stored, " << i.bounties << " bounties." << std::endl;
    return 0;
}

}  // namespace decnet::cli
