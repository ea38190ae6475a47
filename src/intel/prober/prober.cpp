// The governed probe loop and the events it writes (docs/PROBER.md, docs/EVENTS.md).
#include "intel/prober/prober.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "intel/prober/jarm.hpp"
#include "intel/prober/probes.hpp"
#include "telemetry/span.hpp"

namespace decnet::intel::prober {
namespace {

std::string_view phase_span(ProbeKind kind) {
    switch (kind) {
        case ProbeKind::jarm:
            return "prober.jarm_phase";
        case ProbeKind::hassh:
            return "prober.hassh_phase";
        case ProbeKind::tcpfp:
            return "prober.tcpfp_phase";
        case ProbeKind::tls_cert:
            return "prober.tls_cert_phase";
    }
    return "prober.phase";
}

std::string_view kind_label(ProbeKind kind) {
    switch (kind) {
        case ProbeKind::jarm:
            return "JARM";
        case ProbeKind::hassh:
            return "HASSH";
        case ProbeKind::tcpfp:
            return "TCPFP";
        case ProbeKind::tls_cert:
            return "TLSCERT";
    }
    return "?";
}

// How many connections a probe opens (the audit event says what will be sent).
int connections_of(ProbeKind kind) {
    return kind == ProbeKind::jarm ? 10 : 1;
}

}  // namespace

Prober::Prober(ProberSettings settings, EventSink sink)
    : settings_(std::move(settings)),
      policy_(settings_),
      sink_(std::move(sink)),
      governor_(settings_) {}

ProberStats Prober::stats() const {
    const std::lock_guard lock(mutex_);
    return stats_;
}

Event Prober::event(std::string_view type, const std::string& ip, std::uint16_t port) const {
    Event e;
    e.time = event_now();
    e.decky = std::string(kProberDecky);
    e.service = std::string(kProberService);
    e.event_type = std::string(type);
    e.src_ip = ip;
    e.trace = telemetry::current_span_context();
    e.add("target_ip", ip).add("target_port", port);
    return e;
}

bool Prober::wait_for_token(const std::atomic<bool>* stop) {
    // At most 10 minutes of waiting in 100 ms steps (rate ≥ 0.001/s gives ≤ 1000 s).
    for (int i = 0; i < 6000; ++i) {
        if (stop && stop->load()) return false;
        const auto wait = governor_.take_token(std::chrono::steady_clock::now());
        if (wait == std::chrono::steady_clock::duration::zero()) return true;
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(wait, std::chrono::milliseconds(100)));
    }
    return false;
}

void Prober::probe(const std::string& ip, const std::atomic<bool>* stop,
                   const TraceContext* parent) {
    const std::lock_guard lock(mutex_);
    const bool linked = parent && parent->valid();
    telemetry::Span cycle("prober.probe_cycle",
                          telemetry::SpanStart{.parent = linked ? parent : nullptr});
    cycle.set_attributes({{"target_ip", ip}, {"dry_run", settings_.dry_run}});
    ++stats_.targets;
    const auto decision = policy_.decide(ip);
    cycle.set_attribute("policy", decision.reason);
    if (!decision.allowed) {
        ++stats_.denied;
        spdlog::debug("prober: {} not probed: {}", ip, decision.reason);
        return;
    }
    for (const auto kind : settings_.probes) {
        telemetry::Span phase(phase_span(kind));
        for (const auto port : settings_.ports.of(kind)) {
            if (stop && stop->load()) return;
            switch (governor_.admit(ip, kind, port, std::chrono::steady_clock::now())) {
                case Admission::repeat:
                    ++stats_.skipped_ttl;
                    continue;
                case Admission::over_budget:
                    ++stats_.skipped_budget;
                    continue;
                case Admission::admitted:
                    break;
            }
            if (!wait_for_token(stop)) return;
            run_one(ip, kind, port);
        }
    }
}

