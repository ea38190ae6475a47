// One attacker's profile as the profiler aggregates it (intel.md §6.2): counts, services,
// deckies in first-contact order, commands — built incrementally from stored log rows,
// and loaded back from its `attackers` row so a restart continues it instead of starting
// over (fixes the reference's shrinking profiles). Every list is bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "intel/geoip/geoip.hpp"
#include "store/repository.hpp"

namespace decnet::intel {

struct ProfileLimits {
    std::size_t max_services = 64;
    std::size_t max_deckies = 256;
    std::size_t max_commands = 500;        // the most recent are kept
    std::size_t max_command_bytes = 1024;  // longer command texts are cut
    std::size_t max_event_times = 1000;    // timing statistics cover the latest ones
    std::size_t max_techniques = 128;      // distinct ATT&CK ids counted per attacker
};

// The command text of a row (intel.md §6.2): for event types command, exec, query,
// input, shell_input, execute, run, sql_query, redis_command, the first non-empty of the
// fields command, query, input, line, sql, cmd. nullopt when the row is no command.
std::optional<std::string> command_text(const store::LogRecord& row);

// "YYYY-MM-DD HH:MM:SS.ffffff" (store, UTC) → "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00".
std::string store_time_to_iso(const std::string& store_time);

class AttackerProfile {
  public:
    AttackerProfile(std::string uuid, std::string ip)
        : uuid_(std::move(uuid)), ip_(std::move(ip)) {}
    // Continues a stored row. Deckies keep their stored order; their first-contact times
    // are taken as the row's first_seen (exact order is kept for every later decky).
    static AttackerProfile from_record(const store::AttackerRecord& row);

    // A row of an attacker service: counts, services, deckies, commands.
    void apply(const store::LogRecord& row, const ProfileLimits& limits);
    // A row of an intel service (sniffer, prober): only extends first/last seen when the
    // profile is new; counts, services and deckies are untouched.
    void apply_intel(const store::LogRecord& row);

    struct Bounties {
        std::int64_t total = 0;
        std::int64_t credentials = 0;
        std::string fingerprints = "[]";  // JSON list of bounty objects
    };
    void set_bounties(Bounties bounties) { bounties_ = std::move(bounties); }
    // Country and ASN of the address (intel/geoip); a stored row's are kept otherwise.
    void set_geo(geoip::GeoInfo geo) { geo_ = std::move(geo); }
    const geoip::GeoInfo& geo() const { return geo_; }

    store::AttackerRecord to_record(const std::string& updated_at) const;
    // The attacker_behavior row (intel.md §6.3): timing over the latest event times,
    // behaviour class, beacon, tool guesses, phase sequence. The sniffer rollup (OS
    // guess, hops, TCP fingerprint, retransmits) is not filled yet.
    store::AttackerBehaviorRecord to_behavior(const std::string& updated_at) const;
    // Continues a stored behaviour row (phases, header tools) and the event times read
    // back from the store (seconds since the epoch, any order).
    void restore_behavior(const store::AttackerBehaviorRecord& row);
    void seed_times(const std::vector<double>& times, const ProfileLimits& limits);

    const std::string& uuid() const { return uuid_; }
    const std::string& ip() const { return ip_; }
    std::int64_t event_count() const { return event_count_; }
    std::size_t decky_count() const { return deckies_.size(); }
    std::vector<std::string> deckies() const;
    const std::string& first_seen() const { return first_seen_; }
    const std::string& last_seen() const { return last_seen_; }
    // Approximate heap + object bytes (the worker's cache budget).
    std::size_t bytes() const;

  private:
    struct Contact {
        std::string decky;
        std::string first;  // store time of the first event on it
    };
    struct Command {
        std::string service, decky, command, timestamp;  // timestamp ISO
    };
    void seen_at(const std::string& time);
    void count_techniques(const std::string& tags, const ProfileLimits& limits);

    std::string uuid_;
    std::string ip_;
    std::string first_seen_;
    std::string last_seen_;
    std::int64_t event_count_ = 0;
    std::vector<std::string> services_;  // sorted
    std::vector<Contact> deckies_;       // first-contact order
    std::deque<Command> commands_;
    std::vector<std::pair<std::string, std::int64_t>> techniques_;  // ATT&CK id → events, sorted
    Bounties bounties_;
    geoip::GeoInfo geo_;
    std::deque<double> times_;               // latest event times, seconds
    std::vector<std::string> header_tools_;  // from request headers, detection order
    std::optional<double> recon_end_, exfil_start_;
    std::int64_t large_payloads_ = 0;
    // Sniffer/prober rollup (§6.3): votes in first-seen order, hops, last snapshot.
    void roll_up(const store::LogRecord& row);
    std::vector<std::pair<std::string, int>> os_votes_, ttl_votes_;
    std::vector<int> hops_;
    std::optional<std::string> tcp_snapshot_;  // JSON object text
    std::int64_t retransmits_ = 0;
};

}  // namespace decnet::intel
