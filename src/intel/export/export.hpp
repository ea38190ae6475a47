// `decnet export` (docs/INTEL.md): attacker intelligence from the store as a STIX 2.1
// bundle, a MISP event, CSV or JSON. Collecting (export_data.cpp) is separate from
// formatting (one file per format), so every format sees the same bounded data and the
// formats are tested without a store. Every string from an attacker goes through the
// format's own escaping (JSON, RFC 4180 + formula neutralising, STIX pattern quoting).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/repository.hpp"

namespace decnet::intel::exporting {

struct ExportLimits {
    std::size_t max_attackers = 1000000;
    std::size_t max_items = 200;  // credentials, fingerprints, artifacts, commands each
};

struct ExportFingerprint {
    std::string type;   // ja3, ja4, hassh, jarm, hassh_server, http_useragent, ...
    std::string value;  // the hash or the string
};

struct ExportArtifact {
    std::string sha256;
    std::string filename;
};

struct ExportTechnique {
    std::string id;    // T1110
    std::string name;  // Brute Force ("" when the rule table does not know it)
    std::int64_t events = 0;
};

struct ExportAttacker {
    store::AttackerRecord row;
    std::optional<std::string> identity_id;
    std::vector<std::pair<std::string, std::string>> credentials;  // (username, password)
    std::vector<ExportFingerprint> fingerprints;
    std::vector<ExportArtifact> artifacts;
    std::vector<ExportTechnique> techniques;
    std::vector<std::string> services, deckies, commands;
};

struct ExportData {
    std::string generated_at;               // store time, now
    std::optional<std::string> since;       // store time, attackers last seen at or after it
    std::vector<ExportAttacker> attackers;  // last seen, newest first
};

// The attackers last seen at or after `since` (store time) with their bounties.
ExportData collect(store::Repository& repository, const std::optional<std::string>& since,
                   const ExportLimits& limits = {});

// `--since`: an ISO 8601 time (naive = UTC) or a duration back from `now_micros`
// ("90s", "30m", "24h", "7d", "2w"). The store time, or nullopt when unreadable.
std::optional<std::string> parse_since(const std::string& text, std::int64_t now_micros);

std::string to_stix(const ExportData& data);
std::string to_misp(const ExportData& data);
std::string to_csv(const ExportData& data);
std::string to_json(const ExportData& data);

// A CSV cell: neutralised (a leading = + - @ tab or CR gets an apostrophe, so a
// spreadsheet never reads it as a formula) and quoted per RFC 4180 when needed.
std::string csv_cell(const std::string& text);

// "YYYY-MM-DD HH:MM:SS.ffffff" → "YYYY-MM-DDTHH:MM:SS.mmmZ" (STIX timestamps); "" if bad.
std::string stix_time(const std::string& store_time);

}  // namespace decnet::intel::exporting
