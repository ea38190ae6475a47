// The sniffer's packet logic, free of capture and threads: decoded packets in (with their
// capture time), events out. Per TCP flow involving a decky it keeps bounded state with
// expiry — SYN/SYN-ACK/ACK times for JA4L, a small in-order reassembly of each side's first
// bytes (a ClientHello or KEXINIT split across segments), flow timing — and emits
// tcp_syn_fingerprint (reference table + p0f v3 + JA4T), tls_client_hello (JA3, JA4,
// ja4_r), tls_session (JA3S, JA4S), tls_certificate, ssh_client_kexinit (HASSH),
// ssh_server_kexinit (HASSHServer) and tcp_flow_timing, deduplicated per (attacker, event
// type, fingerprint) for a TTL in a bounded map (intel.md §2, docs/SNIFFER.md).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/event.hpp"
#include "intel/sniffer/p0f.hpp"
#include "wire/packet.hpp"

namespace decnet::intel::sniffer {

// Capture time in microseconds since the epoch (pcap's timestamp): live and offline runs
// of the same packets give the same events.
using Micros = std::int64_t;

struct EngineOptions {
    Micros dedup_ttl = 300'000'000;  // 0: no dedup
    std::size_t max_dedup_entries = 65536;
    std::size_t max_flows = 65536;
    Micros flow_idle = 120'000'000;  // a flow silent this long is flushed
    Micros sweep_interval = 30'000'000;
    std::size_t max_stream_bytes = 32 * 1024;  // per side: hellos, KEXINIT (+ certificate)
    std::size_t max_out_of_order = 8;          // segments held for a gap, per side
    std::size_t max_seen_seqs = 512;           // per flow, for retransmit counting
    bool flow_timing = true;
    const p0f::Database* p0f = nullptr;  // none: p0f_* fields are "none"
};

struct EngineStats {
    std::uint64_t packets = 0, decky_packets = 0, events = 0, deduplicated = 0;
    std::uint64_t flows_active = 0, flows_refused = 0, dedup_entries = 0, dedup_evicted = 0;
};

class SnifferEngine {
  public:
    using Emit = std::function<void(Event)>;
    SnifferEngine(EngineOptions options, Emit emit);
    ~SnifferEngine();
    SnifferEngine(const SnifferEngine&) = delete;
    SnifferEngine& operator=(const SnifferEngine&) = delete;

    // Decky address → name; replaces the map wholesale (an empty map is ignored).
    void set_deckies(std::map<wire::packet::Address, std::string> deckies);
    void on_packet(const wire::packet::Packet& packet, Micros now);
    // Emits the flow timing of every flow still open (shutdown, end of a capture file).
    void flush_all();
    EngineStats stats() const;

    struct Flow;

  private:
    void syn_fingerprint(const wire::packet::Packet& packet, const std::string& decky);
    void on_payload(Flow& flow, bool from_client, const wire::packet::Packet& packet, Micros now);
    void analyse_client(Flow& flow);
    void analyse_server(Flow& flow);
    void flush(Flow& flow);
    void sweep(Micros now);
    bool admit(const std::string& src_ip, const std::string& type, const std::string& key);
    void emit(Event event);

    EngineOptions options_;
    Emit emit_;
    std::map<wire::packet::Address, std::string> deckies_;
    struct KeyHash {
        std::size_t operator()(const std::string& key) const noexcept;
    };
    // Attacker address, decky address, attacker port, decky port: no allocation per packet.
    struct FlowKey {
        std::array<std::uint8_t, 36> bytes{};
        bool operator==(const FlowKey&) const = default;
    };
    struct FlowKeyHash {
        std::size_t operator()(const FlowKey& key) const noexcept;
    };
    std::unordered_map<FlowKey, std::unique_ptr<Flow>, FlowKeyHash> flows_;
    std::unordered_map<std::string, Micros, KeyHash> dedup_, dedup_previous_;
    static constexpr std::size_t kP0fCacheSize = 4096, kRecentSyns = 65536;
    std::unordered_map<std::string, Micros, KeyHash> recent_syns_;
    std::unordered_map<std::string, std::optional<p0f::Match>, KeyHash> p0f_cache_;
    Micros now_ = 0, last_sweep_ = 0;
    EngineStats stats_;
};

// Python's repr of a float rounded to `digits` decimals ("2.5", "100.0", "0.003").
std::string python_float(double value, int digits);

}  // namespace decnet::intel::sniffer
