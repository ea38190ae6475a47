// Tracing for one command's lifetime (up, deploy's daemon, collect, ingest): starts the
// exporter from the environment (DECNET_TRACING…, docs/TRACING.md), stamps trace ids on
// spdlog lines while a span is current, and flushes what is queued when the command ends.
// Construct it after daemonising and after blocking signals: fork() does not copy the
// exporter thread, and the thread must inherit the blocked signal mask.
#pragma once

#include "telemetry/log_correlation.hpp"
#include "telemetry/span.hpp"
#include "telemetry/tracing.hpp"

namespace decnet::cli {

class CommandTracing {
  public:
    CommandTracing() {
        // Only when on: with tracing off, log lines keep whatever pattern they had.
        if (telemetry::tracing_enabled()) telemetry::install_log_correlation();
    }

  private:
    telemetry::TracingSession session_;
};

}  // namespace decnet::cli
