// Row counts of `logs` per five minutes (migration 11), written by insert_logs in the
// rows' own transaction. /stats' total, the totals of /logs and the histogram read them
// instead of counting index entries: at 10 M rows a COUNT over an index range takes 1.1-1.4
// s, the sum over a month of slots a few ms (bench/store_10m).
//
// One row per (dim, value, slot): dim '' counts every row (value ''); 'decky',
// 'service' and 'event_type' count by that column's value. `slot` is the first minute
// ("YYYY-MM-DD HH:MM", MM a multiple of 5) and `last` the last minute (MM + 4) of the
// five-minute slot of a canonical stored time ("YYYY-MM-DD HH:MM:SS.ffffff"); both are '' for
// any other text, and while such a row exists the counts answer nothing and every question
// goes to the rows (a database adopted from elsewhere may hold odd times).
//
// The counts answer a filter with a time window (any text, compared as the rows' text is)
// and at most one of `decky:`, `service:`, `event:`: the slots wholly inside the window
// come from the counts, the rows of the one or two slots its ends cut are counted
// themselves (an index range of five minutes' rows), so the answer is the rows' own.
// Beside them, log_attacker_ips holds every attacker_ip with its row count: /stats'
// distinct attackers is its row count (an index seek per distinct value before).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/log_search.hpp"
#include "store/repository.hpp"
#include "store/sqlite/statement.hpp"

namespace decnet::store::sqlite {

// Whether the rows compare `bound` as text: `timestamp` has NUMERIC affinity, so a
// bound that reads as a number is compared as one. True for date-like text ("YYYY-...").
bool compared_as_text(std::string_view bound);

// The minute ("YYYY-MM-DD HH:MM") of a canonical stored time, else "".
std::string minute_key(std::string_view timestamp);
// The first and last minute of the five-minute slot of a canonical stored time, else "", "".
std::pair<std::string, std::string> slot_key(std::string_view timestamp);

// Adds the rows' counts; call inside the write transaction that inserts them. `now` is
// the time stored for rows without one (as insert_logs does).
void add_log_counts(Connection& c, std::span<const LogRecord> rows, std::string_view now);

// Adds `sign` times the counts of the stored rows with id > after_id (the migration
// counts every row; a caller deleting the newest rows takes theirs back first).
void count_stored_logs(Connection& c, std::int64_t after_id = 0, int sign = 1);

// Every stored row.
std::int64_t total_logs(Connection& c);
// Distinct attacker_ip values of the stored rows ("Unknown" included).
std::int64_t distinct_attackers(Connection& c);

// The number of rows matching `filter` (parsed `terms`), or nullopt when the counts
// cannot answer this shape.
std::optional<std::int64_t> counted_logs(Connection& c, const LogFilter& filter,
                                         const std::vector<SearchTerm>& terms);

// The matching rows, for the histogram: the slots wholly inside the window with their
// counts (first minute, ascending), and for each slot the window's ends cut, the
// earliest matching row's time and the slot's matching rows. nullopt as above, and when
// no whole slot has rows (the rows are then few: those of at most two slots).
struct SlotCounts {
    std::vector<std::pair<std::string, std::int64_t>> slots;
    std::vector<std::pair<std::string, std::int64_t>> cut;
};
std::optional<SlotCounts> counted_slots(Connection& c, const LogFilter& filter,
                                        const std::vector<SearchTerm>& terms);

}  // namespace decnet::store::sqlite
