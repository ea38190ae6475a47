// Five-minute log counts: kept by insert_logs, read for totals and the histogram.
//
// Why the window arithmetic is exact: canonical times of one minute P all lie between
// P + ":00.000000" and P + ":59.999999" as text, and time filters compare text. So a
// slot from minute Q to minute L is wholly inside `timestamp >= S` when
// Q + ":00.000000" >= S, which for 16-char keys is `Q >= S` when S has at most 16
// characters, else `Q > S16`, or `Q >= S16` when ":00.000000" >= the rest of S (S16: S's
// first 16 characters); and inside `timestamp <= E` when L + ":59.999999" <= E, likewise.
// Slots are ordered and disjoint, so the whole ones form one run from Qa to Lb: every
// other matching row is before Qa (in the slot S cuts) or after Lb (the one E cuts).
#include "store/sqlite/log_counts.hpp"

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

bool date_like(const std::optional<std::string>& bound) {
    return !bound || compared_as_text(*bound);
}

// The counts' WHERE for the slots wholly inside the filter's window.
std::optional<Where> whole_slots(Connection& c, const LogFilter& filter,
                                 const std::vector<SearchTerm>& terms) {
    const auto dimension = dimension_of(terms);
    if (!dimension || !date_like(filter.start_time) || !date_like(filter.end_time))
        return std::nullopt;
    // A row whose time is not canonical has no slot: the counts cannot place it.
    if (c.query_int64("SELECT 1 FROM log_counts WHERE dim = '' AND value = '' AND slot = ''"))
        return std::nullopt;
    Where w;
    w.require("dim = " + w.bind(dimension->dim));
    w.require("value = " + w.bind(dimension->value));
    if (const auto& s = filter.start_time) {
        if (s->size() <= 16)
            w.require("slot >= " + w.bind(*s));
        else
            w.require((kMinuteStart >= std::string_view(*s).substr(16) ? "slot >= " : "slot > ") +
                      w.bind(s->substr(0, 16)));
    }
    if (const auto& e = filter.end_time) {
        std::string op = "< ";
        std::string bound = *e;
        if (e->size() > 16) {
            op = kMinuteEnd <= std::string_view(*e).substr(16) ? "<= " : "< ";
            bound = e->substr(0, 16);
        }
        const auto p = w.bind(bound);
        // On `slot` too (slot <= last), so the key range ends where the window does.
        w.require("last " + op + p + " AND slot " + op + p);
    }
    return w;
}

// The matching rows outside the whole slots: before the first (`op` "<", `edge`
// Qa + ":00.000000") or after the last (">", Lb + ":59.999999"). Count and earliest time.
// The window is tested on each row (`+timestamp`) and the index range is the window's
// own end on the far side and `edge`: SQLite takes one bound per side for a range, and with
// the window's start and the edge both lower bounds it could walk the whole window.
std::pair<std::int64_t, std::string> rows_beyond(Connection& c, const LogFilter& filter,
                                                 const std::vector<SearchTerm>& terms,
                                                 const char* op, const std::string& edge) {
    Where where;
    LogFilter rest = filter;
    rest.start_time.reset();
    rest.end_time.reset();
    add_log_filter(where, rest, terms, std::nullopt);
    const bool before = std::string_view(op) == "<";
    if (filter.start_time)
        where.require((before ? "timestamp >= " : "+timestamp >= ") +
                      where.bind(*filter.start_time));
    if (filter.end_time)
        where.require((before ? "+timestamp <= " : "timestamp <= ") + where.bind(*filter.end_time));
    where.require(std::string("timestamp ") + op + " " + where.bind(edge));
    auto statement = c.prepare("SELECT COUNT(*), MIN(timestamp) FROM logs" + where.sql());
    statement->bind_all(where.params());
    if (!statement->step()) return {0, {}};
    return {statement->column_int64(0), statement->column_text(1)};
}

std::int64_t all_rows(Connection& c, const LogFilter& filter,
                      const std::vector<SearchTerm>& terms) {
    Where where;
    add_log_filter(where, filter, terms, std::nullopt);
    return c.query_int64("SELECT COUNT(*) FROM logs" + where.sql(), where.params()).value_or(0);
}

// The SQL forms of slot_key(), for counting stored rows.
constexpr std::string_view kCanonicalSql =
    "length(timestamp) = 26 AND timestamp GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] "
    "[0-9][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]'";
constexpr std::string_view kSlotStartSql =
    "substr(timestamp, 1, 14) || printf('%02d', CAST(substr(timestamp, 15, 2) AS INTEGER) / 5 "
    "* 5)";
constexpr std::string_view kSlotLastSql =
    "substr(timestamp, 1, 14) || printf('%02d', CAST(substr(timestamp, 15, 2) AS INTEGER) / 5 "
    "* 5 + 4)";

constexpr std::string_view kAddCount =
    "INSERT INTO log_counts (dim, value, slot, last, n) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (dim, value, slot) DO UPDATE SET n = n + excluded.n";

constexpr std::string_view kAddAttacker =
    "INSERT INTO log_attacker_ips (attacker_ip, n) VALUES (?1, ?2) "
    "ON CONFLICT (attacker_ip) DO UPDATE SET n = n + excluded.n";

}  // namespace

bool compared_as_text(std::string_view b) {
    return b.size() >= 5 && is_digit(b[0]) && is_digit(b[1]) && is_digit(b[2]) && is_digit(b[3]) &&
           b[4] == '-';
}

