// Log histogram (api.md §6.3) on SQLite, three ways to the same buckets:
//   * by counts — the five-minute counts of log_counts.hpp summed into buckets of whole
//     slots (5, 15, 30, 60 ... minutes), for no filter, a time window and at most one
//     decky/service/event column term: a month of slots is read instead of the rows;
//   * by ranges — for the dashboard's usual filters (none, a time window, column
//     equalities): hop from one non-empty bucket to the next along the timestamp order
//     (ix_logs_timestamp, or the (column, timestamp) indexes) and count each bucket as an
//     index range. Cost: two index seeks per non-empty bucket plus a walk over index
//     entries, instead of converting every row's time. At 10 M rows this is the
//     difference between well under a second and many seconds.
//   * by rows — the reference's own query (strftime per row, GROUP BY), used whenever
//     other terms must be tested row by row anyway, or the stored text is not the
//     canonical "YYYY-MM-DD HH:MM:SS.ffffff".
// The range walk compares text, as every other time filter does; the one difference
// from strftime is that SQLite rounds times to the millisecond, so a row at
// hh:mm:59.9995 or later on a bucket edge lands one bucket later on the reference.
#include "store/sqlite/log_histogram.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <map>

#include "store/sqlite/log_counts.hpp"
#include "store/sqlite/log_filter_sql.hpp"