void Prober::run_one(const std::string& ip, ProbeKind kind, std::uint16_t port) {
    const auto label = std::string(kind_label(kind));
    const auto where = ip + ":" + std::to_string(port);
    auto& counts = stats_.by_kind[static_cast<std::size_t>(kind)];
    if (settings_.dry_run) {
        ++stats_.probes_planned;
        ++counts.planned;
        auto e = event("probe_planned", ip, port);
        e.add("probe", to_string(kind)).add("connections", connections_of(kind));
        e.msg = "dry-run: would " + label + " probe " + where;
        sink_(std::move(e));
        return;
    }
    // The audit record goes out before the first packet.
    ++stats_.probes_sent;
    ++counts.sent;
    {
        auto e = event("probe_sent", ip, port);
        e.add("probe", to_string(kind)).add("connections", connections_of(kind));
        e.msg = label + " probe sent to " + where;
        sink_(std::move(e));
    }
    std::string error;
    std::optional<Event> result;
    switch (kind) {
        case ProbeKind::jarm: {
            const auto r = probe_jarm(ip, port, settings_.timeout);
            if (r.hash != std::string(62, '0')) {
                auto& e = result.emplace(event("jarm_fingerprint", ip, port));
                e.add("jarm_hash", r.hash).add("jarm_raw", jarm::raw(r.answers));
                e.msg = "JARM " + where + " = " + r.hash;
            }
            break;
        }
        case ProbeKind::hassh:
            if (const auto r = probe_hassh(ip, port, settings_.timeout, error)) {
                auto& e = result.emplace(event("hassh_fingerprint", ip, port));
                e.add("hassh_server_hash", r->hash)
                    .add("ssh_banner", r->banner)
                    .add("kex_algorithms", r->kex)
                    .add("encryption_s2c", r->enc_s2c)
                    .add("mac_s2c", r->mac_s2c)
                    .add("compression_s2c", r->cmp_s2c)
                    .add("hassh_server_algorithms", r->algorithms);
                e.msg = "HASSH " + where + " = " + r->hash;
            }
            break;
        case ProbeKind::tcpfp:
            if (const auto r = probe_tcpfp(ip, port, settings_.timeout, error)) {
                const auto raw = tcpfp_raw(*r);
                const auto hash = tcpfp_hash(raw);
                auto& e = result.emplace(event("tcpfp_fingerprint", ip, port));
                e.add("tcpfp_hash", hash)
                    .add("tcpfp_raw", raw)
                    .add("ttl", r->ttl)
                    .add("window_size", r->window_size)
                    .add("df_bit", r->df_bit)
                    .add("mss", r->mss)
                    .add("window_scale", r->window_scale)
                    .add("sack_ok", r->sack_ok)
                    .add("timestamp", r->timestamp)
                    .add("options_order", r->options_order);
                e.msg = "TCPFP " + where + " = " + hash;
            } else if (error.find("CAP_NET_RAW") == std::string::npos) {
                error.clear();  // refused or filtered: no SYN-ACK is not a failure
            }
            break;
        case ProbeKind::tls_cert:
            if (const auto r = probe_tls_cert(ip, port, settings_.timeout, error)) {
                auto& e = result.emplace(event("tls_cert_fingerprint", ip, port));
                e.add("cert_sha256", r->sha256)
                    .add("subject", r->subject)
                    .add("subject_cn", r->subject_cn)
                    .add("issuer", r->issuer)
                    .add("sans", json_list(r->sans))
                    .add("not_before", r->not_before)
                    .add("not_after", r->not_after)
                    .add("self_signed", r->self_signed)
                    .add("serial", r->serial)
                    .add("tls_version", r->tls_version)
                    .add("cipher", r->cipher);
                e.msg = "TLSCERT " + where + " = " + r->sha256;
            } else if (error.find("refused") != std::string::npos ||
                       error.find("timed out") != std::string::npos) {
                error.clear();  // nothing listening: not a failure
            }
            break;
    }
    if (result) {
        ++stats_.fingerprints;
        ++counts.fingerprints;
        sink_(std::move(*result));
    } else if (!error.empty() && kind != ProbeKind::hassh) {
        ++stats_.errors;
        ++counts.errors;
        auto e = event("prober_error", ip, port);
        e.severity = Severity::warning;
        e.add("probe", to_string(kind)).add("error", error);
        e.msg = label + " probe failed for " + where + ": " + error;
        sink_(std::move(e));
    }
}

}  // namespace decnet::intel::prober
