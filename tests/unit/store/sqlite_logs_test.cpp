// SQLite logs: round trip, ordering and pagination (§6.2), time filters, the id cursor,
// the histogram (§6.3), stats (§6.4), limits, and all-or-nothing batches.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "store/sqlite/statement.hpp"
#include "unit/store/sqlite_fixture.hpp"

namespace decnet::store {
namespace {

using sqlite_test::log_row;
using sqlite_test::simple_row;
using sqlite_test::TempDir;
using ::testing::ElementsAre;

class SqliteLogs : public ::testing::Test {
  protected:
    SqliteLogs() : repo(open_sqlite(dir.file("logs.db"), sqlite_test::manual_indexing())) {}

    void insert(std::vector<LogRecord> rows) { repo->insert_logs(rows); }

    static std::vector<std::int64_t> ids(const std::vector<LogRecord>& rows) {
        std::vector<std::int64_t> out;
        for (const auto& r : rows) out.push_back(r.id);
        return out;
    }

    TempDir dir;
    std::unique_ptr<Repository> repo;
};

TEST_F(SqliteLogs, EmptyDatabase) {
    EXPECT_EQ(repo->count_logs({}), 0);
    EXPECT_EQ(repo->max_log_id(), 0);
    EXPECT_TRUE(repo->logs({}, 50, 0).empty());
    EXPECT_TRUE(repo->histogram({}, 15).empty());
    EXPECT_EQ(repo->log_stats().total_logs, 0);
    EXPECT_EQ(repo->log_stats().unique_attackers, 0);
}

TEST_F(SqliteLogs, RoundTripKeepsEveryColumnAndFillsIds) {
    std::vector<LogRecord> rows{
        log_row("2024-01-15 12:00:00.000000", "decky-01", "ssh", "login_attempt", "10.0.0.1",
                "<134>1 2024-01-15T12:00:00+00:00 decky-01 ssh - login_attempt -",
                R"({"src_ip":"10.0.0.1","username":"root"})"),
        log_row("2024-01-15 12:00:01.123456", "decky-02", "http", "request", "Unknown", "raw 2")};
    rows[0].msg = "hello";
    rows[0].trace_id = std::string(32, 'a');
    rows[0].span_id = std::string(16, 'b');
    rows[1].msg = "";  // empty is not NULL
    repo->insert_logs(rows);
    EXPECT_EQ(rows[0].id, 1);
    EXPECT_EQ(rows[1].id, 2);
    EXPECT_EQ(repo->max_log_id(), 2);

    const auto stored = repo->logs({}, 50, 0);
    ASSERT_EQ(stored.size(), 2u);
    const auto& a = stored[1];
    EXPECT_EQ(a.id, 1);
    EXPECT_EQ(a.timestamp, "2024-01-15 12:00:00.000000");
    EXPECT_EQ(a.decky, "decky-01");
    EXPECT_EQ(a.service, "ssh");
    EXPECT_EQ(a.event_type, "login_attempt");
    EXPECT_EQ(a.attacker_ip, "10.0.0.1");
    EXPECT_EQ(a.raw_line, rows[0].raw_line);
    EXPECT_EQ(a.fields, R"({"src_ip":"10.0.0.1","username":"root"})");
    EXPECT_EQ(a.msg, "hello");
    EXPECT_EQ(a.trace_id, std::string(32, 'a'));
    EXPECT_EQ(a.span_id, std::string(16, 'b'));
    const auto& b = stored[0];
    EXPECT_EQ(b.msg, std::optional<std::string>(""));
    EXPECT_EQ(b.trace_id, std::nullopt);
    EXPECT_EQ(b.span_id, std::nullopt);
}

TEST_F(SqliteLogs, MissingTimestampBecomesInsertTime) {
    std::vector<LogRecord> rows{log_row("", "d", "s", "e", "Unknown", "raw")};
    const auto before = now_timestamp();
    repo->insert_logs(rows);
    const auto stored = repo->logs({}, 1, 0).at(0).timestamp;
    EXPECT_EQ(stored.size(), 26u);
    EXPECT_GE(stored, before);
    EXPECT_LE(stored, now_timestamp());
}

TEST_F(SqliteLogs, NowTimestampFormat) {
    const auto now = now_timestamp();
    ASSERT_EQ(now.size(), 26u);
    EXPECT_EQ(now[4], '-');
    EXPECT_EQ(now[10], ' ');
    EXPECT_EQ(now[19], '.');
}

TEST_F(SqliteLogs, PaginationIsDisjoint) {
    std::vector<LogRecord> rows;
    for (int i = 0; i < 10; ++i) rows.push_back(simple_row(i));
    insert(rows);
    const auto p1 = repo->logs({}, 4, 0);
    const auto p2 = repo->logs({}, 4, 4);
    const auto p3 = repo->logs({}, 4, 8);
    ASSERT_EQ(p1.size(), 4u);
    ASSERT_EQ(p2.size(), 4u);
    ASSERT_EQ(p3.size(), 2u);
    std::set<std::int64_t> seen;
    for (const auto* page : {&p1, &p2, &p3})
        for (const auto& r : *page) EXPECT_TRUE(seen.insert(r.id).second) << r.id;
    EXPECT_EQ(seen.size(), 10u);
    EXPECT_EQ(repo->count_logs({}), 10);
}

TEST_F(SqliteLogs, OrderedByTimestampDescThenIdDesc) {
    insert({simple_row(5), simple_row(1), simple_row(9), simple_row(5), simple_row(3)});
    // ids 1..5 with timestamps :05 :01 :09 :05 :03
    EXPECT_THAT(ids(repo->logs({}, 50, 0)), ElementsAre(3, 4, 1, 5, 2));
}

TEST_F(SqliteLogs, TimeWindowComparesStoredText) {
    for (int i = 0; i < 10; ++i) insert({simple_row(i * 60)});  // 12:00 ... 12:09
    LogFilter window;
    window.start_time = "2024-01-15 12:03:00";
    window.end_time = "2024-01-15 12:06:00";
    // end 12:06:00 sorts before the stored 12:06:00.000000, as on the reference.
    EXPECT_THAT(ids(repo->logs(window, 50, 0)), ElementsAre(6, 5, 4));
    EXPECT_EQ(repo->count_logs(window), 3);
    window.end_time.reset();
    EXPECT_EQ(repo->count_logs(window), 7);
}

TEST_F(SqliteLogs, LogsAfterIdAscendsWithFilterAndLimit) {
    for (int i = 0; i < 6; ++i) insert({simple_row(i, i % 2 ? "http" : "ssh")});
    EXPECT_THAT(ids(repo->logs_after_id(2, {}, 50)), ElementsAre(3, 4, 5, 6));
    EXPECT_THAT(ids(repo->logs_after_id(0, {}, 2)), ElementsAre(1, 2));
    LogFilter http;
    http.search = "service:http";
    EXPECT_THAT(ids(repo->logs_after_id(2, http, 50)), ElementsAre(4, 6));
    EXPECT_TRUE(repo->logs_after_id(6, {}, 50).empty());
}

TEST_F(SqliteLogs, LimitsAreClamped) {
    std::vector<LogRecord> rows;
    for (int i = 0; i < 1100; ++i) rows.push_back(simple_row(i));
    insert(rows);
    EXPECT_EQ(repo->logs({}, 5000, 0).size(), 1000u);
    EXPECT_EQ(repo->logs_after_id(0, {}, 5000).size(), 1000u);
    EXPECT_TRUE(repo->logs({}, 0, 0).empty());
    EXPECT_TRUE(repo->logs({}, -3, 0).empty());
    EXPECT_EQ(repo->logs({}, 10, -5).size(), 10u);  // negative offset reads as 0
    EXPECT_EQ(repo->logs({}, 1000, 1050).size(), 50u);
}

TEST_F(SqliteLogs, HistogramExampleOfTheSpec) {
    std::vector<LogRecord> rows;
    for (int i = 0; i < 3; ++i)
        rows.push_back(log_row("2024-01-15 12:00:00.000000", "d", "ssh", "e", "1.1.1.1", "a"));
    for (int i = 0; i < 7; ++i)
        rows.push_back(log_row("2024-01-15 12:20:00.000000", "d", "http", "e", "1.1.1.1", "b"));
    insert(rows);
    const auto buckets = repo->histogram({}, 15);
    ASSERT_EQ(buckets.size(), 2u);
    EXPECT_EQ(buckets[0].time, "2024-01-15 12:00:00");
    EXPECT_EQ(buckets[0].count, 3);
    EXPECT_EQ(buckets[1].time, "2024-01-15 12:15:00");
    EXPECT_EQ(buckets[1].count, 7);
}

TEST_F(SqliteLogs, HistogramBucketsAreEpochAlignedAscendingWithoutGaps) {
    insert({log_row("2024-01-16 00:10:00.000000", "d", "s", "e", "i", "r"),
            // (SQLite reads times to the millisecond: .999999 would round into the next day)
            log_row("2024-01-15 23:59:59.999000", "d", "s", "e", "i", "r"),
            log_row("2024-01-15 01:00:00.000000", "d", "s", "e", "i", "r")});
    const auto daily = repo->histogram({}, 1440);
    ASSERT_EQ(daily.size(), 2u);
    EXPECT_EQ(daily[0].time, "2024-01-15 00:00:00");
    EXPECT_EQ(daily[0].count, 2);
    EXPECT_EQ(daily[1].time, "2024-01-16 00:00:00");
    // interval < 1 counts as 1 minute; no zero-filled buckets in between
    const auto minutes = repo->histogram({}, 0);
    ASSERT_EQ(minutes.size(), 3u);
    EXPECT_EQ(minutes[1].time, "2024-01-15 23:59:00");
}

TEST_F(SqliteLogs, HistogramAppliesFilters) {
    insert({log_row("2024-01-15 12:00:00.000000", "d", "ssh", "e", "i", "r"),
            log_row("2024-01-15 12:01:00.000000", "d", "http", "e", "i", "r")});
    LogFilter ssh;
    ssh.search = "service:ssh";
    const auto buckets = repo->histogram(ssh, 15);
    ASSERT_EQ(buckets.size(), 1u);
    EXPECT_EQ(buckets[0].count, 1);
}

TEST_F(SqliteLogs, StatsCountUnknownAsAnAttacker) {
    insert({log_row("2024-01-15 12:00:00.000000", "d", "s", "e", "1.1.1.1", "r"),
            log_row("2024-01-15 12:00:00.000000", "d", "s", "e", "1.1.1.1", "r"),
            log_row("2024-01-15 12:00:00.000000", "d", "s", "e", "2.2.2.2", "r"),
            log_row("2024-01-15 12:00:00.000000", "d", "s", "e", "Unknown", "r")});
    const auto stats = repo->log_stats();
    EXPECT_EQ(stats.total_logs, 4);
    EXPECT_EQ(stats.unique_attackers, 3);
}

TEST_F(SqliteLogs, StatsWithManyAttackers) {
    std::vector<LogRecord> rows;
    for (int i = 0; i < 20'050; ++i) {  // past the distinct-value hops: the plain count
        auto row = simple_row(i);
        row.attacker_ip = "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256);
        rows.push_back(std::move(row));
    }
    rows.push_back(simple_row(1));  // 10.0.0.1 again
    insert(rows);
    EXPECT_EQ(repo->log_stats().unique_attackers, 20'050);
    EXPECT_EQ(repo->log_stats().total_logs, 20'051);
}

TEST_F(SqliteLogs, FailedBatchIsRolledBackWhole) {
    {
        sqlite::Connection c(dir.file("logs.db"));
        c.exec(
            "CREATE TRIGGER boom BEFORE INSERT ON logs WHEN new.decky = 'boom' "
            "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END;");
    }
    insert({simple_row(1)});
    std::vector<LogRecord> batch{simple_row(2), simple_row(3), simple_row(4)};
    batch[2].decky = "boom";
    try {
        repo->insert_logs(batch);
        FAIL() << "expected StoreError";
    } catch (const StoreError& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("refused by test trigger"));
    }
    EXPECT_EQ(batch[0].id, 0);  // ids only filled on commit
    EXPECT_EQ(repo->count_logs({}), 1);
    insert({simple_row(5)});  // the writer is usable afterwards
    EXPECT_EQ(repo->count_logs({}), 2);
}

TEST_F(SqliteLogs, InvalidJsonFieldsFailJsonSearchesLikeTheReference) {
    insert({log_row("2024-01-15 12:00:00.000000", "d", "s", "e", "i", "r", "not json")});
    LogFilter filter;
    filter.search = "username:root";
    EXPECT_THROW(repo->count_logs(filter), StoreError);
    filter.search = "service:s";  // other searches are unaffected
    EXPECT_EQ(repo->count_logs(filter), 1);
}

TEST(SqliteOpen, UnopenablePathThrowsStoreError) {
    EXPECT_THROW(open_sqlite("/nonexistent-dir/for/decnet.db"), StoreError);
}

}  // namespace
}  // namespace decnet::store
