// The five-minute log counts (migration 11) give the rows' own answers: totals and
// histograms read from them equal those counted row by row (a substring term that
// matches every row, "%", forces the row path), for every window shape.
#include "store/sqlite/log_counts.hpp"

#include <gtest/gtest.h>

#include <random>

#include "store/sqlite/log_histogram.hpp"
#include "store/sqlite/migrations.hpp"
#include "unit/store/sqlite_fixture.hpp"

namespace decnet::store {
namespace {

using sqlite_test::log_row;
using sqlite_test::TempDir;

TEST(LogCounts, MinuteKeyOfCanonicalTimesOnly) {
    using sqlite::minute_key;
    EXPECT_EQ(minute_key("2024-01-15 12:20:59.999999"), "2024-01-15 12:20");
    EXPECT_EQ(minute_key("2024-01-15 12:20:00.000000"), "2024-01-15 12:20");
    EXPECT_EQ(minute_key("2024-01-15 12:20:60.000000"), "");  // past the minute's last text
    EXPECT_EQ(minute_key("2024-01-15 12:20:00"), "");
    EXPECT_EQ(minute_key("2024-01-15T12:20:00.000000"), "");
    EXPECT_EQ(minute_key("2024-01-15 12:20:00.00000x"), "");
    EXPECT_EQ(minute_key("2024-01-15 12:60:00.000000"), "");
    EXPECT_EQ(minute_key(""), "");
}

TEST(LogCounts, SlotKeyIsTheFiveMinuteSlotsFirstAndLastMinute) {
    using sqlite::slot_key;
    using Key = std::pair<std::string, std::string>;
    EXPECT_EQ(slot_key("2024-01-15 12:00:00.000000"), Key("2024-01-15 12:00", "2024-01-15 12:04"));
    EXPECT_EQ(slot_key("2024-01-15 12:04:59.999999"), Key("2024-01-15 12:00", "2024-01-15 12:04"));
    EXPECT_EQ(slot_key("2024-01-15 12:15:00.000000"), Key("2024-01-15 12:15", "2024-01-15 12:19"));
    EXPECT_EQ(slot_key("2024-01-15 23:59:07.000001"), Key("2024-01-15 23:55", "2024-01-15 23:59"));
    EXPECT_EQ(slot_key("2024-01-15 12:20:00"), Key());
}

class SqliteLogCounts : public ::testing::Test {
  protected:
    TempDir dir;
    std::string path = dir.file("c.db");
    std::unique_ptr<Repository> repo = open_sqlite(path, sqlite_test::manual_indexing());

    std::int64_t distinct_ips() {
        sqlite::Connection c(path);
        return c.query_int64("SELECT COUNT(DISTINCT attacker_ip) FROM logs").value_or(-1);
    }

    static LogFilter row_path(LogFilter filter) {
        filter.search = filter.search ? *filter.search + " %" : "%";
        return filter;
    }

    void expect_same_answers(const LogFilter& filter) {
        const auto where = "search=" + filter.search.value_or("-") +
                           " start=" + filter.start_time.value_or("-") +
                           " end=" + filter.end_time.value_or("-");
        EXPECT_EQ(repo->count_logs(filter), repo->count_logs(row_path(filter))) << where;
        for (int interval : {1, 5, 7, 15, 30, 45, 60, 1440}) {
            const auto counted = repo->histogram(filter, interval);
            const auto rows = repo->histogram(row_path(filter), interval);
            ASSERT_EQ(counted.size(), rows.size()) << where << " interval " << interval;
            for (std::size_t i = 0; i < counted.size(); ++i) {
                EXPECT_EQ(counted[i].time, rows[i].time) << where;
                EXPECT_EQ(counted[i].count, rows[i].count) << where << " " << counted[i].time;
            }
        }
    }

