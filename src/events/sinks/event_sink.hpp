// EventSink: the common shape of everything that takes events off the bus and puts them
// somewhere outside the process (a file, a syslog server), with the counters /metrics and
// /health show. SinkRunner gives each sink its own thread fed by one bus Subscription.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "events/event_bus.hpp"

namespace decnet {

// A snapshot of one sink's counters. Totals only grow; the two gauges are current values.
struct SinkStats {
    std::uint64_t written = 0;      // events handed to the file or the target (incl. replayed)
    std::uint64_t dropped = 0;      // events lost: unwritable file, spool full, no spool
    std::uint64_t errors = 0;       // failed opens, writes, connects, handshakes, spool I/O
    std::uint64_t spooled = 0;      // events put in the on-disk spool
    std::uint64_t replayed = 0;     // spooled events delivered later
    std::uint64_t reconnects = 0;   // connections established again after a loss
    std::uint64_t reopens = 0;      // files reopened (rotation, deletion, reopen())
    std::uint64_t truncated = 0;    // UDP datagrams cut to the size limit
    std::uint64_t filtered = 0;     // deliberately not written (JSON lifecycle dedup)
    std::uint64_t spool_bytes = 0;  // gauge: bytes the spool holds on disk
    bool connected = false;         // gauge: the forwarder has a live connection
};

// The atomic counters behind SinkStats. A sink bumps them on its own thread; any thread
// may snapshot them.
struct SinkCounters {
    std::atomic<std::uint64_t> written{0};
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::uint64_t> spooled{0};
    std::atomic<std::uint64_t> replayed{0};
    std::atomic<std::uint64_t> reconnects{0};
    std::atomic<std::uint64_t> reopens{0};
    std::atomic<std::uint64_t> truncated{0};
    std::atomic<std::uint64_t> filtered{0};
    std::atomic<std::uint64_t> spool_bytes{0};
    std::atomic<bool> connected{false};

    SinkStats snapshot() const;
};

// Called by exactly one thread (the SinkRunner's) except where noted. A sink never throws
// from these calls for I/O failures: it counts them.
class EventSink {
  public:
    virtual ~EventSink() = default;

    // Write one batch as one unit of buffering: what the batch produced is flushed before
    // the call returns.
    virtual void write_batch(std::span<const EventPtr> events) = 0;
    // Called when no event arrived for a while: retry connections, replay spools.
    virtual void poll() {}
    // The last call: flush, close. No write_batch follows.
    virtual void close() {}
    // Any thread: reopen files / reconnect at the next opportunity (the process calls it
    // on SIGHUP). Only sets a flag, so it never blocks.
    virtual void reopen() {}
    // Any thread.
    virtual SinkStats stats() const = 0;
};

struct NamedSinkStats {
    std::string name;  // the subscription's name
    SinkStats stats;
};

// Drains Subscriptions into sinks, one thread per sink, so a slow file or a dead syslog
// server only ever fills its own bus queue (the bus then drops and counts; publishers
// never wait). Wiring: runner.start(bus.subscribe("file"), make_unique<Rfc5424FileSink>(p)).
class SinkRunner {
  public:
    struct Options {
        // How long a worker waits for events before calling poll(); also the stop latency.
        std::chrono::milliseconds idle_tick{100};
    };

    SinkRunner();
    explicit SinkRunner(Options options);
    ~SinkRunner();  // stop()
    SinkRunner(const SinkRunner&) = delete;
    SinkRunner& operator=(const SinkRunner&) = delete;

    void start(std::shared_ptr<Subscription> subscription, std::unique_ptr<EventSink> sink);
    // Each worker takes what is already queued, writes it, closes its sink and exits. A
    // worker also exits by itself once its subscription is closed and drained.
    void stop();
    // Asks every sink to reopen its files / reconnect (SIGHUP).
    void reopen();
    std::vector<NamedSinkStats> stats() const;

  private:
    struct Worker;
    const Options options_;
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Worker>> workers_;  // guarded by mutex_
};

}  // namespace decnet
