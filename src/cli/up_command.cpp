// `decnet up`: everything in the foreground — deckies, the event bus, the ingester into
// the store, file/syslog sinks. What `make run` starts. Ctrl+C or SIGTERM stops cleanly.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/commands.hpp"
#include "cli/deploy_options.hpp"
#include "cli/signal_waiter.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"
#include "core/service_catalog.hpp"
#include "events/event_bus.hpp"
#include "events/sinks/event_sink.hpp"
#include "events/sinks/file_sinks.hpp"
#include "events/sinks/syslog_forwarder.hpp"
#include "honeypot/runtime.hpp"
#include "honeypot/service_registry.hpp"
#include "store/database.hpp"
#include "store/ingest/ingester.hpp"

namespace decnet::cli {
namespace {

struct UpOptions {
    std::string db;
    std::string api_host = "127.0.0.1";
    int api_port = 8000;
    std::string state_dir;
};

// Until every emulator exists, the embedded default deploys what is implemented.
std::string implemented_services() {
    std::string out;
    for (const auto& slug : per_decky_service_slugs())
        if (honeypot::find_service_handler(slug)) out += (out.empty() ? "" : ",") + slug;
    return out;
}

void print_listeners(const honeypot::DeployReport& report) {
    Table table("Listening", {"Decky", "Address", "Service"});
    for (const auto& l : report.listening)
        table.add_row(
            {l.decky, l.ip + ":" + std::to_string(l.port) + "/" + l.transport, l.service});
    std::cout << table.render();
    if (!report.unavailable.empty()) {
        std::cout << "Not emulated yet (skipped):";
        for (const auto& u : report.unavailable) std::cout << " " << u;
        std::cout << "\n";
    }
}

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

std::string default_state_dir() {
    if (geteuid() == 0) return "/run/decnet";
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg)
        return std::string(xdg) + "/decnet";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.local/state/decnet";
    return ".decnet";
}

int run_up(DeployFlags& flags, const UpOptions& options) {
    std::mutex mutex;
    std::condition_variable stopped;
    bool stop_requested = false;
    SignalWaiter signals([&] {
        const std::lock_guard lock(mutex);
        stop_requested = true;
        stopped.notify_all();
    });

    const auto plan = make_plan(flags.options);
    print_plan(plan, flags.json);
    if (flags.dry_run) return kExitOk;
    const auto state_dir = options.state_dir.empty() ? default_state_dir() : options.state_dir;

    std::unique_ptr<store::Repository> repository;
    try {
        repository =
            store::open_repository(options.db.empty() ? std::nullopt : std::optional(options.db));
    } catch (const store::StoreError& e) {
        throw ConfigError(e.what());
    }
    EventBus bus;
    store::Ingester ingester(*repository);
    auto ingest_subscription = bus.subscribe("ingester");
    std::thread ingest_thread([&] { ingester.run(*ingest_subscription); });
    SinkRunner sinks;
    honeypot::Runtime runtime(bus);
    try {
        start_sinks(plan.config, bus, sinks, state_dir);
        const auto report = runtime.deploy(plan.config);
        runtime.start();
        std::cout << "\n";
        print_listeners(report);
        std::cout << "\nEvents → "
                  << store::resolve_sqlite_path(options.db.empty() ? std::nullopt
                                                                   : std::optional(options.db))
                  << ". REST API and dashboard (" << options.api_host << ":" << options.api_port
                  << "): not available yet.\ndecnet is up — Ctrl+C to stop." << std::endl;
        std::unique_lock lock(mutex);
        stopped.wait(lock, [&] { return stop_requested; });
    } catch (...) {
        bus.close();
        ingest_thread.join();
        throw;
    }
    runtime.stop();
    bus.close();
    ingest_thread.join();
    sinks.stop();
    const auto r = runtime.stats();
    const auto i = ingester.stats();
    std::cout << "decnet stopped: " << r.sessions_total << " sessions, " << i.stored
              << " events stored, " << i.bounties << " bounties." << std::endl;
    return kExitOk;
}

}  // namespace

void add_up_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("up", "Run deckies, ingester and API in the foreground");
    auto flags = add_deploy_flags(*cmd);
    auto o = std::make_shared<UpOptions>();
    cmd->add_option("--db", o->db, "SQLite database path (default $DECNET_DB_PATH or ./decnet.db)");
    cmd->add_option("--api-host", o->api_host, "API listen address")->capture_default_str();
    cmd->add_option("--api-port", o->api_port, "API listen port")->capture_default_str();
    cmd->add_option("--state-dir", o->state_dir, "State directory of this instance");
    cmd->callback([&exit_code, flags, cmd, o] {
        // With no fleet given, `up` brings up the embedded default: 3 loopback deckies
        // running every service that has a native emulator.
        if (!flags->options.config_path && cmd->count("--deckies") == 0) flags->deckies = 3;
        if (!flags->options.config_path && !flags->options.services && !flags->options.archetype &&
            !flags->options.randomize_services)
            flags->options.services = implemented_services();
        flags->finish(*cmd);
        if (!flags->options.config_path && !flags->options.deckies)
            flags->options.deckies = flags->deckies;
        exit_code = run_up(*flags, *o);
    });
}

}  // namespace decnet::cli
