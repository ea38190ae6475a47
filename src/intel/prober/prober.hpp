// Prober: one target at a time through the governance (policy, TTL, budget, rate), an
// audit event before every probe sent, then the probe and its result event (intel.md
// §3.1's events). Used by `decnet probe` and by the fleet's ProberWorker.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "events/event.hpp"
#include "intel/prober/policy.hpp"

namespace decnet::intel::prober {

inline constexpr std::string_view kProberDecky = "decnet-prober";
inline constexpr std::string_view kProberService = "prober";

// What one probe kind did (dry-run plans are not sends).
struct ProbeKindStats {
    std::uint64_t sent = 0;     // audit events written (probe_sent)
    std::uint64_t planned = 0;  // dry-run (probe_planned)
    std::uint64_t fingerprints = 0;
    std::uint64_t errors = 0;  // prober_error events
};

inline constexpr std::array<ProbeKind, 4> kProbeKinds{ProbeKind::jarm, ProbeKind::hassh,
                                                      ProbeKind::tcpfp, ProbeKind::tls_cert};

struct ProberStats {
    std::uint64_t targets = 0;         // probe() calls
    std::uint64_t denied = 0;          // targets the policy refused
    std::uint64_t probes_sent = 0;     // audit events written
    std::uint64_t probes_planned = 0;  // dry-run
    std::uint64_t skipped_ttl = 0;
    std::uint64_t skipped_budget = 0;
    std::uint64_t fingerprints = 0;
    std::uint64_t errors = 0;
    std::array<ProbeKindStats, kProbeKinds.size()> by_kind{};  // indexed by ProbeKind

    const ProbeKindStats& of(ProbeKind kind) const {
        return by_kind[static_cast<std::size_t>(kind)];
    }
};

using EventSink = std::function<void(Event)>;

class Prober {
  public:
    // Throws ConfigError for a bad CIDR in the settings.
    Prober(ProberSettings settings, EventSink sink);

    // Probes every configured (probe, port) of `ip` the governance admits, in order; stops
    // early when `stop` becomes true. Thread-safe (one target at a time). The spans are
    // children of `parent` (the event that named the target) when it is valid.
    void probe(const std::string& ip, const std::atomic<bool>* stop = nullptr,
               const TraceContext* parent = nullptr);
    PolicyDecision decide(const std::string& ip) const { return policy_.decide(ip); }

    const ProberSettings& settings() const { return settings_; }
    ProberStats stats() const;

  private:
    void run_one(const std::string& ip, ProbeKind kind, std::uint16_t port);
    bool wait_for_token(const std::atomic<bool>* stop);
    Event event(std::string_view type, const std::string& ip, std::uint16_t port) const;

    const ProberSettings settings_;
    const TargetPolicy policy_;
    EventSink sink_;
    mutable std::mutex mutex_;  // one target at a time; guards governor_ and stats_
    ProbeGovernor governor_;
    ProberStats stats_;
};

}  // namespace decnet::intel::prober
