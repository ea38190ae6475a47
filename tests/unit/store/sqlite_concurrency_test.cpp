// SQLite under concurrent use: API-style readers run while the ingester writes and the
// background indexer fills the free-text index; nobody errors, counts only grow.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "unit/store/sqlite_fixture.hpp"

namespace decnet::store {
namespace {

using sqlite_test::simple_row;
using sqlite_test::TempDir;

constexpr int kBatches = 100;
constexpr int kBatchRows = 100;

// Runs `check` in a loop until `done`, counting failures instead of throwing.
template <class Check>
std::thread reader(std::atomic<bool>& done, std::atomic<int>& failures, Check check) {
    return std::thread([&done, &failures, check]() mutable {
        try {
            while (!done) check();
            check();
        } catch (const std::exception& e) {
            ADD_FAILURE() << "reader failed: " << e.what();
            ++failures;
        }
    });
}

TEST(SqliteConcurrency, ReadersRunBesideTheWriterAndTheIndexer) {
    TempDir dir;
    SqliteOptions options;
    options.index_chunk_rows = 64;  // more, smaller indexing transactions interleave
    auto repo = open_sqlite(dir.file("c.db"), options);
    std::atomic<bool> done{false};
    std::atomic<int> failures{0};
    LogFilter needle;
    needle.search = "needle";

    std::vector<std::thread> readers;
    readers.push_back(reader(done, failures, [&, last = std::int64_t{0}]() mutable {
        const auto n = repo->count_logs({});
        EXPECT_GE(n, last);
        last = n;
    }));
    readers.push_back(reader(done, failures, [&, last = std::int64_t{0}]() mutable {
        const auto n = repo->count_logs(needle);
        EXPECT_GE(n, last);
        last = n;
    }));
    readers.push_back(reader(done, failures, [&, last = std::int64_t{0}]() mutable {
        const auto page = repo->logs({}, 50, 0);
        const auto top = page.empty() ? 0 : page.front().id;
        EXPECT_GE(top, last);  // timestamps grow with ids here, so the newest row is the max id
        last = top;
        EXPECT_GE(repo->max_log_id(), top);
    }));
    readers.push_back(reader(done, failures, [&] {
        repo->histogram(needle, 15);
        repo->log_stats();
        repo->logs_after_id(0, needle, 50);
    }));

    for (int b = 0; b < kBatches; ++b) {
        std::vector<LogRecord> batch;
        for (int i = 0; i < kBatchRows; ++i) {
            auto row = simple_row(b * kBatchRows + i);
            row.timestamp = "2024-01-15 " + std::to_string(10 + b / 60) + ":" +
                            std::to_string(10 + b % 50) + ":00." + std::to_string(100000 + i);
            if (i % 10 == 0) row.raw_line += " needle";
            batch.push_back(std::move(row));
        }
        repo->insert_logs(batch);
    }
    done = true;
    for (auto& t : readers) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(repo->count_logs({}), kBatches * kBatchRows);
    EXPECT_EQ(repo->count_logs(needle), kBatches * kBatchRows / 10);

    auto& sqlite_repo = dynamic_cast<SqliteRepository&>(*repo);
    for (int i = 0; i < 1000 && sqlite_repo.search_index_backlog() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(sqlite_repo.search_index_backlog(), 0);
    EXPECT_EQ(repo->count_logs(needle), kBatches * kBatchRows / 10);
}

}  // namespace
}  // namespace decnet::store
