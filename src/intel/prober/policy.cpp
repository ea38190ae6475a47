// Address policy and frequency limits of the prober (docs/PROBER.md, "Governance").
#include "intel/prober/policy.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace decnet::intel::prober {

std::string_view to_string(ProbeKind kind) {
    switch (kind) {
        case ProbeKind::jarm:
            return "jarm";
        case ProbeKind::hassh:
            return "hassh";
        case ProbeKind::tcpfp:
            return "tcpfp";
        case ProbeKind::tls_cert:
            return "tls_cert";
    }
    return "?";
}

std::optional<ProbeKind> probe_kind_from_string(std::string_view name) {
    for (const auto kind :
         {ProbeKind::jarm, ProbeKind::hassh, ProbeKind::tcpfp, ProbeKind::tls_cert})
        if (to_string(kind) == name) return kind;
    return std::nullopt;
}

const std::vector<std::uint16_t>& ProbePorts::of(ProbeKind kind) const {
    switch (kind) {
        case ProbeKind::jarm:
            return jarm;
        case ProbeKind::hassh:
            return hassh;
        case ProbeKind::tcpfp:
            return tcpfp;
        case ProbeKind::tls_cert:
            return tls_cert;
    }
    return jarm;
}

const std::vector<Subnet>& builtin_denies() {
    static const std::vector<Subnet> denies = [] {
        std::vector<Subnet> out;
        for (const char* cidr : {"0.0.0.0/8", "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12",
                                 "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16",
                                 "192.0.0.0/24", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4"})
            out.push_back(Subnet::parse(cidr));
        return out;
    }();
    return denies;
}

namespace {

std::vector<Subnet> parse_list(const std::vector<std::string>& cidrs, std::string_view what) {
    std::vector<Subnet> out;
    for (const auto& cidr : cidrs) {
        try {
            out.push_back(Subnet::parse(cidr));
        } catch (const ConfigError& e) {
            throw ConfigError("prober " + std::string(what) + " '" + cidr + "': " + e.what());
        }
    }
    return out;
}

const Subnet* match(const std::vector<Subnet>& list, Ipv4 ip) {
    const auto it =
        std::find_if(list.begin(), list.end(), [&](const Subnet& s) { return s.contains(ip); });
    return it == list.end() ? nullptr : &*it;
}

std::string_view builtin_name(const Subnet& s) {
    const auto first = s.network.value >> 24;
    if (first == 127) return "loopback";
    if (s.prefix == 4) return first == 224 ? "multicast" : "reserved";
    if (first == 169) return "link-local";
    if (first == 100) return "CGNAT";
    if (first == 0) return "\"this\" network";
    if (first == 198 || (first == 192 && s.prefix == 24)) return "special-purpose";
    return "private";
}

}  // namespace

TargetPolicy::TargetPolicy(const ProberSettings& settings)
    : allow_(parse_list(settings.allow, "allow")),
      deny_(parse_list(settings.deny, "deny")),
      own_(parse_list(settings.own_networks, "own network")) {}

PolicyDecision TargetPolicy::decide(std::string_view text) const {
    const auto ip = Ipv4::try_parse(text);
    if (!ip) return {false, "not an IPv4 address"};
    if (ip->value == 0xFFFFFFFFu) return {false, "broadcast"};
    if (const auto* s = match(deny_, *ip)) return {false, "denied by deny list " + s->cidr()};
    if (const auto* s = match(allow_, *ip)) return {true, "allowed by allow list " + s->cidr()};
    if (const auto* s = match(own_, *ip)) return {false, "own network " + s->cidr()};
    if (const auto* s = match(builtin_denies(), *ip))
        return {false, std::string(builtin_name(*s)) + " " + s->cidr()};
    return {true, "public address"};
}

std::string_view to_string(Admission admission) {
    switch (admission) {
        case Admission::admitted:
            return "admitted";
        case Admission::repeat:
            return "probed within ttl";
        case Admission::over_budget:
            return "target budget spent";
    }
    return "?";
}

ProbeGovernor::ProbeGovernor(const ProberSettings& settings)
    : budget_(std::max(settings.target_budget, 0)),
      rate_(std::max(settings.rate_per_second, 0.001)),
      burst_(std::max(settings.rate_burst, 1)),
      tokens_(burst_),
      done_(settings.max_tracked, settings.ttl),
      budgets_(settings.max_tracked, settings.ttl) {}

Admission ProbeGovernor::admit(const std::string& ip, ProbeKind kind, std::uint16_t port,
                               SteadyTime now) {
    const std::string key = ip + "|" + std::string(to_string(kind)) + "|" + std::to_string(port);
    if (done_.find(key, now)) return Admission::repeat;
    Budget* budget = budgets_.find(ip, now);
    if (!budget) budget = &budgets_.put(ip, Budget{}, now);
    if (budget->used >= budget_) return Admission::over_budget;
    ++budget->used;
    done_.put(key, true, now);
    return Admission::admitted;
}

std::chrono::steady_clock::duration ProbeGovernor::take_token(SteadyTime now) {
    if (refilled_ == SteadyTime{}) refilled_ = now;
    const double elapsed = std::chrono::duration<double>(now - refilled_).count();
    if (elapsed > 0) {
        tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
        refilled_ = now;
    }
    if (tokens_ >= 1.0) {
        tokens_ -= 1.0;
        return std::chrono::steady_clock::duration::zero();
    }
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>((1.0 - tokens_) / rate_));
}

}  // namespace decnet::intel::prober
