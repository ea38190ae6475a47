// The instance's start-up and shutdown order, in one place:
//   lock the state dir → signals → store → bus → ingester, profiler → sinks → runtime → deckies
//   → control socket → mutator → ready … stop → (reverse) → state file removed.
#include "cli/instance.hpp"

#include <CLI/CLI.hpp>

#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "api/api_service.hpp"
#include "api/live_fleet_control.hpp"
#include "api/log_feed.hpp"
#include "api/resources/resource_json.hpp"
#include "cli/command_tracing.hpp"
#include "cli/instance_privileges.hpp"
#include "cli/signal_waiter.hpp"
#include "cli/sniffer_setup.hpp"
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
#include "intel/alerts/alert_dispatcher.hpp"
#include "intel/attack/attack_tags.hpp"
#include "intel/geoip/geoip.hpp"
#include "intel/prober/prober_config.hpp"
#include "intel/prober/prober_worker.hpp"
#include "intel/profiler/profile_worker.hpp"
#include "store/database.hpp"
#include "store/ingest/ingester.hpp"
#include "telemetry/metrics.hpp"

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

// SIGHUP (logrotate's postrotate): every sink reopens its file and reconnects. The signal
// thread starts before the sinks exist and outlives them, so it reaches them only through
// here, under a lock; a Registration points it at them for the sinks' lifetime.
class HangupTarget {
  public:
    void reopen() {
        const std::lock_guard lock(mutex_);
        if (sinks_) sinks_->reopen();
    }

    class Registration {
      public:
        Registration(HangupTarget& target, SinkRunner& sinks) : target_(target) {
            target_.set(&sinks);
        }
        ~Registration() { target_.set(nullptr); }
        Registration(const Registration&) = delete;
        Registration& operator=(const Registration&) = delete;

      private:
        HangupTarget& target_;
    };

  private:
    void set(SinkRunner* sinks) {
        const std::lock_guard lock(mutex_);
        sinks_ = sinks;
    }

