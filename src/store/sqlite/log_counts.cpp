// Per-minute log counts: kept by insert_logs, read for totals and the histogram.
//
// Why the window arithmetic is exact: canonical times of one minute P all lie between
// P + ":00.000000" and P + ":59.999999" as text, and time filters compare text. So a
// minute is wholly inside `timestamp >= S` when P + ":00.000000" >= S, which for a 16-char
// P is `P >= S` when S has at most 16 characters, else `P > S16`, or `P >= S16` when
// ":00.000000" >= the rest of S (S16: S's first 16 characters). Likewise for the end. The
// only minutes partly inside are S16 and E16, counted from the rows.
#include "store/sqlite/log_counts.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "store/sqlite/log_filter_sql.hpp"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kMinuteStart = ":00.000000";
constexpr std::string_view kMinuteEnd = ":59.999999";

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// What a counted dimension is: ("", "") for every row, else a column and its value.
struct Dimension {
    std::string dim;
    std::string value;
};

std::optional<Dimension> dimension_of(const std::vector<SearchTerm>& terms) {
    if (terms.empty()) return Dimension{};
    if (terms.size() != 1 || terms.front().kind != SearchTerm::Kind::column) return std::nullopt;
    const auto& term = terms.front();
    if (term.name != "decky" && term.name != "service" && term.name != "event_type")
        return std::nullopt;
    return Dimension{term.name, term.value};
}

// A window end the rows compare as text. `timestamp` has NUMERIC affinity, so a bound
// value that reads as a number would be compared as one: only date-like text is taken.
bool date_like(const std::optional<std::string>& bound) {
    return !bound || (bound->size() >= 5 && is_digit((*bound)[0]) && is_digit((*bound)[1]) &&
                      is_digit((*bound)[2]) && is_digit((*bound)[3]) && (*bound)[4] == '-');
}

// The counts' WHERE for the minutes wholly inside the filter's window, and the minutes
// its ends cut.
struct Window {
    Where where;
    std::vector<std::string> partial;
};

std::optional<Window> window_of(Connection& c, const LogFilter& filter,
                                const std::vector<SearchTerm>& terms) {
    const auto dimension = dimension_of(terms);
    if (!dimension || !date_like(filter.start_time) || !date_like(filter.end_time))
        return std::nullopt;
    // A row whose time is not canonical has no minute: the counts cannot place it.
    if (c.query_int64("SELECT 1 FROM log_counts WHERE dim = '' AND value = '' AND minute = ''"))
        return std::nullopt;
    Window w;
    w.where.require("dim = " + w.where.bind(dimension->dim));
    w.where.require("value = " + w.where.bind(dimension->value));
    if (const auto& s = filter.start_time) {
        if (s->size() <= 16) {
            w.where.require("minute >= " + w.where.bind(*s));
        } else {
            const auto minute = s->substr(0, 16);
            const bool whole = kMinuteStart >= std::string_view(*s).substr(16);
            w.where.require((whole ? "minute >= " : "minute > ") + w.where.bind(minute));
            if (!whole) w.partial.push_back(minute);
        }
    }
    if (const auto& e = filter.end_time) {
        if (e->size() <= 16) {
            w.where.require("minute < " + w.where.bind(*e));
        } else {
            const auto minute = e->substr(0, 16);
            const bool whole = kMinuteEnd <= std::string_view(*e).substr(16);
            w.where.require((whole ? "minute <= " : "minute < ") + w.where.bind(minute));
            if (!whole && (w.partial.empty() || w.partial.front() != minute))
                w.partial.push_back(minute);
        }
    }
    return w;
}

// The rows of `minute` matching the whole filter, counted one by one (a minute's worth).
std::int64_t rows_in_minute(Connection& c, const LogFilter& filter,
                            const std::vector<SearchTerm>& terms, const std::string& minute) {
    Where where;
    add_log_filter(where, filter, terms, std::nullopt);
    where.require("timestamp >= " + where.bind(minute + ":"));
    where.require("timestamp < " + where.bind(minute + ";"));  // ';' follows ':'
    return c.query_int64("SELECT COUNT(*) FROM logs" + where.sql(), where.params()).value_or(0);
}

// The SQL form of minute_key(), for counting stored rows.
constexpr std::string_view kMinuteSql =
    "CASE WHEN length(timestamp) = 26 AND timestamp GLOB "
    "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-5][0-9].[0-9][0-9][0-9]"
    "[0-9][0-9][0-9]' THEN substr(timestamp, 1, 16) ELSE '' END";

constexpr std::string_view kAddCount =
    "INSERT INTO log_counts (dim, value, minute, n) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (dim, value, minute) DO UPDATE SET n = n + excluded.n";

constexpr std::string_view kAddAttacker =
    "INSERT INTO log_attacker_ips (attacker_ip, n) VALUES (?1, ?2) "
    "ON CONFLICT (attacker_ip) DO UPDATE SET n = n + excluded.n";

}  // namespace

