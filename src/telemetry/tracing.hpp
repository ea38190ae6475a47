// Tracing lifecycle: the switch and exporter settings read from the environment, start
// (exporter thread), flush and shutdown, and the counters /metrics reports. Spans
// themselves are in span.hpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "telemetry/sampler.hpp"

namespace decnet::telemetry {

struct TracingConfig {
    // DECNET_DEVELOPER_TRACING=true (the reference's name) or DECNET_TRACING=true.
    bool enabled = false;
    // Base URL of an OTLP/HTTP receiver; "/v1/traces" is appended unless the path already
    // ends with it. DECNET_OTEL_ENDPOINT, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as
    // is), else OTEL_EXPORTER_OTLP_ENDPOINT.
    std::string endpoint = "http://localhost:4318";
    SamplerConfig sampler;
    // Batch span processor (OpenTelemetry defaults; OTEL_BSP_* override them).
    std::size_t max_queue_size = 2048;
    std::size_t max_export_batch_size = 512;
    std::chrono::milliseconds schedule_delay{5000};
    std::chrono::milliseconds export_timeout{30000};
    // Resource: service.name, service.version, then OTEL_RESOURCE_ATTRIBUTES.
    std::string service_name = "decnet";
    std::string service_version;  // the project version when empty
    std::vector<std::pair<std::string, std::string>> resource_attributes;
    // Settings that were not understood, reported by start_tracing() as warnings.
    std::vector<std::string> warnings;
    // Replaces the HTTP exporter (tests, benchmarks): gets each OTLP JSON request body and
    // returns whether it was accepted.
    std::function<bool(const std::string& body)> transport;
};

// Reads the switch and the settings above from the environment.
TracingConfig tracing_config_from_env();

// Starts the batch processor and exporter thread when config.enabled; logs the settings
// (and any warnings) once. Returns whether tracing is on. Calling it while tracing is on
// restarts with the new settings after flushing.
bool start_tracing(TracingConfig config);
// Exports everything ended so far; false if that did not finish within the timeout.
bool flush_tracing(std::chrono::milliseconds timeout = std::chrono::seconds(30));
// Turns the switch off, exports what is queued (bounded by the timeout) and stops the
// exporter thread. Safe when tracing never started.
void shutdown_tracing(std::chrono::milliseconds timeout = std::chrono::seconds(10));

// start_tracing(tracing_config_from_env()) for a command's lifetime.
class TracingSession {
  public:
    TracingSession() : TracingSession(tracing_config_from_env()) {}
    explicit TracingSession(TracingConfig config) { start_tracing(std::move(config)); }
    ~TracingSession() { shutdown_tracing(); }
    TracingSession(const TracingSession&) = delete;
    TracingSession& operator=(const TracingSession&) = delete;
};

struct TracingCounters {
    std::uint64_t spans_started = 0;        // sampled or not
    std::uint64_t spans_sampled = 0;        // recorded, i.e. meant for export
    std::uint64_t spans_exported = 0;       // accepted by the collector
    std::uint64_t spans_dropped = 0;        // queue full, or ended after shutdown
    std::uint64_t spans_export_failed = 0;  // in batches the collector refused or never got
    std::uint64_t export_batches = 0;       // requests sent
};
// Monotonic since process start (not reset by shutdown), for the /metrics endpoint.
TracingCounters tracing_counters() noexcept;

}  // namespace decnet::telemetry