namespace decnet::store::sqlite {
namespace {

// Past this many buckets one grouping pass over the rows is cheaper than the hops.
constexpr std::size_t kMaxRangeBuckets = 100'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) --q;
    return q;
}

bool digits(std::string_view text, std::size_t from, std::size_t count, int& value) {
    value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

bool only_column_terms(const std::vector<SearchTerm>& terms) {
    for (const auto& term : terms)
        if (term.kind != SearchTerm::Kind::column) return false;
    return true;
}

// The reference's query: every matching row's time converted and grouped.
std::vector<HistogramBucket> by_rows(Connection& c, const LogFilter& filter,
                                     const std::vector<SearchTerm>& terms,
                                     const std::optional<std::string>& index_match,
                                     std::int64_t bucket_seconds) {
    Where where;
    add_log_filter(where, filter, terms, index_match);
    const auto b = where.bind(bucket_seconds);
    const std::string sql = "SELECT datetime((CAST(strftime('%s', timestamp) AS INTEGER) / " + b +
                            ") * " + b + ", 'unixepoch') AS bucket, COUNT(*) FROM logs" +
                            where.sql() + " GROUP BY bucket ORDER BY bucket";
    std::vector<HistogramBucket> buckets;
    auto statement = c.prepare(sql);
    statement->bind_all(where.params());
    while (statement->step())
        // Rows whose time SQLite cannot read have no bucket; they are left out.
        if (!statement->column_is_null(0))
            buckets.push_back({statement->column_text(0), statement->column_int64(1)});
    return buckets;
}

// The filter's WHERE plus `extra` conditions on placeholders bound last (filled per hop).
// With `window_checked` the filter's own time window is tested on each row (`+timestamp`
// is no index bound) so the hop's bounds are the index range: SQLite takes one lower and
// one upper bound for a range, and with the window's it walked the whole window per hop.
struct HopQuery {
    std::string sql;
    std::vector<Param> params;
};

HopQuery hop_query(const std::string& select, const LogFilter& filter,
                   const std::vector<SearchTerm>& terms, std::initializer_list<const char*> extra,
                   bool window_checked) {
    Where where;
    LogFilter rest = filter;
    if (window_checked) {
        rest.start_time.reset();
        rest.end_time.reset();
    }
    add_log_filter(where, rest, terms, std::nullopt);
    if (window_checked && filter.start_time)
        where.require("+timestamp >= " + where.bind(*filter.start_time));
    if (window_checked && filter.end_time)
        where.require("+timestamp <= " + where.bind(*filter.end_time));
    for (const char* op : extra) where.require(std::string("timestamp ") + op + where.bind(""));
    return {select + where.sql(), where.params()};
}

// nullopt when the data or the bucket count calls for by_rows instead.
std::optional<std::vector<HistogramBucket>> by_ranges(Connection& c, const LogFilter& filter,
                                                      const std::vector<SearchTerm>& terms,
                                                      std::int64_t bucket_seconds) {
    // A start the rows compare as text is where the hops begin (the cursor is then never
    // below it); any other start stays a condition of its own.
    const bool text_start = filter.start_time && compared_as_text(*filter.start_time);
    LogFilter after_start = filter;
    if (text_start) after_start.start_time.reset();
    auto next = hop_query("SELECT MIN(timestamp) FROM logs", after_start, terms, {" >= "}, false);
    const bool text_window = compared_as_text(filter.start_time.value_or("0000-")) &&
                             compared_as_text(filter.end_time.value_or("0000-"));
    auto count =
        hop_query("SELECT COUNT(*) FROM logs", filter, terms, {" >= ", " < "}, text_window);
    std::vector<HistogramBucket> buckets;
    std::string cursor = text_start ? *filter.start_time : "";  // "" sorts before every time
    while (true) {
        next.params.back() = cursor;
        const auto first = c.query_text(next.sql, next.params);
        if (!first) return buckets;
        const auto seconds = stored_time_seconds(*first);
        if (!seconds) return std::nullopt;  // not the canonical text: let SQLite parse it
        const std::int64_t start = floor_div(*seconds, bucket_seconds) * bucket_seconds;
        auto start_text = format_seconds(start);
        auto end_text = format_seconds(start + bucket_seconds);
        if (!start_text || !end_text || buckets.size() >= kMaxRangeBuckets) return std::nullopt;
        count.params[count.params.size() - 2] = *start_text;
        count.params.back() = *end_text;
        const auto n = c.query_int64(count.sql, count.params).value_or(0);
        if (n > 0) buckets.push_back({std::move(*start_text), n});
        cursor = std::move(*end_text);
    }
}

// From the five-minute counts (log_counts.hpp) when a bucket is whole slots: each
// slot's count added to its bucket, and the rows of the slots the window cuts to
// theirs; the same buckets by_ranges finds. nullopt where by_ranges would not answer
// either, or the counts cannot.
std::optional<std::vector<HistogramBucket>> by_counts(Connection& c, const LogFilter& filter,
                                                      const std::vector<SearchTerm>& terms,
                                                      std::int64_t bucket_seconds) {
    if (bucket_seconds % 300 != 0) return std::nullopt;
    const auto counts = counted_slots(c, filter, terms);
    if (!counts) return std::nullopt;
    std::map<std::int64_t, std::int64_t> by_start;
    const auto add = [&](const std::string& time, std::int64_t n) {
        const auto seconds = stored_time_seconds(time);
        if (!seconds) return false;
        by_start[floor_div(*seconds, bucket_seconds) * bucket_seconds] += n;
        return true;
    };
    for (const auto& [slot, n] : counts->slots)
        if (!add(slot + ":00", n)) return std::nullopt;
    for (const auto& [time, n] : counts->cut)  // a cut slot lies in one bucket
        if (!add(time, n)) return std::nullopt;
    if (by_start.size() > kMaxRangeBuckets) return std::nullopt;
    std::vector<HistogramBucket> buckets;
    buckets.reserve(by_start.size());
    for (const auto& [start, n] : by_start) {
        auto text = format_seconds(start);
        if (!text || !format_seconds(start + bucket_seconds)) return std::nullopt;
        buckets.push_back({std::move(*text), n});
    }
    return buckets;
}

}  // namespace

std::optional<std::int64_t> stored_time_seconds(std::string_view text) {
    if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' ||
        text[13] != ':' || text[16] != ':')
        return std::nullopt;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ignored = 0;
    if (!digits(text, 0, 4, y) || !digits(text, 5, 2, mo) || !digits(text, 8, 2, d) ||
        !digits(text, 11, 2, h) || !digits(text, 14, 2, mi) || !digits(text, 17, 2, s))
        return std::nullopt;
    if (text.size() > 19 &&
        (text[19] != '.' || text.size() == 20 ||
         !digits(text, 20, std::min<std::size_t>(text.size() - 20, 9), ignored) ||
         text.size() > 29))
        return std::nullopt;
    using namespace std::chrono;
    const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                              day{static_cast<unsigned>(d)}};
    if (!date.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
    return std::int64_t{sys_days{date}.time_since_epoch().count()} * 86400 + h * 3600 + mi * 60 + s;
}

std::optional<std::string> format_seconds(std::int64_t seconds) {
    using namespace std::chrono;
    const std::int64_t day_number = floor_div(seconds, 86400);
    // 0000-01-01 .. 9999-12-31, checked before the calendar conversion (which wraps).
    if (day_number < -719'528 || day_number > 2'932'896) return std::nullopt;
    const std::int64_t in_day = seconds - day_number * 86400;
    const year_month_day date{sys_days{days{day_number}}};
    const int y = static_cast<int>(date.year());
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d", y,
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(in_day / 3600), static_cast<int>(in_day / 60 % 60),
                  static_cast<int>(in_day % 60));
    return std::string(text);
}

std::vector<HistogramBucket> log_histogram(Connection& c, const LogFilter& filter,
                                           const std::vector<SearchTerm>& terms,
                                           const std::optional<std::string>& index_match,
                                           std::int64_t bucket_seconds) {
    if (only_column_terms(terms)) {
        if (auto buckets = by_counts(c, filter, terms, bucket_seconds)) return std::move(*buckets);
        if (auto buckets = by_ranges(c, filter, terms, bucket_seconds)) return std::move(*buckets);
    }
    return by_rows(c, filter, terms, index_match, bucket_seconds);
}

}  // namespace decnet::store::sqlite