std::string minute_key(std::string_view t) {
    constexpr std::string_view shape = "0000-00-00 00:00:00.000000";
    if (t.size() != shape.size()) return {};
    for (std::size_t i = 0; i < shape.size(); ++i)
        if (shape[i] == '0' ? !is_digit(t[i]) : t[i] != shape[i]) return {};
    if (t[17] > '5') return {};  // seconds 00-59: the minute's texts stay between its ends
    return std::string(t.substr(0, 16));
}

void add_log_counts(Connection& c, std::span<const LogRecord> rows, std::string_view now) {
    // A batch spans a minute or two: a few dozen keys for a thousand rows.
    std::map<std::tuple<std::string_view, std::string_view, std::string>, std::int64_t> counts;
    std::string previous_time;
    std::string minute;
    for (const auto& row : rows) {
        const std::string_view time = row.timestamp.empty() ? now : row.timestamp;
        if (time != previous_time) {
            previous_time = time;
            minute = minute_key(time);
        }
        ++counts[{"", "", minute}];
        ++counts[{"decky", row.decky, minute}];
        ++counts[{"service", row.service, minute}];
        ++counts[{"event_type", row.event_type, minute}];
    }
    std::map<std::string_view, std::int64_t> attackers;
    for (const auto& row : rows) ++attackers[row.attacker_ip];
    auto add_attacker = c.prepare(std::string(kAddAttacker));
    for (const auto& [ip, n] : attackers) {
        add_attacker->bind_view(1, ip);
        add_attacker->bind(2, n);
        add_attacker->step();
        add_attacker->reset();
    }
    auto add = c.prepare(std::string(kAddCount));
    for (const auto& [key, n] : counts) {
        add->bind_view(1, std::get<0>(key));
        add->bind_view(2, std::get<1>(key));
        add->bind_view(3, std::string_view(std::get<2>(key)));
        add->bind(4, n);
        add->step();
        add->reset();
    }
}

void count_stored_logs(Connection& c, std::int64_t after_id, int sign) {
    const std::string minute(kMinuteSql);
    for (const char* column : {"", "decky", "service", "event_type"}) {
        const std::string value = *column ? column : "''";
        auto add = c.prepare("INSERT INTO log_counts (dim, value, minute, n) SELECT ?1, " + value +
                             ", " + minute +
                             ", ?2 * COUNT(*) FROM logs WHERE id > ?3 GROUP BY 2, 3 "
                             "ON CONFLICT (dim, value, minute) DO UPDATE SET n = n + excluded.n");
        add->bind(1, std::string_view(column));
        add->bind(2, std::int64_t{sign});
        add->bind(3, after_id);
        add->step();
    }
    auto add = c.prepare(
        "INSERT INTO log_attacker_ips (attacker_ip, n) SELECT attacker_ip, ?1 * COUNT(*) "
        "FROM logs WHERE id > ?2 GROUP BY 1 "
        "ON CONFLICT (attacker_ip) DO UPDATE SET n = n + excluded.n");
    add->bind(1, std::int64_t{sign});
    add->bind(2, after_id);
    add->step();
    c.exec("DELETE FROM log_counts WHERE n = 0; DELETE FROM log_attacker_ips WHERE n = 0");
}

std::int64_t distinct_attackers(Connection& c) {
    return c.query_int64("SELECT COUNT(*) FROM log_attacker_ips").value_or(0);
}

std::int64_t total_logs(Connection& c) {
    return c.query_int64("SELECT SUM(n) FROM log_counts WHERE dim = '' AND value = ''").value_or(0);
}

std::optional<std::int64_t> counted_logs(Connection& c, const LogFilter& filter,
                                         const std::vector<SearchTerm>& terms) {
    ReadSnapshot snapshot(c);  // the counts and the cut minutes' rows from one moment
    const auto w = window_of(c, filter, terms);
    if (!w) return std::nullopt;
    std::int64_t total =
        c.query_int64("SELECT SUM(n) FROM log_counts" + w->where.sql(), w->where.params())
            .value_or(0);
    for (const auto& minute : w->partial) total += rows_in_minute(c, filter, terms, minute);
    return total;
}

std::optional<std::vector<std::pair<std::string, std::int64_t>>> counted_minutes(
    Connection& c, const LogFilter& filter, const std::vector<SearchTerm>& terms) {
    ReadSnapshot snapshot(c);
    const auto w = window_of(c, filter, terms);
    if (!w) return std::nullopt;
    auto statement =
        c.prepare("SELECT minute, n FROM log_counts" + w->where.sql() + " ORDER BY minute");
    statement->bind_all(w->where.params());
    std::vector<std::pair<std::string, std::int64_t>> out;
    while (statement->step())
        if (const auto n = statement->column_int64(1); n > 0)
            out.emplace_back(statement->column_text(0), n);
    // The cut minutes are never among the counted ones: each goes in at its place.
    for (const auto& minute : w->partial)
        if (const auto n = rows_in_minute(c, filter, terms, minute); n > 0) {
            const auto at = std::lower_bound(
                out.begin(), out.end(), minute,
                [](const auto& entry, const std::string& key) { return entry.first < key; });
            out.emplace(at, minute, n);
        }
    return out;
}

}  // namespace decnet::store::sqlite