    std::mutex mutex_;
    SinkRunner* sinks_ = nullptr;  // guarded by mutex_
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

// What /health reports besides the database: the ingester (critical: without it nothing
// is stored), the event bus (drops degrade), the decky runtime (critical: it is the product).
std::vector<api::HealthComponent> instance_health(store::Ingester& ingester, EventBus& bus,
                                                  honeypot::Runtime& runtime) {
    std::vector<api::HealthComponent> components;
    components.push_back(
        {"ingestion_worker", true, [&ingester] {
             const auto lost = ingester.stats().lost;
             if (lost == 0) return api::HealthStatus{true, std::nullopt};
             return api::HealthStatus{false, std::to_string(lost) + " events could not be stored"};
         }});
    components.push_back({"event_bus", false, [&bus] {
                              std::uint64_t dropped = 0;
                              for (const auto& s : bus.stats().subscribers) dropped += s.dropped;
                              if (dropped == 0) return api::HealthStatus{true, std::nullopt};
                              return api::HealthStatus{false, std::to_string(dropped) +
                                                                  " events dropped by slow "
                                                                  "subscribers"};
                          }});
    components.push_back({"decky_runtime", true, [&runtime] {
                              const auto listeners = runtime.listeners().size();
                              if (listeners > 0) return api::HealthStatus{true, std::nullopt};
                              return api::HealthStatus{false, "no decky is listening"};
                          }});
    return components;
}

// What GET /metrics reads from this instance at scrape time (docs/METRICS.md). The API
// stops before these objects do, so the references stay valid while it can scrape.
std::vector<telemetry::metrics::Collector> instance_metrics(
    store::Ingester& ingester, EventBus& bus, honeypot::Runtime& runtime,
    intel::ProfileWorker& profiler, const intel::sniffer::SnifferWorker* sniffer,
    const intel::prober::ProberWorker* prober, const intel::alerts::AlertDispatcher& alerts,
    const SinkRunner& sinks) {
    namespace m = telemetry::metrics;
    std::vector<m::Collector> collectors;
    // The event sinks (--log-file, --log-target), by subscription name: what each wrote,
    // spooled, replayed and lost, so a dead collector or a full spool disk shows.
    collectors.emplace_back([&sinks](m::Scrape& scrape) {
        const auto all = sinks.stats();
        if (all.empty()) return;
        auto& events =
            scrape.family("decnet_sink_events_total", "Events an event sink handled, by outcome",
                          m::Type::counter, {"sink", "outcome"});
        auto per_sink = [&](const char* name, const char* help, m::Type type) -> auto& {
            return scrape.family(name, help, type, {"sink"});
        };
        auto& errors = per_sink("decnet_sink_errors_total",
                                "Failed opens, writes, connects and spool I/O of an event sink",
                                m::Type::counter);
        auto& reconnects =
            per_sink("decnet_sink_reconnects_total",
                     "Connections to the syslog target established again", m::Type::counter);
        auto& reopens =
            per_sink("decnet_sink_reopens_total", "Log files reopened (rotation, deletion, SIGHUP)",
                     m::Type::counter);
        auto& spool = per_sink("decnet_sink_spool_bytes",
                               "Bytes waiting in the forwarder's on-disk spool", m::Type::gauge);
        auto& connected = per_sink("decnet_sink_connected",
                                   "1 while the forwarder holds a live connection", m::Type::gauge);
        for (const auto& [name, s] : all) {
            const std::pair<const char*, std::uint64_t> outcomes[] = {
                {"written", s.written},   {"dropped", s.dropped},   {"spooled", s.spooled},
                {"replayed", s.replayed}, {"filtered", s.filtered}, {"truncated", s.truncated}};
            for (const auto& [outcome, value] : outcomes)
                scrape.add(events, {name, outcome}, static_cast<double>(value));
            scrape.add(errors, {name}, static_cast<double>(s.errors));
            scrape.add(reconnects, {name}, static_cast<double>(s.reconnects));
            scrape.add(reopens, {name}, static_cast<double>(s.reopens));
            scrape.add(spool, {name}, static_cast<double>(s.spool_bytes));
            scrape.add(connected, {name}, s.connected ? 1.0 : 0.0);
        }
    });
    // The governed prober, when enabled: what it sent (per probe kind), what the policy and
    // the governance held back, and what is waiting.
    if (prober)
        collectors.emplace_back([prober](m::Scrape& scrape) {
            // The prober's first: a target is counted queued before it is probed, so the
            // depth read this way is never negative.
            const auto probes = prober->prober().stats();
            const auto worker = prober->stats();
            auto per_kind = [&](const char* name, const char* help, auto field) {
                auto& family = scrape.family(name, help, m::Type::counter, {"probe"});
                for (const auto kind : intel::prober::kProbeKinds)
                    scrape.add(family, {std::string(intel::prober::to_string(kind))},
                               static_cast<double>(probes.of(kind).*field));
            };
            using Kind = intel::prober::ProbeKindStats;
            per_kind("decnet_prober_probes_sent_total", "Probes sent (each audited by probe_sent)",
                     &Kind::sent);
            per_kind("decnet_prober_probes_planned_total",
                     "Dry-run probes logged (probe_planned), nothing sent", &Kind::planned);
            per_kind("decnet_prober_fingerprints_total", "Fingerprint events the probes produced",
                     &Kind::fingerprints);
            per_kind("decnet_prober_errors_total", "Probes that failed (prober_error)",
                     &Kind::errors);
            auto& skipped = scrape.family("decnet_prober_skipped_total",
                                          "Probes not sent: repeated inside the TTL, or over the "
                                          "address's budget",
                                          m::Type::counter, {"reason"});
            scrape.add(skipped, {"ttl"}, static_cast<double>(probes.skipped_ttl));
            scrape.add(skipped, {"budget"}, static_cast<double>(probes.skipped_budget));
            auto one = [&](const char* name, const char* help, m::Type type, double value) {
                scrape.add(scrape.family(name, help, type), {}, value);
            };
            one("decnet_prober_attackers_seen_total", "Attacker addresses offered by events",
                m::Type::counter, static_cast<double>(worker.seen));
            one("decnet_prober_denied_total", "Attacker addresses the policy refused",
                m::Type::counter, static_cast<double>(worker.denied + probes.denied));
            one("decnet_prober_queue_dropped_total", "Attacker addresses dropped: queue full",
                m::Type::counter, static_cast<double>(worker.dropped));
            one("decnet_prober_targets_total", "Attacker addresses taken through the probes",
                m::Type::counter, static_cast<double>(probes.targets));
            one("decnet_prober_queue_depth", "Attacker addresses waiting to be probed",
                m::Type::gauge,
                static_cast<double>(worker.queued > probes.targets ? worker.queued - probes.targets
                                                                   : 0));
        });
    // Webhook alerts, per target (docs/ALERTS.md): a receiver that is down shows as failed
    // and dropped alerts here while the events themselves are stored as usual.
    if (!alerts.settings().targets.empty())
        collectors.emplace_back([&alerts](m::Scrape& scrape) {
            auto& alerts_total =
                scrape.family("decnet_alerts_total", "Webhook alerts by target and outcome",
                              m::Type::counter, {"target", "outcome"});
            auto& retries = scrape.family("decnet_alerts_retries_total",
                                          "Webhook POSTs retried after a failed attempt",
                                          m::Type::counter, {"target"});
            auto& depth = scrape.family("decnet_alerts_queue_depth",
                                        "Webhook alerts queued for a target, not yet being sent",
                                        m::Type::gauge, {"target"});
            for (const auto& t : alerts.stats()) {
                scrape.add(alerts_total, {t.name, "queued"}, static_cast<double>(t.queued));
                scrape.add(alerts_total, {t.name, "delivered"}, static_cast<double>(t.delivered));
                scrape.add(alerts_total, {t.name, "failed"}, static_cast<double>(t.failed));
                scrape.add(alerts_total, {t.name, "dropped"}, static_cast<double>(t.dropped));
                scrape.add(retries, {t.name}, static_cast<double>(t.retries));
                scrape.add(depth, {t.name}, static_cast<double>(t.depth));
            }
        });
    // The passive sniffer, when it runs: what it saw, what it emitted, and what the kernel
    // dropped before it could (the figure an operator watches under a flood).
    if (sniffer)
        collectors.emplace_back([sniffer](m::Scrape& scrape) {
            const auto stats = sniffer->stats();
            auto one = [&](const char* name, const char* help, m::Type type, double value) {
                scrape.add(scrape.family(name, help, type), {}, value);
            };
            one("decnet_sniffer_packets_total", "Packets the sniffer decoded", m::Type::counter,
                static_cast<double>(stats.engine.packets));
            one("decnet_sniffer_events_total", "Fingerprint events the sniffer emitted",
                m::Type::counter, static_cast<double>(stats.engine.events));
            one("decnet_sniffer_deduplicated_total",
                "Fingerprints not re-emitted inside their dedup window", m::Type::counter,
                static_cast<double>(stats.engine.deduplicated));
            one("decnet_sniffer_kernel_dropped_total", "Packets libpcap reports dropped",
                m::Type::counter, static_cast<double>(stats.capture.kernel_dropped));
            one("decnet_sniffer_flows_refused_total", "Flows not tracked: the flow table was full",
                m::Type::counter, static_cast<double>(stats.engine.flows_refused));
            one("decnet_sniffer_flows_active", "TCP flows the sniffer tracks", m::Type::gauge,
                static_cast<double>(stats.engine.flows_active));
        });
    collectors.emplace_back([&profiler](m::Scrape& scrape) {
        const auto stats = profiler.stats();
        auto one = [&](const char* name, const char* help, m::Type type, double value) {
            scrape.add(scrape.family(name, help, type), {}, value);
        };
        one("decnet_profiler_rows_total", "Stored rows the profiler has read", m::Type::counter,
            static_cast<double>(stats.rows));
        one("decnet_profiler_profiles_written_total", "Attacker profile writes", m::Type::counter,
            static_cast<double>(stats.profiles_written));
        one("decnet_profiler_traversals_total", "traversal_detected events announced",
            m::Type::counter, static_cast<double>(stats.traversals));
        one("decnet_profiler_errors_total", "Profiler rounds that failed on a store error",
            m::Type::counter, static_cast<double>(stats.errors));
        one("decnet_profiler_cursor", "Log id the profiler has profiled up to", m::Type::gauge,
            static_cast<double>(stats.cursor));
        one("decnet_profiler_cached_profiles", "Attacker profiles held in memory", m::Type::gauge,
            static_cast<double>(stats.cached));
    });
    collectors.emplace_back([&bus](m::Scrape& scrape) {
        const auto stats = bus.stats();
        auto& published = scrape.family("decnet_bus_events_published_total",
                                        "Events published on the event bus", m::Type::counter);
        scrape.add(published, {}, static_cast<double>(stats.published));
        auto& unrouted =
            scrape.family("decnet_bus_events_unrouted_total",
                          "Events published while nobody was subscribed", m::Type::counter);
        scrape.add(unrouted, {}, static_cast<double>(stats.unrouted));
        auto& depth = scrape.family("decnet_bus_subscriber_depth",
                                    "Events queued for a bus subscriber, not yet taken",
                                    m::Type::gauge, {"subscriber"});
        auto& capacity =
            scrape.family("decnet_bus_subscriber_capacity", "Queue bound of a bus subscriber",
                          m::Type::gauge, {"subscriber"});
        auto& delivered =
            scrape.family("decnet_bus_subscriber_delivered_total",
                          "Events handed to a bus subscriber", m::Type::counter, {"subscriber"});
        auto& dropped = scrape.family("decnet_bus_subscriber_dropped_total",
                                      "Events a bus subscriber lost (queue full or closed)",
                                      m::Type::counter, {"subscriber"});
        for (const auto& sub : stats.subscribers) {
            scrape.add(depth, {sub.name}, static_cast<double>(sub.depth));
            scrape.add(capacity, {sub.name}, static_cast<double>(sub.capacity));
            scrape.add(delivered, {sub.name}, static_cast<double>(sub.delivered));
            scrape.add(dropped, {sub.name}, static_cast<double>(sub.dropped));
        }
    });
    collectors.emplace_back([&runtime](m::Scrape& scrape) {
        const auto stats = runtime.stats();
        auto one = [&](const char* name, const char* help, m::Type type, std::uint64_t value) {
            scrape.add(scrape.family(name, help, type), {}, static_cast<double>(value));
        };
        one("decnet_sessions_total", "Attacker sessions accepted", m::Type::counter,
            stats.sessions_total);
        one("decnet_sessions_active", "Attacker sessions open now", m::Type::gauge,
            stats.sessions_active);
        auto& rejected = scrape.family("decnet_connections_rejected_total",
                                       "Connections refused by a concurrent-session limit",
                                       m::Type::counter, {"limit"});
        scrape.add(rejected, {"decky"}, static_cast<double>(stats.rejected_decky_limit));
        scrape.add(rejected, {"source"}, static_cast<double>(stats.rejected_source_limit));
        one("decnet_sessions_evicted_total",
            "Idle sessions closed to admit a newer connection from a source at its limit",
            m::Type::counter, stats.evicted_source_limit);
        auto& active =
            scrape.family("decnet_decky_sessions_active", "Attacker sessions open now on a decky",
                          m::Type::gauge, {"decky"});
        auto& events = scrape.family("decnet_decky_events_total",
                                     "Events a decky's sessions emitted since it was added",
                                     m::Type::counter, {"decky"});
        auto& listeners =
            scrape.family("decnet_decky_listeners", "Listening sockets, by decky and service",
                          m::Type::gauge, {"decky", "service"});
        for (const auto& decky : runtime.deckies()) {
            scrape.add(active, {decky.name}, static_cast<double>(decky.sessions_active));
            scrape.add(events, {decky.name}, static_cast<double>(decky.events));
            std::map<std::string, int> per_service;
            for (const auto& listener : decky.listeners) ++per_service[listener.service];
            for (const auto& [service, count] : per_service)
                scrape.add(listeners, {decky.name, service}, count);
        }
    });
    collectors.emplace_back([&ingester](m::Scrape& scrape) {
        const auto stats = ingester.stats();
        auto& rows =
            scrape.family("decnet_ingest_rows_total", "Rows the ingester handled, by outcome",
                          m::Type::counter, {"outcome"});
        scrape.add(rows, {"offered"}, static_cast<double>(stats.events));
        scrape.add(rows, {"stored"}, static_cast<double>(stats.stored));
        scrape.add(rows, {"dead_letter"}, static_cast<double>(stats.dead_letters));
        scrape.add(rows, {"lost"}, static_cast<double>(stats.lost));
        auto one = [&](const char* name, const char* help, std::uint64_t value) {
            scrape.add(scrape.family(name, help, m::Type::counter), {}, static_cast<double>(value));
        };
        one("decnet_ingest_batches_total", "Batches the ingester stored", stats.batches);
        one("decnet_ingest_retries_total", "Batch retries after store errors", stats.retries);
        one("decnet_bounties_stored_total", "Bounty rows inserted (after dedup)", stats.bounties);
    });
    return collectors;
}

// The REST API and dashboard, serving this instance's live fleet. A taken port is a
// start-up error like a decky's.
std::unique_ptr<api::ApiService> start_api(
    const InstanceOptions& options, const engine::StatePaths& paths, store::Repository& repository,
    api::LiveFleetControl& fleet, std::vector<api::HealthComponent> health,
    std::vector<telemetry::metrics::Collector> metrics, api::LogFeed& log_feed, EventBus& bus,
    const intel::alerts::AlertDispatcher& alerts) {
    api::ApiServiceConfig config;
    std::unique_ptr<api::ApiService> service;
    try {
        config = api::api_config_from_environment(paths.dir);
        if (!options.api_host.empty()) config.settings.host = options.api_host;
        if (options.api_port != 0) config.settings.port = options.api_port;
        config.health = std::move(health);
        config.metrics = std::move(metrics);
        config.log_feed = &log_feed;
        if (!alerts.settings().targets.empty())
            config.alerts_json = intel::alerts::alert_settings_json(alerts.settings());
        config.publish_event = [&bus](Event event) { bus.publish(std::move(event)); };
        service = std::make_unique<api::ApiService>(repository, config, &fleet);
    } catch (const std::runtime_error& e) {
        throw ConfigError(std::string("REST API: ") + e.what() +
                          " (choose another --api-port, or --no-api)");
    }
    service->start();
    return service;
}

// The passive sniffer (docs/SNIFFER.md) when a decky lists the `sniffer` service. Opened
// before privileges are dropped (capturing needs CAP_NET_RAW); a capture that cannot open
// is reported and the instance runs without it (the sniffer is never a dependency).
std::unique_ptr<intel::sniffer::SnifferWorker> start_sniffer(const DeploymentConfig& config,
                                                             const engine::StatePaths& paths,
                                                             EventBus& bus) {
    if (!sniffer_enabled(config)) return nullptr;
    intel::sniffer::SnifferOptions options;
    options.capture.interface =
        sniffer_interface(std::string(to_string(config.mode)), config.interface);
    const auto initial = sniffer_deckies(config);
    options.deckies = [state_file = paths.state_file, initial] {
        const auto state = engine::read_state_file(state_file);
        return state ? sniffer_deckies(*state) : initial;
    };
    options.publish = [&bus](Event event) { bus.publish(std::move(event)); };
    try {
        auto worker = std::make_unique<intel::sniffer::SnifferWorker>(std::move(options));
        worker->start();
        return worker;
    } catch (const std::exception& e) {
        std::cerr << "decnet: sniffer not started: " << e.what() << std::endl;
        return nullptr;
    }
}

}  // namespace

