// FastAnswers: what an I/O thread may answer again, and when it must stop.
#include "api/server/fast_answers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace decnet::api {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

std::shared_ptr<PreparedAnswer> answer(std::uint64_t version, Clock::time_point expires,
                                       std::size_t body_size = 10) {
    auto prepared = std::make_shared<PreparedAnswer>();
    prepared->head = "HTTP/1.1 200 OK\r\n\r\n";
    prepared->body = std::make_shared<const std::string>(body_size, 'x');
    prepared->data_version = version;
    prepared->expires = expires;
    return prepared;
}

std::string key(std::string_view target, std::string_view authorization) {
    std::string out;
    FastAnswers::make_key(target, authorization, out);
    return out;
}

TEST(FastAnswers, AKeptAnswerIsFoundForItsVersionUntilItExpires) {
    FastAnswers table;
    const auto now = Clock::now();
    const auto k = key("/api/v1/logs", "Bearer a");
    EXPECT_EQ(table.find(k, now, 7), nullptr);  // learns version 7
    table.keep(k, answer(7, now + seconds(5)));
    ASSERT_NE(table.find(k, now, 7), nullptr);
    EXPECT_EQ(table.find(k, now + seconds(5), 7), nullptr);  // expired: gone
    EXPECT_EQ(table.size(), 0u);
}

TEST(FastAnswers, ANewDataVersionEmptiesTheTableAndOldRendersAreNotKept) {
    FastAnswers table;
    const auto now = Clock::now();
    const auto k = key("/api/v1/logs", "Bearer a");
    table.find(k, now, 1);
    table.keep(k, answer(1, now + seconds(5)));
    table.keep(key("/api/v1/stats", "Bearer a"), answer(1, now + seconds(5)));
    EXPECT_EQ(table.find(k, now, 2), nullptr);
    EXPECT_EQ(table.size(), 0u);
    EXPECT_EQ(table.bytes(), 0u);
    table.keep(k, answer(1, now + seconds(5)));  // rendered before the commit
    EXPECT_EQ(table.size(), 0u);
}

TEST(FastAnswers, AChangeCounterThatMovedEndsTheAnswer) {
    FastAnswers table;
    const auto now = Clock::now();
    std::atomic<std::uint64_t> changes{3};
    const auto k = key("/api/v1/deckies", "Bearer a");
    table.find(k, now, 1);
    auto prepared = answer(1, now + seconds(5));
    prepared->changes = &changes;
    prepared->changes_seen = 3;
    table.keep(k, prepared);
    EXPECT_NE(table.find(k, now, 1), nullptr);
    ++changes;
    EXPECT_EQ(table.find(k, now, 1), nullptr);
}

TEST(FastAnswers, TargetAndAuthorizationCannotForgeEachOther) {
    EXPECT_NE(key("/api/v1/logs", "Bearer ab"), key("/api/v1/logsB", "earer ab"));
    EXPECT_NE(key("/a", ""), key("/", "a"));
    FastAnswers table;
    const auto now = Clock::now();
    table.find(key("/a", ""), now, 1);
    table.keep(key("/a", ""), answer(1, now + seconds(5)));
    EXPECT_EQ(table.find(key("/", "a"), now, 1), nullptr);
}

TEST(FastAnswers, BoundedInEntriesAndBytes) {
    FastAnswers table;
    const auto now = Clock::now();
    table.find("k", now, 1);
    for (std::size_t i = 0; i < 3 * FastAnswers::kMaxEntries; ++i)
        table.keep("k" + std::to_string(i), answer(1, now + seconds(5)));
    EXPECT_LE(table.size(), FastAnswers::kMaxEntries);
    for (int i = 0; i < 8; ++i)
        table.keep("big" + std::to_string(i), answer(1, now + seconds(5), 8u << 20));
    EXPECT_LE(table.bytes(), FastAnswers::kMaxBytes);
    table.keep("huge", answer(1, now + seconds(5), FastAnswers::kMaxBytes + 1));
    EXPECT_EQ(table.find("huge", now, 1), nullptr);
}

}  // namespace
}  // namespace decnet::api
