// JSON output shared by the read resources: stored rows to the objects of api.md §1.3,
// §1.5, §1.10 and §5.6, ISO timestamps, and JSON text columns parsed on the way out.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace decnet::store {
struct LogRecord;
struct BountyRecord;
struct AttackerRecord;
struct AttackerBehaviorRecord;
}  // namespace decnet::store

namespace decnet::api {

// Stored "YYYY-MM-DD HH:MM:SS.ffffff" → "YYYY-MM-DDTHH:MM:SS[.ffffff]", the fraction only
// when non-zero (Python's isoformat of a naive datetime).
std::string iso_timestamp(std::string_view stored);

// Compact UTF-8 JSON; invalid UTF-8 (attackers send anything) becomes U+FFFD instead of
// failing the response.
std::string dump_json(const nlohmann::ordered_json& value);

// The JSON value of `text`, or `text` itself as a string when it does not parse.
nlohmann::ordered_json parse_or_raw(const std::string& text);

nlohmann::ordered_json log_json(const store::LogRecord& row);
// Appends `text` as a JSON string, exactly as dump_json writes it: plain printable ASCII
// directly, anything else (escapes, UTF-8, invalid bytes) through the library.
void append_json_string(std::string& out, std::string_view text);
// Appends dump_json(log_json(row)) without building the tree (the /logs pages are the
// read mix's most frequent cache misses).
void append_log_json(std::string& out, const store::LogRecord& row);
nlohmann::ordered_json bounty_json(const store::BountyRecord& row);
nlohmann::ordered_json attacker_json(const store::AttackerRecord& row);
nlohmann::ordered_json behavior_json(const store::AttackerBehaviorRecord& row);

// The {"detail": ..., "type": "internal_validation_error"} 422 body of api.md §0.2.
std::string internal_validation_error_body();

}  // namespace decnet::api
