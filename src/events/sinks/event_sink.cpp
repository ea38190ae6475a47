// SinkRunner: one thread per sink draining its bus Subscription in batches.
#include "events/sinks/event_sink.hpp"

#include <thread>

namespace decnet {

SinkStats SinkCounters::snapshot() const {
    constexpr auto relaxed = std::memory_order_relaxed;
    SinkStats stats;
    stats.written = written.load(relaxed);
    stats.dropped = dropped.load(relaxed);
    stats.errors = errors.load(relaxed);
    stats.spooled = spooled.load(relaxed);
    stats.replayed = replayed.load(relaxed);
    stats.reconnects = reconnects.load(relaxed);
    stats.reopens = reopens.load(relaxed);
    stats.truncated = truncated.load(relaxed);
    stats.filtered = filtered.load(relaxed);
    stats.spool_bytes = spool_bytes.load(relaxed);
    stats.connected = connected.load(relaxed);
    return stats;
}

struct SinkRunner::Worker {
    std::shared_ptr<Subscription> subscription;
    std::unique_ptr<EventSink> sink;
    std::atomic<bool> stopping{false};
    std::thread thread;

    void run(std::chrono::milliseconds idle_tick) {
        std::vector<EventPtr> batch;
        while (!stopping.load(std::memory_order_acquire) && !subscription->finished()) {
            if (subscription->pop_batch(batch, idle_tick) > 0) {
                sink->write_batch(batch);
                batch.clear();  // release the events now, not at the next pop
            } else {
                sink->poll();
            }
        }
        drain_queued();
        sink->close();
    }

    // On stop, what is already queued still goes out. Bounded: one pass takes at most
    // capacity() events, and a stopped publisher cannot refill faster than we write.
    void drain_queued() {
        std::vector<EventPtr> batch;
        for (int pass = 0; pass < 4 && subscription->try_pop_batch(batch) > 0; ++pass) {
            sink->write_batch(batch);
            batch.clear();
        }
    }
};

SinkRunner::SinkRunner() : SinkRunner(Options{}) {}
SinkRunner::SinkRunner(Options options) : options_(options) {}
SinkRunner::~SinkRunner() {
    stop();
}

void SinkRunner::start(std::shared_ptr<Subscription> subscription,
                       std::unique_ptr<EventSink> sink) {
    auto worker = std::make_unique<Worker>();
    worker->subscription = std::move(subscription);
    worker->sink = std::move(sink);
    Worker& ref = *worker;
    const auto tick = options_.idle_tick;
    std::lock_guard lock(mutex_);
    worker->thread = std::thread([&ref, tick] { ref.run(tick); });
    workers_.push_back(std::move(worker));
}

void SinkRunner::stop() {
    std::vector<std::unique_ptr<Worker>> workers;
    {
        std::lock_guard lock(mutex_);
        workers.swap(workers_);
    }
    for (auto& worker : workers) worker->stopping.store(true, std::memory_order_release);
    for (auto& worker : workers) {
        if (worker->thread.joinable()) worker->thread.join();
    }
}

void SinkRunner::reopen() {
    std::lock_guard lock(mutex_);
    for (auto& worker : workers_) worker->sink->reopen();
}

std::vector<NamedSinkStats> SinkRunner::stats() const {
    std::lock_guard lock(mutex_);
    std::vector<NamedSinkStats> out;
    out.reserve(workers_.size());
    for (const auto& worker : workers_) {
        out.push_back({worker->subscription->name(), worker->sink->stats()});
    }
    return out;
}

}  // namespace decnet
