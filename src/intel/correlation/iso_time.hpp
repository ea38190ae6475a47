// ISO-8601 timestamps as the correlation engine reads and prints them (intel.md §5.1):
// parsed to an instant (UTC microseconds) while remembering the offset as written, so a
// timestamp prints back as Python's datetime.isoformat() would ("Z" becomes "+00:00", the
// fraction is omitted when zero, a naive timestamp stays naive and counts as UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::intel {

struct IsoTime {
    std::int64_t utc_micros = 0;        // instant, microseconds since the Unix epoch
    std::optional<int> offset_seconds;  // as written; nullopt: naive
    bool operator<(const IsoTime& o) const { return utc_micros < o.utc_micros; }
};

// YYYY-MM-DD, then optionally one separator character and HH[:MM[:SS[.f…]]] (fraction
// truncated to microseconds), then optionally Z or ±HH[:MM[:SS]]. nullopt otherwise.
std::optional<IsoTime> parse_iso_time(std::string_view text);

// Python isoformat of the wall clock at the written offset.
std::string format_iso_time(const IsoTime& time);

// "%Y-%m-%d %H:%M:%S" of the wall clock at the written offset (the table's First Seen).
std::string format_wall_clock(const IsoTime& time);

// The store's "YYYY-MM-DD HH:MM:SS.ffffff" (UTC) ⇄ IsoTime with offset +00:00.
std::optional<IsoTime> parse_store_time(std::string_view text);

}  // namespace decnet::intel
