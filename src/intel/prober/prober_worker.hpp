// ProberWorker: the fleet's prober inside `up`/`deploy` ([prober] enabled=true). It takes
// the attacker addresses the deckies report from the event bus, keeps a bounded queue of
// targets the policy allows, and probes them one at a time on its own thread, publishing
// the prober's events back to the bus (stored, turned into bounty rows, shown by the API).
#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <unordered_set>

#include "events/event_bus.hpp"
#include "intel/prober/prober.hpp"

namespace decnet::intel::prober {

struct WorkerStats {
    std::uint64_t seen = 0;     // attacker addresses offered by events
    std::uint64_t queued = 0;   // accepted into the queue
    std::uint64_t denied = 0;   // refused by the policy before queueing
    std::uint64_t dropped = 0;  // queue full
};

class ProberWorker {
  public:
    ProberWorker(ProberSettings settings, EventBus& bus);
    ~ProberWorker();  // stops (an in-flight probe ends within its timeout) and joins
    ProberWorker(const ProberWorker&) = delete;
    ProberWorker& operator=(const ProberWorker&) = delete;

    const Prober& prober() const { return prober_; }
    WorkerStats stats() const;

  private:
    struct Target {
        std::string ip;
        TraceContext trace;  // of the event that named it
    };
    void run();
    void offer(const Event& event);

    EventBus& bus_;
    std::shared_ptr<Subscription> subscription_;
    Prober prober_;
    std::atomic<bool> stop_{false};
    std::deque<Target> queue_;                // worker thread only
    std::unordered_set<std::string> queued_;  // worker thread only
    mutable std::mutex stats_mutex_;
    WorkerStats stats_;
    std::thread thread_;
};

}  // namespace decnet::intel::prober