std::shared_ptr<InstanceOptions> add_instance_flags(CLI::App& cmd) {
    auto o = std::make_shared<InstanceOptions>();
    cmd.add_option("--db", o->db, "SQLite database path (default $DECNET_DB_PATH or ./decnet.db)");
    cmd.add_option("--api-host", o->api_host,
                   "REST API and dashboard address (default $DECNET_API_HOST or 127.0.0.1)");
    cmd.add_option("--api-port", o->api_port,
                   "REST API and dashboard port (default $DECNET_API_PORT or 8000)")
        ->check(CLI::Range(1, 65535));
    cmd.add_flag("--no-api", o->no_api, "Run without the REST API and dashboard");
    cmd.add_option("--state-dir", o->state_dir,
                   "State directory of this instance (default /run/decnet as root, else "
                   "$XDG_STATE_HOME/decnet)");
    cmd.add_option("--user", o->user,
                   "Started as root: switch to this user once every socket is bound "
                   "(root keeps root)")
        ->capture_default_str()
        ->check(check_user_exists, "USER");
    return o;
}

int run_instance(const engine::DeploymentPlan& plan, const InstanceOptions& options,
                 const InstanceHooks& hooks) {
    // The [prober] section is checked before anything starts (docs/PROBER.md).
    const auto prober_settings = intel::prober::settings_from_config(plan.config);
    const auto geoip_settings = intel::geoip::settings_from_config(plan.config);
    // So is [alerts] (docs/ALERTS.md).
    auto alert_settings = intel::alerts::alert_settings_from_config(plan.config);
    const auto paths = engine::state_paths(options.state_dir);
    engine::ensure_state_dir(paths);
    const engine::InstanceLock lock(paths.pid_file, paths.dir);

    StopRequest stop;
    HangupTarget hangup;
    SignalWaiter signals([&] { stop.request(); }, [&] { hangup.reopen(); });
    // Here, not in main: `deploy` runs this in the daemon child, after the fork.
    const CommandTracing tracing;

    auto repository = open_store(options.db);
    EventBus bus;
    // Live streams (SSE) get each committed batch pushed, with ids, from the ingester —
    // no polling. Declared before the ingester and the API so it outlives both.
    api::LogFeed log_feed;
    // Webhook alerts: stored rows a target wants are queued for its own thread (docs/ALERTS.md).
    intel::alerts::AlertDispatcher alerts(std::move(alert_settings),
                                          [](const store::LogRecord& row) {
                                              std::string body;
                                              api::append_log_json(body, row);
                                              return body;
                                          });
    store::Ingester ingester(*repository, intel::attack::tagging_ingester_options());
    ingester.set_after_commit([&log_feed, &alerts](const std::vector<store::LogRecord>& rows) {
        alerts.offer(rows);
        log_feed.publish(std::vector<store::LogRecord>(rows));
    });
    // Attacker profiles and traversals (docs/PROFILES.md), woken by each stored batch.
    intel::ProfileWorkerOptions profiler_options;
    profiler_options.geoip = geoip_settings;
    profiler_options.publish = [&bus](Event event) { bus.publish(std::move(event)); };
    intel::ProfilerThread profiler(*repository, std::move(profiler_options));
    ingester.set_after_store([&profiler](const std::vector<store::LogRecord>& rows) {
        std::int64_t through = 0;
        for (const auto& row : rows) through = std::max(through, row.id);
        profiler.worker().notify_stored(through);
    });
    auto ingest_subscription = bus.subscribe("ingester");
    std::thread ingest_thread([&] { ingester.run(*ingest_subscription); });
    SinkRunner sinks;
    const HangupTarget::Registration reopen_on_hangup(hangup, sinks);
    honeypot::Runtime runtime(bus);
    runtime.set_state_dir(paths.dir, honeypot::artifact_limits_from_environment());
    const auto seed = plan.seed ? *plan.seed : Rng::from_entropy().next();
    engine::Fleet fleet(runtime, bus, plan.config, paths, seed);
    // netns mode's namespaces, removed after the runtime stops.
    std::shared_ptr<engine::DeckyNetworking> network;
    const auto release_network = [&] {
        fleet.set_networking(nullptr);
        network.reset();
    };
    try {
        start_sinks(plan.config, bus, sinks, paths.dir);
        if (hooks.prepare_network) network = hooks.prepare_network(runtime, paths);
        fleet.set_networking(network.get());
        runtime.start();
        const auto report = fleet.deploy(hooks.progress);
        // The governed prober (off unless [prober] enabled=true): attackers the deckies
        // report are probed back; its events go to the bus like the deckies'.
        std::unique_ptr<intel::prober::ProberWorker> prober;
        if (prober_settings.enabled)
            prober = std::make_unique<intel::prober::ProberWorker>(prober_settings, bus);
        engine::ControlServer control(paths.control_socket, [&](std::string_view request) {
            return engine::handle_control_request(fleet, request, [&] { stop.request(); });
        });
        const engine::MutationScheduler mutator(fleet, engine::mutate_minute_seconds());
        api::LiveFleetControl live_fleet(fleet, *repository);
        live_fleet.deckies_json();  // (cheap) proves the fleet is readable before serving
        const auto sniffer = start_sniffer(plan.config, paths, bus);
        const auto api =
            options.no_api ? nullptr
                           : start_api(options, paths, *repository, live_fleet,
                                       instance_health(ingester, bus, runtime),
                                       instance_metrics(ingester, bus, runtime, profiler.worker(),
                                                        sniffer.get(), prober.get(), alerts, sinks),
                                       log_feed, bus, alerts);
        engine::drop_privileges(instance_privilege_drop(options, plan.config, paths));
        if (hooks.ready) hooks.ready(report, paths, api ? api->url() : std::string());
        stop.wait();
        if (sniffer) sniffer->stop();
        if (api) api->stop();
    } catch (...) {
        runtime.stop();
        release_network();
        fleet.remove_state_file();
        bus.close();
        ingest_thread.join();
        throw;
    }
    runtime.stop();
    release_network();
    fleet.remove_state_file();
    bus.close();
    ingest_thread.join();
    alerts.stop();
    sinks.stop();
    const auto r = runtime.stats();
    const auto i = ingester.stats();
    std::cout << "decnet stopped: " << r.sessions_total << " sessions, " << i.stored
              << " events stored, " << i.bounties << " bounties." << std::endl;
    return 0;
}

}  // namespace decnet::cli
