// The exact response cache (api/response_cache.hpp) on its own, and in front of the read
// resources on a real SQLite store: new committed data shows at once, bounds hold, and
// concurrent misses render once.
#include "api/response_cache.hpp"

#include <atomic>
#include <stdexcept>
#include <thread>

#include "unit/api/read_test_support.hpp"

namespace decnet::api::read_test {
namespace {

using namespace std::chrono_literals;
using Query = std::vector<std::pair<std::string, std::string>>;

Response body_of(std::string text) {
    return Response::json(std::move(text));
}

TEST(ResponseCache, HitsWhileTheVersionHoldsAndRendersAgainWhenItMoves) {
    ResponseCache cache;
    int renders = 0;
    const auto render = [&] { return body_of("r" + std::to_string(++renders)); };
    EXPECT_EQ(cache.get("k", 1, 1h, render).text(), "r1");
    EXPECT_EQ(cache.get("k", 1, 1h, render).text(), "r1");
    EXPECT_EQ(cache.get("k", 2, 1h, render).text(), "r2");
    EXPECT_EQ(cache.get("k", 2, 1h, render).text(), "r2");
    // A caller that read the version before the last commit is served, never stored.
    EXPECT_EQ(cache.get("k", 1, 1h, render).text(), "r3");
    EXPECT_EQ(cache.get("k", 2, 1h, render).text(), "r2");
    EXPECT_EQ(renders, 3);
}

TEST(ResponseCache, MaxAgeExpiresAnEntry) {
    ResponseCache cache;
    int renders = 0;
    const auto render = [&] { return body_of(std::to_string(++renders)); };
    cache.get("k", 1, 20ms, render);
    cache.get("k", 1, 20ms, render);
    EXPECT_EQ(renders, 1);
    std::this_thread::sleep_for(40ms);
    cache.get("k", 1, 20ms, render);
    EXPECT_EQ(renders, 2);
}

TEST(ResponseCache, KeepsOnlySuccessAndNeverErrors) {
    ResponseCache cache;
    int renders = 0;
    const auto not_found = [&] {
        ++renders;
        return Response::detail(404, "Attacker not found");
    };
    EXPECT_EQ(cache.get("k", 1, 1h, not_found).status, 404);
    EXPECT_EQ(cache.get("k", 1, 1h, not_found).status, 404);
    EXPECT_EQ(renders, 2);
    const auto throws = [&]() -> Response {
        ++renders;
        throw ApiError{422, "bad", {}};
    };
    EXPECT_THROW(cache.get("e", 1, 1h, throws), ApiError);
    EXPECT_THROW(cache.get("e", 1, 1h, throws), ApiError);
    EXPECT_EQ(renders, 4);
    EXPECT_EQ(cache.entries(), 0u);
}

TEST(ResponseCache, BoundedInEntriesAndBytesLeastRecentlyUsedFirst) {
    ResponseCacheLimits limits;
    limits.max_entries = 3;
    limits.max_bytes = 1000;
    limits.max_body = 600;
    ResponseCache cache(limits);
    int renders = 0;
    const auto small = [&] {
        ++renders;
        return body_of("x");
    };
    for (const char* key : {"a", "b", "c"}) cache.get(key, 1, 1h, small);
    cache.get("a", 1, 1h, small);  // a is now the most recent
    cache.get("d", 1, 1h, small);  // evicts b
    EXPECT_EQ(cache.entries(), 3u);
    renders = 0;
    cache.get("a", 1, 1h, small);
    cache.get("b", 1, 1h, small);
    EXPECT_EQ(renders, 1);
    const auto big = [&] { return body_of(std::string(500, 'y')); };
    cache.get("big1", 1, 1h, big);
    cache.get("big2", 1, 1h, big);
    EXPECT_LE(cache.bytes(), 1000u);
    const auto huge = [&] { return body_of(std::string(700, 'z')); };
    EXPECT_EQ(cache.get("huge", 1, 1h, huge).text().size(), 700u);  // served, not kept
    EXPECT_LE(cache.bytes(), 1000u);
    EXPECT_LE(cache.entries(), 3u);
}

TEST(ResponseCache, ConcurrentMissesRenderOnce) {
    ResponseCache cache;
    std::atomic<int> renders{0};
    const auto slow = [&] {
        ++renders;
        std::this_thread::sleep_for(50ms);
        return body_of("slow");
    };
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < 32; ++i)
        threads.emplace_back([&] {
            while (!go) std::this_thread::yield();
            EXPECT_EQ(cache.get("k", 7, 1h, slow).text(), "slow");
        });
    go = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(renders, 1);
}

TEST(ResponseCache, KeyIgnoresParameterOrderButNotRepeats) {
    Request a, b, c, d;
    a.path = b.path = c.path = d.path = "/api/v1/logs";
    a.query = {{"limit", "5"}, {"search", "x"}};
    b.query = {{"search", "x"}, {"limit", "5"}};
    c.query = {{"limit", "5"}, {"limit", "6"}};
    d.query = {{"limit", "6"}, {"limit", "5"}};
    EXPECT_EQ(response_cache_key(a), response_cache_key(b));
    EXPECT_NE(response_cache_key(c), response_cache_key(d));  // the first one counts
    Request e = a, f = a;
    e.query = {{"search", "a&limit=5"}};
    f.query = {{"search", "a"}, {"limit", "5"}};
    EXPECT_NE(response_cache_key(e), response_cache_key(f));
}

// In front of the resources, on the real store's PRAGMA data_version.
class ExactCache : public ReadApiTest {
  protected:
    ExactCache() { repo_->versioned = true; }
};

TEST_F(ExactCache, ANewCommittedLogShowsAtOnceFilteredOrNot) {
    insert_logs({log_row("2026-04-09 12:00:00.000000", "ssh", "1.1.1.1", "first ssh line")});
    const Query filtered = {{"search", "ssh"}, {"limit", "100"}};
    EXPECT_EQ(body(get("/api/v1/logs"))["data"].size(), 1u);
    EXPECT_EQ(body(get("/api/v1/logs", filtered))["total"], 1);
    const int before = repo_->logs_calls;
    get("/api/v1/logs");
    get("/api/v1/logs", filtered);
    EXPECT_EQ(repo_->logs_calls, before);  // both answered from the cache

    insert_logs({log_row("2026-04-09 12:00:01.000000", "ssh", "2.2.2.2", "second ssh line")});
    const auto page = body(get("/api/v1/logs"));
    ASSERT_EQ(page["data"].size(), 2u);
    EXPECT_EQ(page["data"][0]["raw_line"], "second ssh line");
    const auto search = body(get("/api/v1/logs", filtered));
    EXPECT_EQ(search["total"], 2);
    EXPECT_EQ(search["data"].size(), 2u);
}

TEST_F(ExactCache, AnotherConnectionsCommitInvalidatesToo) {
    insert_logs({log_row("2026-04-09 12:00:00.000000", "ssh", "1.1.1.1", "a")});
    EXPECT_EQ(body(get("/api/v1/logs", {{"search", "zzz"}}))["total"], 0);
    {
        // Another process's writer: a second store on the same file.
        store::SqliteOptions options;
        options.background_indexing = false;
        store::SqliteRepository other(dir_ + "/t.db", options);
        std::vector<store::LogRecord> rows = {
            log_row("2026-04-09 12:00:05.000000", "ssh", "9.9.9.9", "zzz from elsewhere")};
        other.insert_logs(rows);
    }
    // Another process's commit is seen within the store's 10 ms version poll (our own at
    // once, as the test above shows).
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(body(get("/api/v1/logs", {{"search", "zzz"}}))["total"], 1);
}

TEST_F(ExactCache, ConcurrentIdenticalRequestsQueryTheStoreOnce) {
    insert_logs({log_row("2026-04-09 12:00:00.000000", "ssh", "1.1.1.1", "a")});
    get("/api/v1/bounty");  // builds the routes before the threads race
    repo_->delay = 50ms;
    const int before = repo_->count_logs_calls;
    concurrently(40, [&] { EXPECT_EQ(get("/api/v1/logs", {{"search", "ssh"}}).status, 200); });
    EXPECT_EQ(repo_->count_logs_calls - before, 1);
}

TEST_F(ExactCache, ErrorsAndOtherQueriesAreNotShared) {
    EXPECT_EQ(get("/api/v1/logs", {{"limit", "0"}}).status, 422);
    EXPECT_EQ(get("/api/v1/logs", {{"limit", "1"}}).status, 200);
    EXPECT_EQ(get("/api/v1/attackers/{uuid}", {}, {{"uuid", "nope"}}).status, 404);
    EXPECT_EQ(body(get("/api/v1/logs", {{"limit", "7"}}))["limit"], 7);
}

}  // namespace
}  // namespace decnet::api::read_test
