// Cross-decky correlation (intel.md §5): RFC 5424 lines indexed by attacker IP, and the
// attackers that touched at least N distinct deckies ("traversals") with their time-ordered
// hops, first-contact path and duration; the reference's JSON and syslog reports.
// Events of DECNET's own intel services (sniffer, prober, correlator) are parsed but never
// indexed: they are not attacker movement (fixes intel.md §6.2's QUIRK).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/event.hpp"
#include "intel/correlation/iso_time.hpp"

namespace decnet::intel {

// Services whose events describe an attacker without being the attacker's own traffic.
bool is_intel_service(std::string_view service);

struct CorrelationEvent {
    IsoTime timestamp;
    std::string decky;
    std::string service;
    std::string event_type;
    std::string attacker_ip;  // "" when the line names none
    Fields fields;
};

// intel.md §5.1: nullopt for a blank line, a line that is not RFC 5424 with PROCID "-",
// HOST or APP "-", or a timestamp that is not ISO-8601. attacker_ip = the first *present*
// field among src_ip, src, client_ip, remote_ip, remote_addr, target_ip, ip (a present
// but empty src_ip gives "", as in the reference).
std::optional<CorrelationEvent> parse_correlation_line(std::string_view line);

struct TraversalHop {
    IsoTime timestamp;
    std::string decky;
    std::string service;
    std::string event_type;
};

struct Traversal {
    std::string attacker_ip;
    std::vector<TraversalHop> hops;    // time order (stable for equal times)
    std::vector<std::string> deckies;  // distinct, first-contact order
    IsoTime first_seen() const { return hops.front().timestamp; }
    IsoTime last_seen() const { return hops.back().timestamp; }
    double duration_seconds() const;
    std::string path() const;  // deckies joined by " → "
};

// "a → b → c".
std::string traversal_path(const std::vector<std::string>& deckies);
// The table's Duration cell: 45 → "45s", 90 → "1.5m", 7200 → "2.0h".
std::string format_duration(double seconds);

// The `traversal_detected` event (HOST decnet-correlator, APP correlator, WARNING) with
// the reference's fields: attacker_ip, decky_count, deckies (comma-joined), first_seen,
// last_seen (ISO), hop_count, duration_s (whole seconds). `time` is when it is reported.
Event traversal_event(const std::string& attacker_ip, const std::vector<std::string>& deckies,
                      const IsoTime& first_seen, const IsoTime& last_seen, std::int64_t hop_count,
                      EventTime time);

class CorrelationEngine {
  public:
    // Indexed events kept at most (the rest are counted in lines_parsed only).
    static constexpr std::size_t kMaxIndexedEvents = 5'000'000;

    // Counts the line, parses it and indexes it when it names an attacker. False when the
    // line was not indexed.
    bool ingest(std::string_view line);

    std::uint64_t lines_parsed() const { return lines_parsed_; }
    std::uint64_t events_indexed() const { return events_indexed_; }
    std::size_t unique_ips() const { return order_.size(); }

    // Attackers with at least `min_deckies` distinct deckies, ordered by first hop time.
    std::vector<Traversal> traversals(int min_deckies = 2) const;

    // {"stats": {...}, "traversals": [...]} pretty-printed with two-space indentation.
    std::string report_json(int min_deckies = 2) const;
    // One RFC 5424 line per traversal, stamped `now`.
    std::vector<std::string> traversal_syslog_lines(int min_deckies, EventTime now) const;

  private:
    struct Hop {
        IsoTime timestamp;
        std::uint32_t decky, service, event_type;  // interned strings
    };
    std::uint32_t intern(const std::string& s);

    std::uint64_t lines_parsed_ = 0;
    std::uint64_t events_indexed_ = 0;
    std::vector<std::string> strings_;
    std::unordered_map<std::string, std::uint32_t> string_ids_;
    std::vector<std::string> order_;  // IPs in first-sighting order
    std::unordered_map<std::string, std::vector<Hop>> hops_;
};

}  // namespace decnet::intel
