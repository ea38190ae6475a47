// RecordQueue's stored-callbacks: each runs once, after its row is committed (RELP's
// acknowledgement waits for it), and a refused push never calls it.
#include "store/ingest/record_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "store/ingest/log_record.hpp"

namespace decnet::store {
namespace {

TEST(RecordQueue, StoredCallbackRunsAfterTheRowIsCommitted) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("decnet-record-queue-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path);
    {
        auto repository = open_sqlite(path.string());
        Ingester ingester(*repository);
        std::atomic<int> called{0};
        std::atomic<bool> committed_before_callback{true};
        {
            RecordQueue queue(ingester, "test", 100,
                              {.max_batch = 10, .max_wait = std::chrono::milliseconds(10)});
            for (int i = 0; i < 25; ++i) {
                LogRecord row;
                row.timestamp = "2026-12-05 07:00:00";
                row.decky = "decky-01";
                row.service = "ssh";
                row.event_type = "command";
                row.attacker_ip = "10.0.0.1";
                row.fields = "{}";
                row.raw_line = "line " + std::to_string(i);
                ASSERT_TRUE(queue.push(std::move(row), [&, i] {
                    // This row, and every row pushed before it, is in the store.
                    if (repository->count_logs({}) < i + 1) committed_before_callback = false;
                    ++called;
                }));
            }
        }  // the destructor flushes
        EXPECT_EQ(called.load(), 25);
        EXPECT_TRUE(committed_before_callback.load());
        EXPECT_EQ(repository->count_logs({}), 25);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

TEST(RecordQueue, RefusedPushNeverCallsBack) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("decnet-record-queue-full-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path);
    {
        auto repository = open_sqlite(path.string());
        Ingester ingester(*repository);
        std::atomic<int> called{0};
        RecordQueue queue(ingester, "test", 1);
        queue.stop();
        EXPECT_FALSE(queue.push(LogRecord{}, [&] { ++called; }));
        EXPECT_EQ(called.load(), 0);
        EXPECT_EQ(queue.dropped(), 1u);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

}  // namespace
}  // namespace decnet::store
