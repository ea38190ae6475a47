// The prober's governance (docs/PROBER.md): which addresses may ever be probed (allow and
// deny CIDR lists over built-in denies), and how often (at most once per (ip, probe, port)
// per TTL, a per-target budget per TTL, a global rate). Every decision is made here, before
// a socket exists; all state is bounded.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ipv4.hpp"
#include "intel/prober/expiring_lru.hpp"

namespace decnet::intel::prober {

// The probes the prober knows, by the name events and settings use.
enum class ProbeKind { jarm, hassh, tcpfp, tls_cert };
std::string_view to_string(ProbeKind kind);
std::optional<ProbeKind> probe_kind_from_string(std::string_view name);

// Ports each probe tries on a target (intel.md §3.1's defaults; tls_cert uses JARM's).
struct ProbePorts {
    std::vector<std::uint16_t> jarm{443, 8443, 8080, 4443, 50050, 2222, 993, 995, 8888, 9001};
    std::vector<std::uint16_t> hassh{22, 2222, 22222, 2022};
    std::vector<std::uint16_t> tcpfp{22, 80, 443, 8080, 8443, 445, 3389};
    std::vector<std::uint16_t> tls_cert{443, 8443, 4443, 993, 995};
    const std::vector<std::uint16_t>& of(ProbeKind kind) const;
};

struct ProberSettings {
    bool enabled = false;            // the fleet's `[prober] enabled=`; `decnet probe` always runs
    bool dry_run = false;            // decide and log, send nothing
    std::vector<std::string> allow;  // CIDRs that override the built-in denies
    std::vector<std::string> deny;   // CIDRs never probed, whatever else says
    // The operator's own networks (decky subnets), denied unless explicitly allowed.
    std::vector<std::string> own_networks;
    std::vector<ProbeKind> probes{ProbeKind::jarm, ProbeKind::hassh, ProbeKind::tcpfp,
                                  ProbeKind::tls_cert};
    ProbePorts ports;
    std::chrono::seconds ttl{24 * 3600};  // once per (ip, probe, port) per ttl
    int target_budget = 40;               // probes per target per ttl
    double rate_per_second = 2.0;         // probes started per second, fleet-wide
    int rate_burst = 10;
    std::chrono::milliseconds timeout{5000};  // per connection
    std::size_t max_tracked = 65536;          // remembered (ip, probe, port) and targets
    std::size_t max_queue = 1024;             // targets waiting for the worker
};

// The built-in denies: "this" network, loopback, RFC 1918, CGNAT, link-local, multicast,
// reserved and broadcast (docs/PROBER.md lists them).
const std::vector<Subnet>& builtin_denies();

struct PolicyDecision {
    bool allowed = false;
    std::string reason;  // "allowed", "denied by deny list 1.2.3.0/24", "loopback 127.0.0.0/8"…
};

// Address policy. Precedence: the deny list, then the allow list, then the built-in and
// own-network denies; anything else (a public IPv4 address) is allowed. IPv6 targets are
// refused (the probes are IPv4 only).
class TargetPolicy {
  public:
    // Throws ConfigError naming the bad CIDR.
    explicit TargetPolicy(const ProberSettings& settings);
    PolicyDecision decide(std::string_view ip) const;

  private:
    std::vector<Subnet> allow_, deny_, own_;
};

enum class Admission { admitted, repeat, over_budget };
std::string_view to_string(Admission admission);

// Frequency limits. Not thread-safe: one worker owns it.
class ProbeGovernor {
  public:
    explicit ProbeGovernor(const ProberSettings& settings);

    // Whether (ip, kind, port) may be probed at `now`; an admitted probe is recorded
    // (counts against the target's budget and starts its TTL).
    Admission admit(const std::string& ip, ProbeKind kind, std::uint16_t port, SteadyTime now);
    // How long to wait before the next probe may start under the global rate; takes a
    // token when it returns zero.
    std::chrono::steady_clock::duration take_token(SteadyTime now);

    std::size_t tracked() const { return done_.size(); }

  private:
    struct Budget {
        int used = 0;
    };
    int budget_;
    double rate_;
    double burst_;
    double tokens_;
    SteadyTime refilled_{};
    ExpiringLru<bool> done_;
    ExpiringLru<Budget> budgets_;
};

}  // namespace decnet::intel::prober
