// Webhook alerts (docs/ALERTS.md): stored events that match a target's filters are queued
// for it and POSTed, signed, on the dispatcher's own thread. Each target has a bounded queue
// that drops its oldest alert when full (and counts it), so a slow or dead receiver never
// holds up the ingester that offers the rows; failed posts are retried with exponential
// backoff and jitter. Alerts to one target go out one at a time, in order.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "intel/alerts/alert_settings.hpp"

namespace decnet::store {
struct LogRecord;
}

namespace decnet::intel::alerts {

struct AlertTargetStats {
    std::string name;
    std::uint64_t queued = 0;     // alerts that matched and were queued
    std::uint64_t delivered = 0;  // answered 2xx
    std::uint64_t failed = 0;     // given up: attempts exhausted, or a 4xx that retrying can't fix
    std::uint64_t retries = 0;    // attempts after the first
    std::uint64_t dropped = 0;    // lost unsent: the queue was full (oldest), or at shutdown
    std::size_t depth = 0;        // queued now, not yet being sent
};

class AlertDispatcher {
  public:
    // The body of an alert: the stored row as the API shows it (api::append_log_json).
    using Render = std::function<std::string(const store::LogRecord&)>;

    // Starts the dispatcher's thread (none when there are no targets).
    AlertDispatcher(AlertSettings settings, Render render);
    ~AlertDispatcher();  // stop()
    AlertDispatcher(const AlertDispatcher&) = delete;
    AlertDispatcher& operator=(const AlertDispatcher&) = delete;

    // Queues every row a target wants (the ingester's after-commit hook, on its thread):
    // filters, one copy per matching row, a short lock per target; never waits for I/O.
    void offer(const std::vector<store::LogRecord>& rows);

    // Sends what is queued for at most `grace` (no further backoff waits), then stops the
    // thread; what is left unsent is counted as dropped. Idempotent.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

    const AlertSettings& settings() const;
    std::vector<AlertTargetStats> stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::intel::alerts