std::string minute_key(std::string_view t) {
    constexpr std::string_view shape = "0000-00-00 00:00:00.000000";
    if (t.size() != shape.size()) return {};
    for (std::size_t i = 0; i < shape.size(); ++i)
        if (shape[i] == '0' ? !is_digit(t[i]) : t[i] != shape[i]) return {};
    // Minutes and seconds 00-59: a minute's texts stay between its ends, a slot's
    // minutes are two digits.
    if (t[14] > '5' || t[17] > '5') return {};
    return std::string(t.substr(0, 16));
}

std::pair<std::string, std::string> slot_key(std::string_view timestamp) {
    const auto minute = minute_key(timestamp);
    if (minute.empty()) return {};
    const int first = ((minute[14] - '0') * 10 + (minute[15] - '0')) / 5 * 5;
    const auto with_minute = [&](int m) {
        return minute.substr(0, 14) + static_cast<char>('0' + m / 10) +
               static_cast<char>('0' + m % 10);
    };
    return {with_minute(first), with_minute(first + 4)};
}

void add_log_counts(Connection& c, std::span<const LogRecord> rows, std::string_view now) {
    // A batch spans a slot or two: a few dozen keys for a thousand rows.
    using Slot = std::pair<std::string, std::string>;
    std::map<std::tuple<std::string_view, std::string_view, Slot>, std::int64_t> counts;
    std::map<std::string_view, std::int64_t> attackers;
    std::string previous_time;
    Slot slot;
    for (const auto& row : rows) {
        const std::string_view time = row.timestamp.empty() ? now : row.timestamp;
        if (time != previous_time) {
            previous_time = time;
            slot = slot_key(time);
        }
        ++counts[{"", "", slot}];
        ++counts[{"decky", row.decky, slot}];
        ++counts[{"service", row.service, slot}];
        ++counts[{"event_type", row.event_type, slot}];
        ++attackers[row.attacker_ip];
    }
    auto add = c.prepare(std::string(kAddCount));
    for (const auto& [key, n] : counts) {
        add->bind_view(1, std::get<0>(key));
        add->bind_view(2, std::get<1>(key));
        add->bind_view(3, std::string_view(std::get<2>(key).first));
        add->bind_view(4, std::string_view(std::get<2>(key).second));
        add->bind(5, n);
        add->step();
        add->reset();
    }
    auto add_attacker = c.prepare(std::string(kAddAttacker));
    for (const auto& [ip, n] : attackers) {
        add_attacker->bind_view(1, ip);
        add_attacker->bind(2, n);
        add_attacker->step();
        add_attacker->reset();
    }
}

void count_stored_logs(Connection& c, std::int64_t after_id, int sign) {
    const std::string canonical(kCanonicalSql);
    const std::string slot =
        "CASE WHEN " + canonical + " THEN " + std::string(kSlotStartSql) + " ELSE '' END";
    const std::string last =
        "CASE WHEN " + canonical + " THEN " + std::string(kSlotLastSql) + " ELSE '' END";
    for (const char* column : {"", "decky", "service", "event_type"}) {
        const std::string value = *column ? column : "''";
        auto add = c.prepare("INSERT INTO log_counts (dim, value, slot, last, n) SELECT ?1, " +
                             value + ", " + slot + ", " + last +
                             ", ?2 * COUNT(*) FROM logs WHERE id > ?3 GROUP BY 2, 3 "
                             "ON CONFLICT (dim, value, slot) DO UPDATE SET n = n + excluded.n");
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

std::int64_t total_logs(Connection& c) {
    return c.query_int64("SELECT SUM(n) FROM log_counts WHERE dim = '' AND value = ''").value_or(0);
}

std::int64_t distinct_attackers(Connection& c) {
    return c.query_int64("SELECT COUNT(*) FROM log_attacker_ips").value_or(0);
}

std::optional<std::int64_t> counted_logs(Connection& c, const LogFilter& filter,
                                         const std::vector<SearchTerm>& terms) {
    ReadSnapshot snapshot(c);  // the counts and the cut slots' rows from one moment
    const auto w = whole_slots(c, filter, terms);
    if (!w) return std::nullopt;
    std::int64_t total = 0;
    std::string first, last;
    {
        auto statement =
            c.prepare("SELECT SUM(n), MIN(slot), MAX(last) FROM log_counts" + w->sql());
        statement->bind_all(w->params());
        if (statement->step() && !statement->column_is_null(0)) {
            total = statement->column_int64(0);
            first = statement->column_text(1) + std::string(kMinuteStart);
            last = statement->column_text(2) + std::string(kMinuteEnd);
        }
    }
    if (first.empty()) return all_rows(c, filter, terms);  // no whole slot: few rows
    total += rows_beyond(c, filter, terms, "<", first).first;
    total += rows_beyond(c, filter, terms, ">", last).first;
    return total;
}

std::optional<SlotCounts> counted_slots(Connection& c, const LogFilter& filter,
                                        const std::vector<SearchTerm>& terms) {
    ReadSnapshot snapshot(c);
    const auto w = whole_slots(c, filter, terms);
    if (!w) return std::nullopt;
    SlotCounts counts;
    std::string last;
    {
        auto statement =
            c.prepare("SELECT slot, last, n FROM log_counts" + w->sql() + " ORDER BY slot");
        statement->bind_all(w->params());
        while (statement->step()) {
            counts.slots.emplace_back(statement->column_text(0), statement->column_int64(2));
            last = statement->column_text(1);
        }
    }
    if (counts.slots.empty()) return std::nullopt;
    for (auto [op, edge] : {std::pair{"<", counts.slots.front().first + std::string(kMinuteStart)},
                            std::pair{">", last + std::string(kMinuteEnd)}}) {
        auto [n, time] = rows_beyond(c, filter, terms, op, edge);
        if (n > 0) counts.cut.emplace_back(std::move(time), n);
    }
    return counts;
}

}  // namespace decnet::store::sqlite
