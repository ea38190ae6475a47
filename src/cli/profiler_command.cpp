// `decnet profiler`: the attacker profiler on its own, following a store that another
// process (`decnet collect`, an instance) writes (docs/PROFILES.md). `decnet up` and
// `decnet deploy` run the same worker next to their ingester; run one profiler per store.
#include <CLI/CLI.hpp>

#include <condition_variable>
#include <iostream>
#include <mutex>

#include "cli/command_tracing.hpp"
#include "cli/commands.hpp"
#include "cli/signal_waiter.hpp"
#include "core/error.hpp"
#include "intel/geoip/geoip.hpp"
#include "intel/profiler/profile_worker.hpp"
#include "store/database.hpp"

namespace decnet::cli {
namespace {

struct ProfilerOptions {
    std::string db;
    double interval = 1.0;
    bool daemon = false;
    bool once = false;
};

int run_profiler(const ProfilerOptions& options) {
    std::mutex mutex;
    std::condition_variable stopped;
    bool stop_requested = false;
    SignalWaiter signals([&] {
        const std::lock_guard lock(mutex);
        stop_requested = true;
        stopped.notify_all();
    });
    const CommandTracing tracing;
    std::unique_ptr<store::Repository> repository;
    try {
        repository =
            store::open_repository(options.db.empty() ? std::nullopt : std::optional(options.db));
    } catch (const store::StoreError& e) {
        throw ConfigError(e.what());
    }
    intel::ProfileWorkerOptions worker_options;
    worker_options.geoip = intel::geoip::settings_from_environment();
    worker_options.poll_interval =
        std::chrono::milliseconds(static_cast<std::int64_t>(options.interval * 1000));
    if (options.once) {
        // Everything stored so far, then exit (scripts, tests).
        intel::ProfileWorker worker(*repository, worker_options);
        const auto through = repository->max_log_id();
        std::size_t rows = 0;
        for (int i = 0; i < 1000000; ++i) {
            const auto n = worker.catch_up(through);
            rows += n;
            if (n == 0) break;
        }
        worker.link_identities(true);
        const auto s = worker.stats();
        std::cout << "decnet profiler: " << rows << " rows, " << s.profiles_written
                  << " profiles written, cursor at log id " << s.cursor << ", " << s.identities
                  << " identities." << std::endl;
        return s.errors == 0 ? kExitOk : kExitError;
    }
    intel::ProfilerThread profiler(*repository, worker_options);
    std::cout << "decnet profiler: following the store from log id "
              << profiler.worker().stats().cursor << " every " << options.interval
              << " s — Ctrl+C to stop." << std::endl;
    {
        std::unique_lock lock(mutex);
        stopped.wait(lock, [&] { return stop_requested; });
    }
    return kExitOk;
}

}  // namespace

void add_profiler_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("profiler", "Build attacker profiles from the stored events");
    auto o = std::make_shared<ProfilerOptions>();
    cmd->add_option("--db", o->db, "SQLite database path (default $DECNET_DB_PATH or ./decnet.db)");
    cmd->add_option("--interval,-i", o->interval, "Seconds between rounds")
        ->capture_default_str()
        ->check(CLI::Range(0.05, 3600.0));
    cmd->add_flag("--once", o->once, "Profile everything stored so far, then exit");
    cmd->add_flag("--daemon,-d", o->daemon, "Accepted for compatibility (runs in the foreground)");
    cmd->callback([&exit_code, o] { exit_code = run_profiler(*o); });
}

}  // namespace decnet::cli
