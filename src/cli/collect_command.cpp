// `decnet collect`: receive RFC 5424 / RFC 3164 syslog from remote sensors over UDP, TCP,
// TLS and RELP and store it, deduplicating connection-lifecycle events (engine.md §7.5).
// A RELP message is acknowledged only once its row is committed.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/command_tracing.hpp"
#include "cli/commands.hpp"
#include "cli/signal_waiter.hpp"
#include "core/error.hpp"
#include "events/lifecycle_rate_limiter.hpp"
#include "events/rfc5424.hpp"
#include "events/sinks/append_file.hpp"
#include "events/syslog_listener.hpp"
#include "intel/attack/attack_tags.hpp"
#include "store/database.hpp"
#include "store/ingest/log_record.hpp"
#include "store/ingest/record_queue.hpp"
#include "telemetry/span.hpp"

namespace decnet::cli {
namespace {

struct CollectOptions {
    std::string listen;
    std::vector<std::string> relp;  // HOST:PORT, each a relp:// endpoint
    std::string db;
    std::string log_file;
    bool daemon = false;
    SyslogTlsOptions tls;
};

// `collector.event` (the reference's span) for a line that passed the limiter: it
// continues the sender's trace when the line carried a traceparent (a decnet forwarder
// adds one), else starts a trace, and the stored row points to it, so the ingest batch
// links back through the collector to the sensor's session.
void trace_received(store::LogRecord& row, const ParsedSyslog& parsed) {
    // From the param itself, not the row: the row keeps no flags, and the sender's
    // sampled flag decides (parent-based sampling) whether this span is recorded.
    const auto* traceparent = parsed.find(kTraceparentParam);
    const auto sender = traceparent
                            ? TraceContext::from_traceparent(*traceparent).value_or(TraceContext{})
                            : TraceContext{};
    telemetry::Span span(
        "collector.event",
        telemetry::SpanStart{
            .kind = telemetry::SpanKind::consumer, .parent = &sender, .new_root = !sender.valid()});
    span.set_attributes({{"decky", row.decky},
                         {"service", row.service},
                         {"event_type", row.event_type},
                         {"attacker_ip", row.attacker_ip}});
    const auto context = span.context();
    row.trace_id = context.trace_id_hex();
    row.span_id = context.span_id_hex();
}

// --listen plus one relp:// entry per --relp.
std::string listen_list(const CollectOptions& options) {
    std::string list = options.listen;
    for (const auto& relp : options.relp) {
        if (!list.empty()) list += ",";
        list += relp.starts_with("relp://") ? relp : "relp://" + relp;
    }
    return list;
}

int run_collect(const CollectOptions& options) {
    const auto listen = listen_list(options);
    if (listen.empty()) throw ConfigError("collect needs --listen or --relp");
    auto endpoints = parse_listen_list(listen);
    // Before any thread starts, so every thread inherits the blocked signal mask.
    std::atomic<SyslogListener*> active{nullptr};
    std::atomic<bool> stop_requested{false};
    // The raw --log-file survives logrotate: it is reopened when its path names another
    // file (checked once a second) and at once on SIGHUP (logrotate's postrotate), which
    // must not end the collector.
    std::unique_ptr<AppendFile> raw_log;
    if (!options.log_file.empty())
        raw_log = std::make_unique<AppendFile>(
            options.log_file, AppendFile::Options{.check_interval = std::chrono::seconds(1)});
    SignalWaiter stop(
        [&] {
            stop_requested = true;
            if (auto* l = active.load()) l->stop();
        },
        [&] {
            if (raw_log) raw_log->request_reopen();
        });
    const CommandTracing tracing;  // after the signal mask, before the threads that trace
    std::unique_ptr<store::Repository> repository;
    try {
        repository =
            store::open_repository(options.db.empty() ? std::nullopt : std::optional(options.db));
    } catch (const store::StoreError& e) {
        throw ConfigError(e.what());
    }
    if (raw_log) {
        if (const auto error = raw_log->append({}))
            throw ConfigError("cannot open --log-file " + options.log_file + ": " +
                              error.message());
    }
    store::Ingester ingester(*repository, intel::attack::tagging_ingester_options());
    store::RecordQueue queue(ingester, "collect");
    auto limiter = LifecycleRateLimiter::from_environment();
    ParserStats parser;

    bool raw_log_failed = false;  // on the listener's thread, like every write
    // The row a received line becomes; nullopt when it is unparseable or a duplicate.
    const auto to_row = [&](std::string_view line) -> std::optional<store::LogRecord> {
        if (raw_log) {
            std::string record;
            record.reserve(line.size() + 1);
            record.append(line).push_back('\n');
            // Said once per outage (a full disk would otherwise print a line per event);
            // the rows are stored either way.
            const auto error = raw_log->append(record);
            if (error && !raw_log_failed)
                std::cerr << "collect: cannot write --log-file " << options.log_file << ": "
                          << error.message() << "; received lines are stored but not logged"
                          << std::endl;
            raw_log_failed = static_cast<bool>(error);
        }
        const auto parsed = parse_rfc5424(line, parser);
        if (!parsed) return std::nullopt;
        const auto& p = parsed.value();
        if (!limiter.allow(p.attacker_ip, p.hostname, p.app, p.msgid)) return std::nullopt;
        auto row = store::to_log_record(p, line);
        if (telemetry::tracing_enabled()) trace_received(row, p);
        return row;
    };
    SyslogListener listener(
        std::move(endpoints),
        [&](std::string_view line, std::string_view) {
            if (auto row = to_row(line)) queue.push(std::move(*row));
        },
        options.tls);
    // RELP: "rsp 200 OK" only once the row's batch is committed (the queue's writer calls
    // back); lines that store nothing are answered at once, a full queue with an error.
    listener.set_reliable_handler([&](std::string_view line, std::string_view, SyslogAck ack) {
        auto row = to_row(line);
        if (!row) return ack(true);
        if (!queue.push(std::move(*row), [ack] { ack(true); })) ack(false);
    });
    listener.start();
    active = &listener;
    if (stop_requested) listener.stop();
    const auto ports = listener.bound_ports();
    auto requested = parse_listen_list(listen);
    std::cout << "Collector listening on";
    for (std::size_t i = 0; i < requested.size(); ++i) {
        requested[i].port = ports[i];
        std::cout << (i ? ", " : " ") << requested[i].str();
    }
    std::cout << std::endl;
    listener.run();
    queue.stop();  // before the listener goes: its last acknowledgements post to its io

    const auto stats = listener.stats();
    const auto stored = ingester.stats();
    std::cout << "Collector stopped: " << stats.lines << " lines received, " << stored.stored
              << " stored, " << parser.rejected_total() << " unparseable, " << limiter.dropped()
              << " lifecycle duplicates, " << queue.dropped() << " dropped (queue full), "
              << stats.oversized << " oversized";
    if (stats.relp_messages || stats.relp_bad_frames)
        std::cout << ", " << stats.relp_messages << " RELP messages, " << stats.relp_bad_frames
                  << " bad RELP frames, " << stats.relp_nacked << " RELP not acknowledged";
    std::cout << std::endl;
    return kExitOk;
}

}  // namespace

void add_collect_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("collect", "Receive syslog (udp/tcp/tls/relp) and ingest it");
    auto o = std::make_shared<CollectOptions>();
    cmd->add_option("--listen", o->listen,
                    "Comma list of udp://H:P, tcp://H:P, tls://H:P, relp://H:P");
    cmd->add_option("--relp", o->relp,
                    "Also listen for RELP on HOST:PORT (repeatable); each message is "
                    "acknowledged only after its row is committed");
    cmd->add_option("--db", o->db, "SQLite database path (default $DECNET_DB_PATH or ./decnet.db)");
    cmd->add_option("--log-file,-f", o->log_file, "Also append every received line to this file");
    cmd->add_option("--tls-cert", o->tls.cert_file, "Server certificate chain (PEM) for tls://");
    cmd->add_option("--tls-key", o->tls.key_file, "Server private key (PEM) for tls://");
    cmd->add_option("--tls-client-ca", o->tls.client_ca_file,
                    "Require client certificates signed by this CA (PEM)");
    cmd->add_flag("--daemon,-d", o->daemon, "Detach into the background");
    cmd->callback([&exit_code, o] {
        if (o->daemon) {
            exit_code = not_available("collect --daemon", "run it under your service manager");
            return;
        }
        exit_code = run_collect(*o);
    });
}

}  // namespace decnet::cli
