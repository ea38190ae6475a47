// The histogram's two strategies (range hops over the timestamp order, and the
// reference's per-row grouping) agree, and odd stored times take the per-row path.
#include "store/sqlite/log_histogram.hpp"

#include <gtest/gtest.h>

#include <random>

#include "unit/store/sqlite_fixture.hpp"

namespace decnet::store {
namespace {

using sqlite_test::log_row;
using sqlite_test::TempDir;

TEST(StoredTime, ParsesTheCanonicalTextOnly) {
    using sqlite::stored_time_seconds;
    EXPECT_EQ(stored_time_seconds("1970-01-01 00:00:00"), 0);
    EXPECT_EQ(stored_time_seconds("2024-01-15 12:20:00.123456"), 1705321200);
    EXPECT_EQ(stored_time_seconds("1969-12-31 23:59:59.5"), -1);
    EXPECT_EQ(stored_time_seconds("2024-02-29 00:00:00"), 1709164800);
    EXPECT_EQ(stored_time_seconds("2023-02-29 00:00:00"), std::nullopt);
    EXPECT_EQ(stored_time_seconds("2024-01-15T12:20:00"), std::nullopt);
    EXPECT_EQ(stored_time_seconds("2024-01-15 12:20:00+02:00"), std::nullopt);
    EXPECT_EQ(stored_time_seconds("2024-01-15 12:20:00."), std::nullopt);
    EXPECT_EQ(stored_time_seconds("2024-01-15 24:00:00"), std::nullopt);
    EXPECT_EQ(stored_time_seconds("garbage"), std::nullopt);
}

TEST(StoredTime, FormatsSeconds) {
    EXPECT_EQ(sqlite::format_seconds(0), "1970-01-01 00:00:00");
    EXPECT_EQ(sqlite::format_seconds(1705321200), "2024-01-15 12:20:00");
    EXPECT_EQ(sqlite::format_seconds(-1), "1969-12-31 23:59:59");
    EXPECT_EQ(sqlite::format_seconds(-62'167'219'200), "0000-01-01 00:00:00");
    EXPECT_EQ(sqlite::format_seconds(253'402'300'799), "9999-12-31 23:59:59");
    EXPECT_EQ(sqlite::format_seconds(253'402'300'800), std::nullopt);
    EXPECT_EQ(sqlite::format_seconds(std::int64_t{400'000} * 86400 * 365), std::nullopt);
}

class SqliteHistogram : public ::testing::Test {
  protected:
    TempDir dir;
    std::unique_ptr<Repository> repo =
        open_sqlite(dir.file("h.db"), sqlite_test::manual_indexing());

    // "%" matches every row but is a substring term, which forces the per-row path.
    std::vector<HistogramBucket> per_row(int interval, std::string search = "%") {
        LogFilter filter;
        filter.search = std::move(search);
        return repo->histogram(filter, interval);
    }
};

bool same(const std::vector<HistogramBucket>& a, const std::vector<HistogramBucket>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].time != b[i].time || a[i].count != b[i].count) return false;
    return true;
}

TEST_F(SqliteHistogram, RangeHopsAgreeWithPerRowGrouping) {
    std::mt19937 rng(5);
    std::vector<LogRecord> rows;
    for (int i = 0; i < 3000; ++i) {
        const std::int64_t t = 1'700'000'000 + static_cast<std::int64_t>(rng() % (40 * 86400));
        auto text =
            sqlite::format_seconds(t).value() + "." + std::to_string(100000 + rng() % 899999);
        rows.push_back(log_row(text, "decky-" + std::to_string(rng() % 3),
                               rng() % 2 ? "ssh" : "http", "e", "i", "r"));
    }
    repo->insert_logs(rows);
    for (int interval : {1, 7, 15, 60, 1440, 10080, 1'000'000}) {
        const auto ranges = repo->histogram({}, interval);
        EXPECT_TRUE(same(ranges, per_row(interval))) << interval;
        std::int64_t total = 0;
        for (const auto& b : ranges) total += b.count;
        EXPECT_EQ(total, 3000) << interval;
    }
    LogFilter ssh_window;
    ssh_window.search = "service:ssh decky:decky-1";
    ssh_window.start_time = "2023-11-20 00:00:00";
    ssh_window.end_time = "2023-12-01 12:00:00";
    LogFilter same_per_row = ssh_window;
    same_per_row.search = *ssh_window.search + " %";
    EXPECT_TRUE(same(repo->histogram(ssh_window, 60), repo->histogram(same_per_row, 60)));
    EXPECT_FALSE(repo->histogram(ssh_window, 60).empty());
}

TEST_F(SqliteHistogram, OddStoredTimesAreBucketedBySqlite) {
    std::vector<LogRecord> rows{
        log_row("2024-01-15T12:20:00", "d", "s", "e", "i", "r"),  // ISO 'T' from another writer
        log_row("2024-01-15 12:01:00.000000", "d", "s", "e", "i", "r"),
        log_row("not a time", "d", "s", "e", "i", "r")};
    repo->insert_logs(rows);
    const auto buckets = repo->histogram({}, 15);
    ASSERT_EQ(buckets.size(), 2u);
    EXPECT_EQ(buckets[0].time, "2024-01-15 12:00:00");
    EXPECT_EQ(buckets[0].count, 1);
    EXPECT_EQ(buckets[1].time, "2024-01-15 12:15:00");
    EXPECT_EQ(buckets[1].count, 1);
}

}  // namespace
}  // namespace decnet::store
