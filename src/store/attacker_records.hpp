// Attacker profiles as stored (api.md §5.2 `attackers` and `attacker_behavior`, written
// by the profiler, §5.6) and the list query of §6.5. JSON columns stay JSON text here;
// the API parses them on output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace decnet::store {

struct AttackerRecord {
    std::string uuid;
    std::string ip;
    std::string first_seen;  // store text "YYYY-MM-DD HH:MM:SS.ffffff"
    std::string last_seen;
    std::int64_t event_count = 0;
    std::int64_t service_count = 0;
    std::int64_t decky_count = 0;
    std::string services = "[]";  // JSON list of str
    std::string deckies = "[]";   // JSON list of str
    std::optional<std::string> traversal_path;
    bool is_traversal = false;
    std::int64_t bounty_count = 0;
    std::int64_t credential_count = 0;
    std::string fingerprints = "[]";  // JSON list of bounty objects
    std::string commands = "[]";      // JSON list of {service, decky, command, timestamp}
    std::string updated_at;
    // decnet's addition: {"T1110": events, ...}, the ATT&CK techniques of its tagged events.
    std::string attack_techniques = "{}";
    // decnet's addition: offline enrichment of `ip` (intel/geoip, docs/INTEL.md); null for
    // private addresses, unknown ones and when no database is configured.
    std::optional<std::string> country;       // ISO 3166-1 alpha-2
    std::optional<std::string> country_name;  // English
    std::optional<std::int64_t> asn;
    std::optional<std::string> as_org;
};

struct AttackerBehaviorRecord {
    std::string attacker_uuid;
    std::optional<std::string> os_guess;
    std::optional<std::int64_t> hop_distance;
    std::string tcp_fingerprint = "{}";  // JSON object
    std::int64_t retransmit_count = 0;
    std::optional<std::string> behavior_class;
    std::optional<double> beacon_interval_s;
    std::optional<double> beacon_jitter_pct;
    std::optional<std::string> tool_guesses;  // JSON list of str (may be anything)
    std::string timing_stats = "{}";          // JSON object
    std::string phase_sequence = "{}";        // JSON object
    std::string updated_at;
};

// §6.5 orderings; ties broken by uuid so pages never overlap.
enum class AttackerSort { recent, active, traversals };

struct AttackerFilter {
    std::optional<std::string> search;   // substring of ip (LIKE, wildcards kept)
    std::optional<std::string> service;  // `services` JSON text contains "<service>"
    bool empty() const { return !search && !service; }
};

}  // namespace decnet::store
