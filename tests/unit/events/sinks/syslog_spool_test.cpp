// SyslogSpool: order, segment rotation, the byte limit, persistence of the replay
// position across restarts, torn segments, and an unwritable directory.
#include "events/sinks/syslog_spool.hpp"

#include <gtest/gtest.h>

#include "sink_test_support.hpp"

namespace decnet {
namespace {

using test::TempDir;

std::vector<std::string> numbered(int first, int count) {
    std::vector<std::string> out;
    for (int i = first; i < first + count; ++i) out.push_back("message " + std::to_string(i));
    return out;
}

// Peeks and consumes everything, at most `per_peek` bytes at a time.
std::vector<std::string> drain(SyslogSpool& spool, std::size_t per_peek = 1) {
    std::vector<std::string> all, batch;
    for (int guard = 0; guard < 10000 && !spool.empty(); ++guard) {
        EXPECT_FALSE(spool.peek(batch, per_peek));
        if (batch.empty()) break;
        all.insert(all.end(), batch.begin(), batch.end());
        spool.consume(batch.size());
    }
    return all;
}

std::size_t segment_count(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        n += entry.path().extension() == ".spool";
    }
    return n;
}

TEST(SyslogSpool, ReplaysInOrderAcrossSegmentsAndRemovesThem) {
    TempDir dir;
    SyslogSpool spool({dir.path(), 1 << 20, 64});
    const auto messages = numbered(0, 40);
    const auto result = spool.append(messages);
    EXPECT_EQ(result.accepted, 40u);
    EXPECT_FALSE(result.full);
    EXPECT_FALSE(result.error);
    EXPECT_GT(segment_count(dir.path()), 5u);
    EXPECT_EQ(test::read_text(dir / "00000000000000000001.spool").substr(0, 22),
              "9 message 09 message 1");  // octet-counted frames
    EXPECT_EQ(drain(spool, 100), messages);
    EXPECT_TRUE(spool.empty());
    EXPECT_EQ(spool.bytes(), 0u);
    EXPECT_EQ(segment_count(dir.path()), 0u);
}

TEST(SyslogSpool, StopsAtTheByteLimit) {
    TempDir dir;
    SyslogSpool spool({dir.path(), 50, 1 << 20});
    const auto result = spool.append(numbered(0, 10));  // 11 bytes per frame
    EXPECT_EQ(result.accepted, 4u);
    EXPECT_TRUE(result.full);
    EXPECT_EQ(spool.bytes(), 44u);
    EXPECT_EQ(drain(spool), numbered(0, 4));
}

TEST(SyslogSpool, ARestartResumesAfterWhatWasDelivered) {
    TempDir dir;
    {
        SyslogSpool spool({dir.path(), 1 << 20, 1 << 20});
        spool.append(numbered(0, 10));
        std::vector<std::string> batch;
        ASSERT_FALSE(spool.peek(batch, 30));
        ASSERT_EQ(batch.size(), 3u);
        spool.consume(2);  // the third was not delivered
    }
    // The position is replaced by rename(), so no half-written copy is left behind.
    EXPECT_TRUE(std::filesystem::exists(dir / "replay.pos"));
    EXPECT_FALSE(std::filesystem::exists(dir / "replay.pos.next"));
    SyslogSpool again({dir.path(), 1 << 20, 1 << 20});
    EXPECT_FALSE(again.empty());
    again.append(numbered(10, 2));  // new messages queue behind the old ones
    EXPECT_EQ(drain(again), numbered(2, 10));
}

// A kill between writing the next position and renaming it leaves the old position and
// a stray file, which the next start ignores.
TEST(SyslogSpool, AStrayNextPositionIsIgnored) {
    TempDir dir;
    {
        SyslogSpool spool({dir.path(), 1 << 20, 1 << 20});
        spool.append(numbered(0, 5));
        std::vector<std::string> batch;
        ASSERT_FALSE(spool.peek(batch, 20));
        spool.consume(1);
    }
    std::ofstream(dir / "replay.pos.next").flush();  // as a kill after open(O_TRUNC) leaves it
    SyslogSpool again({dir.path(), 1 << 20, 1 << 20});
    EXPECT_EQ(drain(again), numbered(1, 4));
}

TEST(SyslogSpool, TornSegmentTailIsSkippedAndCounted) {
    TempDir dir;
    std::ofstream(dir / "00000000000000000007.spool") << "3 abc5 de";  // crash mid-frame
    std::ofstream(dir / "00000000000000000008.spool") << "xx garbage";
    std::ofstream(dir / "00000000000000000009.spool") << "2 ok";
    SyslogSpool spool({dir.path(), 1 << 20, 1 << 20});
    EXPECT_EQ(drain(spool), (std::vector<std::string>{"abc", "ok"}));
    EXPECT_EQ(spool.corrupt_bytes(), 4u + 10u);
}

TEST(SyslogSpool, UnwritableDirectoryIsAnErrorNotACrash) {
    TempDir dir;
    std::ofstream(dir / "blocker").close();
    SyslogSpool spool({dir / "blocker/spool", 1 << 20, 1 << 20});
    const auto result = spool.append(numbered(0, 3));
    EXPECT_EQ(result.accepted, 0u);
    EXPECT_TRUE(result.error);
    EXPECT_TRUE(spool.empty());
}

}  // namespace
}  // namespace decnet
