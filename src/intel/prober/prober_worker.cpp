// The fleet prober's thread: discover attacker addresses on the bus, probe them in turn.
#include "intel/prober/prober_worker.hpp"

#include <spdlog/spdlog.h>

#include "telemetry/span.hpp"

namespace decnet::intel::prober {
namespace {

// The attacker's address as events name it (the ingester's attacker_ip order).
std::string attacker_of(const Event& event) {
    if (!event.src_ip.empty()) return event.src_ip;
    for (const char* key : {"src_ip", "src", "client_ip", "remote_ip", "remote_addr"})
        if (const auto* value = event.find(key); value && !value->empty()) return *value;
    return {};
}

std::string csv(const std::vector<std::uint16_t>& ports) {
    std::string out;
    for (const auto p : ports) out += (out.empty() ? "" : ",") + std::to_string(p);
    return out;
}

}  // namespace

ProberWorker::ProberWorker(ProberSettings settings, EventBus& bus)
    : bus_(bus),
      subscription_(bus.subscribe("prober", 4096)),
      prober_(std::move(settings), [&bus](Event event) { bus.publish(std::move(event)); }) {
    const auto& s = prober_.settings();
    Event e;
    e.time = event_now();
    e.decky = std::string(kProberDecky);
    e.service = std::string(kProberService);
    e.event_type = "prober_startup";
    const auto ports = "jarm=" + csv(s.ports.jarm) + " ssh=" + csv(s.ports.hassh) +
                       " tcpfp=" + csv(s.ports.tcpfp) + " tls=" + csv(s.ports.tls_cert);
    e.add("dry_run", s.dry_run).add("probe_ports", ports);
    e.msg = std::string("DECNET-PROBER started") + (s.dry_run ? " (dry run)" : "") + ", " + ports;
    bus.publish(std::move(e));
    thread_ = std::thread([this] { run(); });
}

ProberWorker::~ProberWorker() {
    stop_ = true;
    bus_.unsubscribe("prober");
    if (thread_.joinable()) thread_.join();
}

WorkerStats ProberWorker::stats() const {
    const std::lock_guard lock(stats_mutex_);
    return stats_;
}

void ProberWorker::offer(const Event& event) {
    if (event.service == kProberService) return;  // our own results
    auto ip = attacker_of(event);
    if (ip.empty() || ip == "Unknown" || queued_.contains(ip)) return;
    const std::lock_guard lock(stats_mutex_);
    ++stats_.seen;
    if (!prober_.decide(ip).allowed) {
        ++stats_.denied;
        return;
    }
    if (queue_.size() >= prober_.settings().max_queue) {
        ++stats_.dropped;
        return;
    }
    ++stats_.queued;
    queued_.insert(ip);
    queue_.push_back({std::move(ip), event.trace});
}

void ProberWorker::run() {
    std::vector<EventPtr> batch;
    while (!stop_) {
        const auto wait =
            queue_.empty() ? std::chrono::milliseconds(200) : std::chrono::milliseconds(0);
        const auto n = wait.count() ? subscription_->pop_batch(batch, wait)
                                    : subscription_->try_pop_batch(batch);
        if (n > 0) {
            telemetry::Span discover("prober.discover_attackers",
                                     telemetry::SpanStart{.new_root = true});
            discover.set_attribute("events", static_cast<std::int64_t>(n));
            for (const auto& event : batch) offer(*event);
        }
        if (queue_.empty()) {
            if (subscription_->finished()) return;
            continue;
        }
        Target target = std::move(queue_.front());
        queue_.pop_front();
        queued_.erase(target.ip);
        try {
            prober_.probe(target.ip, &stop_, &target.trace);
        } catch (const std::exception& e) {
            spdlog::warn("prober: probing {} failed: {}", target.ip, e.what());
        }
    }
}

}  // namespace decnet::intel::prober
