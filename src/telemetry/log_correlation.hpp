// Log ↔ trace correlation: spdlog lines written while a span is current carry its ids,
// so a log line leads to its trace in Jaeger and back (tracing.md §5, done for real).
#pragma once

#include <string>

namespace decnet::telemetry {

// The spdlog pattern flag that prints " trace_id=<32 hex> span_id=<16 hex>" when the
// logging thread has a current span, and nothing otherwise.
inline constexpr char kTraceLogFlag = '*';

// spdlog's default layout followed by the trace flag.
inline constexpr const char* kDefaultTracedLogPattern = "%+%*";

// Installs `pattern` (which may use %* anywhere) on every registered spdlog logger and
// as the default for new ones. Synchronous loggers only: an async logger formats on its
// own thread, where no span is current.
void install_log_correlation(const std::string& pattern = kDefaultTracedLogPattern);

// " trace_id=… span_id=…" for the current span, or "" (for sinks that are not spdlog).
std::string current_trace_log_suffix();

}  // namespace decnet::telemetry
