// `decnet api`: the REST API server on its own, over the configured store. Ctrl+C or
// SIGTERM stops it cleanly (running requests finish first).
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>

#include "api/api_service.hpp"
#include "cli/commands.hpp"
#include "cli/signal_waiter.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "intel/geoip/geoip.hpp"
#include "intel/profiler/profile_worker.hpp"
#include "store/database.hpp"
#include "telemetry/log_correlation.hpp"
#include "telemetry/span.hpp"
#include "telemetry/tracing.hpp"

namespace decnet::cli {
namespace {

struct ApiOptions {
    std::string host;
    int port = 0;
    std::string db;
    std::string state_dir;
};

// Where the generated JWT secret lives when DECNET_JWT_SECRET is unset (same places as
// `decnet up` keeps its state).
std::string api_state_dir(const std::string& flag) {
    if (!flag.empty()) return flag;
    if (geteuid() == 0) return "/var/lib/decnet";
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg)
        return std::string(xdg) + "/decnet";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.local/state/decnet";
    return ".decnet";
}

int run_api(const ApiOptions& options) {
    std::mutex mutex;
    std::condition_variable stopped;
    bool stop_requested = false;
    SignalWaiter signals([&] {
        const std::lock_guard lock(mutex);
        stop_requested = true;
        stopped.notify_all();
    });

    // DECNET_TRACING / DECNET_DEVELOPER_TRACING (docs/TRACING.md). Declared before the
    // store and the server, so it outlives them: what they record on the way down is
    // flushed when it ends.
    const telemetry::TracingSession tracing;
    if (telemetry::tracing_enabled()) telemetry::install_log_correlation();

    api::ApiServiceConfig config;
    try {
        config = api::api_config_from_environment(api_state_dir(options.state_dir));
    } catch (const std::exception& e) {
        throw ConfigError(e.what());
    }
    if (!options.host.empty()) config.settings.host = options.host;
    if (options.port != 0) config.settings.port = options.port;

    std::unique_ptr<store::Repository> repository;
    try {
        repository =
            store::open_repository(options.db.empty() ? std::nullopt : std::optional(options.db));
    } catch (const store::StoreError& e) {
        throw ConfigError(e.what());
    }
    // DECNET_EMBED_PROFILER=true: this process also profiles the store (intel.md §0; the
    // reference's flag). Off by default: the instance that ingests runs the profiler.
    std::unique_ptr<intel::ProfilerThread> profiler;
    if (const char* embed = std::getenv("DECNET_EMBED_PROFILER");
        embed && ascii_lower(embed) == "true") {
        intel::ProfileWorkerOptions worker_options;
        worker_options.geoip = intel::geoip::settings_from_environment();
        profiler = std::make_unique<intel::ProfilerThread>(*repository, std::move(worker_options));
    }
    std::unique_ptr<api::ApiService> service;
    try {
        service = std::make_unique<api::ApiService>(*repository, config);
    } catch (const std::runtime_error& e) {
        throw ConfigError(e.what());
    }
    service->start();
    std::cout << "decnet API listening on " << service->url() << "/api/v1 — Ctrl+C to stop."
              << std::endl;
    {
        std::unique_lock lock(mutex);
        stopped.wait(lock, [&] { return stop_requested; });
    }
    service->stop();
    std::cout << "decnet API stopped." << std::endl;
    return kExitOk;
}

}  // namespace

void add_api_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("api", "Run the REST API server");
    auto o = std::make_shared<ApiOptions>();
    auto log_file = std::make_shared<std::string>();
    auto daemon = std::make_shared<bool>(false);
    auto workers = std::make_shared<int>(1);
    cmd->add_option("--host", o->host, "Listen address (default $DECNET_API_HOST or 127.0.0.1)");
    cmd->add_option("--port", o->port, "Listen port (default $DECNET_API_PORT or 8000)")
        ->check(CLI::Range(1, 65535));
    cmd->add_option("--db", o->db, "SQLite database path (default $DECNET_DB_PATH or ./decnet.db)");
    cmd->add_option("--state-dir", o->state_dir, "Where a generated JWT secret is kept");
    cmd->add_option("--log-file", *log_file, "Accepted for compatibility with the reference");
    cmd->add_flag("--daemon,-d", *daemon, "Accepted for compatibility (runs in the foreground)");
    cmd->add_option("--workers,-w", *workers, "Accepted for compatibility; threads = cores");
    cmd->callback([&exit_code, o] { exit_code = run_api(*o); });
}

}  // namespace decnet::cli