    // Rows over three hours, a few per second at times, several deckies and services.
    std::vector<LogRecord> random_rows(std::mt19937& rng, int count) {
        std::vector<LogRecord> rows;
        for (int i = 0; i < count; ++i) {
            const std::int64_t t = 1'705'320'000 + static_cast<std::int64_t>(rng() % (3 * 3600));
            // Micros below 999000: the row path's strftime rounds to the millisecond.
            char micros[16];
            std::snprintf(micros, sizeof micros, ".%06u", static_cast<unsigned>(rng() % 999000));
            rows.push_back(log_row(sqlite::format_seconds(t).value() + micros,
                                   "decky-" + std::to_string(rng() % 3), rng() % 3 ? "ssh" : "http",
                                   rng() % 2 ? "connect" : "command",
                                   "10.0.0." + std::to_string(rng() % 40), "line"));
        }
        return rows;
    }
};

TEST_F(SqliteLogCounts, TotalsAndHistogramsEqualTheRowsOwn) {
    std::mt19937 rng(11);
    auto first = random_rows(rng, 1500);
    repo->insert_logs(first);
    auto second = random_rows(rng, 1500);  // a second batch adds to the same minutes
    repo->insert_logs(second);
    EXPECT_EQ(repo->log_stats().total_logs, 3000);
    EXPECT_EQ(repo->log_stats().unique_attackers, distinct_ips());
    EXPECT_EQ(repo->log_stats().unique_attackers, 40);
    {  // the counts do answer these shapes (the comparisons below are not row against row)
        sqlite::Connection c(path);
        LogFilter window;
        window.start_time = "2024-01-15 12:40:30";
        window.end_time = "2024-01-15 13:10";
        EXPECT_TRUE(sqlite::counted_logs(c, window, parse_search("service:ssh")));
        EXPECT_TRUE(sqlite::counted_slots(c, window, {}));
        EXPECT_FALSE(sqlite::counted_logs(c, window, parse_search("service:ssh decky:decky-1")));
        EXPECT_FALSE(sqlite::counted_logs(c, window, parse_search("attacker:10.0.0.1")));
    }
    const std::vector<std::optional<std::string>> starts = {
        std::nullopt,
        "2024-01-15",
        "2024-01-15 12:40",
        "2024-01-15 12:40:00",
        "2024-01-15 12:40:00.000000",
        "2024-01-15 12:40:30",
        "2024-01-15 12:40:30.5",
        "2024-01-15 12:40:59.9999995",
        "2024-01-15 13:5",
        "2024-01-16",
    };
    const std::vector<std::optional<std::string>> ends = {
        std::nullopt,
        "2024-01-15 13:10",
        "2024-01-15 13:10:00",
        "2024-01-15 13:10:59.999999",
        "2024-01-15 13:10:59.9999999",
        "2024-01-15 13:10:20.25",
        "2024-01-15 12:40:45",  // the same minute as some starts: counted once
        "2024-01-15 14",
        "2024-01-14",
    };
    for (const auto& search : std::vector<std::optional<std::string>>{
             std::nullopt, "service:ssh", "decky:decky-1", "event:command", "service:nothing"})
        for (const auto& start : starts)
            for (const auto& end : ends) {
                LogFilter filter;
                filter.search = search;
                filter.start_time = start;
                filter.end_time = end;
                expect_same_answers(filter);
            }
}

TEST_F(SqliteLogCounts, OtherShapesAndOddTimesStillCountTheRows) {
    std::mt19937 rng(3);
    auto rows = random_rows(rng, 500);
    repo->insert_logs(rows);
    LogFilter two_columns;
    two_columns.search = "service:ssh decky:decky-1";
    expect_same_answers(two_columns);
    LogFilter numeric_start;  // compared as a number by SQLite: every text row is greater
    numeric_start.start_time = "5";
    EXPECT_EQ(repo->count_logs(numeric_start), 500);

    std::vector<LogRecord> odd{log_row("2024-01-15T12:20:00", "decky-1", "ssh", "e", "i", "r")};
    repo->insert_logs(odd);
    LogFilter window;
    window.search = "service:ssh";
    window.start_time = "2024-01-15 12:10:30";
    expect_same_answers(window);
    EXPECT_EQ(repo->log_stats().total_logs, 501);
    EXPECT_EQ(repo->log_stats().unique_attackers, distinct_ips());
}

TEST_F(SqliteLogCounts, PurgeClearsThem) {
    std::mt19937 rng(5);
    auto rows = random_rows(rng, 200);
    repo->insert_logs(rows);
    repo->purge_data();
    EXPECT_EQ(repo->log_stats().total_logs, 0);
    EXPECT_EQ(repo->log_stats().unique_attackers, 0);
    EXPECT_TRUE(repo->histogram({}, 15).empty());
    auto again = random_rows(rng, 50);
    repo->insert_logs(again);
    EXPECT_EQ(repo->count_logs({}), 50);
    EXPECT_EQ(repo->log_stats().unique_attackers, distinct_ips());
    expect_same_answers({});
}

// Version 11 counts the rows already stored; count_stored_logs with a negative sign takes
// the newest rows' counts back (what a caller deleting them must do first).
TEST(SqliteLogCountsMigration, CountsExistingRowsAndTakesThemBack) {
    TempDir dir;
    const auto path = dir.file("old.db");
    {
        sqlite::Connection c(path);
        sqlite::migrate(c, 10);
        for (int i = 0; i < 30; ++i)
            c.exec(
                "INSERT INTO logs (timestamp, decky, service, event_type, attacker_ip, "
                "raw_line, fields) VALUES ('2024-01-15 12:0" +
                std::to_string(i % 3) + ":00.000000', 'decky-01', '" + (i % 2 ? "ssh" : "http") +
                "', 'login', '1.2.3." + std::to_string(i) + "', 'line', '{}')");
    }
    SqliteRepository repo(path, sqlite_test::manual_indexing());
    LogFilter ssh;
    ssh.search = "service:ssh";
    EXPECT_EQ(repo.log_stats().total_logs, 30);
    EXPECT_EQ(repo.log_stats().unique_attackers, 30);
    EXPECT_EQ(repo.count_logs(ssh), 15);
    const auto buckets = repo.histogram(ssh, 1);
    ASSERT_EQ(buckets.size(), 3u);
    EXPECT_EQ(buckets[0].count, 5);
    {
        sqlite::Connection c(path);
        sqlite::count_stored_logs(c, 20, -1);
        c.exec("DELETE FROM logs WHERE id > 20");
    }
    EXPECT_EQ(repo.log_stats().total_logs, 20);
    EXPECT_EQ(repo.log_stats().unique_attackers, 20);
    EXPECT_EQ(repo.count_logs(ssh), 10);
    LogFilter ssh_rows;
    ssh_rows.search = "service:ssh %";
    EXPECT_EQ(repo.count_logs(ssh_rows), 10);
}

}  // namespace
}  // namespace decnet::store
