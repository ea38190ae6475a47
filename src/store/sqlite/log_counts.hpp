// Per-minute row counts of `logs` (migration 11), written by insert_logs in the rows' own
// transaction. /stats' total, the totals of /logs and the histogram read them instead of
// counting index entries: at 10 M rows a COUNT over an index range takes about a second,
// the sum over a month of minutes a few milliseconds (bench/store_10m).
//
// One row per (dim, value, minute): dim '' counts every row (value ''); 'decky', 'service'
// and 'event_type' count by that column's value. `minute` is the first 16 characters
// ("YYYY-MM-DD HH:MM") of a canonical stored time ("YYYY-MM-DD HH:MM:SS.ffffff"), and ''
// for any other text: while such a row exists the counts answer nothing and every question
// goes to the rows (a database adopted from elsewhere may hold odd times).
// Beside them, log_attacker_ips holds every attacker_ip with its row count: /stats'
// distinct attackers is its row count (an index walk per distinct value before).
//
// The counts answer a filter with a time window (any text, compared as the rows' text is)
// and at most one of `decky:`, `service:`, `event:`: the minutes wholly inside the window
// come from the counts, the one or two minutes the window's ends cut are counted from
// the rows, so the answer is the rows' own, exactly.
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

// The `minute` key of a stored time: its first 16 characters when canonical, else "".
std::string minute_key(std::string_view timestamp);

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

// The matching rows' count per minute ("YYYY-MM-DD HH:MM", ascending, none zero), or
// nullopt as above (the histogram sums them into its buckets).
std::optional<std::vector<std::pair<std::string, std::int64_t>>> counted_minutes(
    Connection& c, const LogFilter& filter, const std::vector<SearchTerm>& terms);

}  // namespace decnet::store::sqlite
