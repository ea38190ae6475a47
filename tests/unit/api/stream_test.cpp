// The live stream's parts without a socket: LogFeed fan-out, the shared poller, the
// StreamHub (push, resume without gaps or duplicates, filters, maxOutput, slow-client
// drop) against a recording sink, and the dashboard's StaticSite path rules.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/log_feed.hpp"
#include "api/server/static_site.hpp"
#include "api/stream_hub.hpp"
#include "api_test_support.hpp"
#include "store/ingest/ingester.hpp"

namespace decnet::api {
namespace {

using namespace std::chrono_literals;

store::LogRecord row(const std::string& service, const std::string& line) {
    store::LogRecord r;
    r.timestamp = "2026-11-27 12:00:00.000000";
    r.decky = "decky-01";
    r.service = service;
    r.event_type = "connect";
    r.attacker_ip = "10.0.0.1";
    r.raw_line = line;
    r.fields = "{}";
    return r;
}

std::vector<store::LogRecord> insert(store::Repository& repo, const std::string& service, int n,
                                     const std::string& prefix = "line") {
    std::vector<store::LogRecord> rows;
    for (int i = 0; i < n; ++i) rows.push_back(row(service, prefix + std::to_string(i)));
    repo.insert_logs(rows);
    return rows;
}

// Records what the hub writes; `queued` simulates a peer that stopped reading.
class RecordingSink : public StreamSink {
  public:
    bool write(std::string data) override {
        std::lock_guard lock(mutex_);
        if (closed_ || aborted_) return false;
        data_ += data;
        return true;
    }
    void close() override {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    void abort() override {
        std::lock_guard lock(mutex_);
        aborted_ = true;
    }
    std::size_t queued_bytes() const override { return queued; }

    std::string data() {
        std::lock_guard lock(mutex_);
        return data_;
    }
    bool closed() {
        std::lock_guard lock(mutex_);
        return closed_;
    }
    bool aborted() {
        std::lock_guard lock(mutex_);
        return aborted_;
    }
    // The ids of every row in the logs frames so far, in order.
    std::vector<std::int64_t> log_ids() {
        std::vector<std::int64_t> ids;
        const auto text = data();
        std::size_t at = 0;
        while ((at = text.find("data: ", at)) != std::string::npos) {
            const auto end = text.find('\n', at);
            const auto frame = nlohmann::json::parse(text.substr(at + 6, end - at - 6));
            if (frame["type"] == "logs")
                for (const auto& r : frame["data"]) ids.push_back(r["id"].get<std::int64_t>());
            at = end;
        }
        return ids;
    }

    std::atomic<std::size_t> queued{0};

  private:
    std::mutex mutex_;
    std::string data_;
    bool closed_ = false, aborted_ = false;
};

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 3000ms) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

class StreamHubTest : public ::testing::Test {
  protected:
    StreamHubTest() {
        options_.tick = 100ms;
        options_.min_refresh = 50ms;
        options_.idle_refresh = 300ms;
        StreamHub::Snapshots snapshots;
        snapshots.stats = [] { return std::string(R"({"total_logs":0})"); };
        snapshots.histogram = [](const store::LogFilter&) { return std::string("[]"); };
        hub_ = std::make_unique<StreamHub>(*store_.repo, feed_, snapshots, options_);
    }

    std::shared_ptr<RecordingSink> open(StreamHub::ClientSpec spec) {
        auto sink = std::make_shared<RecordingSink>();
        sources_.push_back(hub_->open(std::move(spec), ": keepalive\n\n"));
        sources_.back()->start(sink);
        return sink;
    }

    // Inserts and publishes like the ingester's after-commit hook.
    std::vector<std::int64_t> commit(const std::string& service, int n) {
        auto rows = insert(*store_.repo, service, n);
        std::vector<std::int64_t> ids;
        for (const auto& r : rows) ids.push_back(r.id);
        feed_.publish(std::move(rows));
        return ids;
    }

    testing::TempStore store_;
    LogFeed feed_;
    StreamHubOptions options_;
    std::unique_ptr<StreamHub> hub_;
    std::vector<std::shared_ptr<StreamSource>> sources_;
};

TEST(LogFeed, PublishesToSubscribersUntilUnsubscribed) {
    LogFeed feed;
    int calls = 0;
    std::size_t rows = 0;
    const auto handle = feed.subscribe([&](const LogFeed::Batch& batch) {
        ++calls;
        rows += batch->size();
    });
    feed.publish(std::vector<store::LogRecord>{row("ssh", "a"), row("ssh", "b")});
    feed.publish(std::vector<store::LogRecord>{});  // nothing to say: no call
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(rows, 2u);
    feed.unsubscribe(handle);
    feed.publish(std::vector<store::LogRecord>{row("ssh", "c")});
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(feed.subscriber_count(), 0u);
    EXPECT_EQ(feed.published_rows(), 3u);
}

TEST(LogFeed, OnePollerServesEveryoneFromTheCurrentMaxId) {
    testing::TempStore store;
    insert(*store.repo, "ssh", 3, "old");  // before start: not the feed's business
    LogFeed feed;
    std::mutex mutex;
    std::vector<std::int64_t> a, b;
    feed.subscribe([&](const LogFeed::Batch& batch) {
        std::lock_guard lock(mutex);
        for (const auto& r : *batch) a.push_back(r.id);
    });
    feed.subscribe([&](const LogFeed::Batch& batch) {
        std::lock_guard lock(mutex);
        for (const auto& r : *batch) b.push_back(r.id);
    });
    LogFeedPoller poller(*store.repo, feed, 20ms);
    poller.start();
    auto rows = insert(*store.repo, "ssh", 2, "new");
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(mutex);
        return a.size() == 2;
    }));
    poller.stop();
    std::lock_guard lock(mutex);
    EXPECT_EQ(a, (std::vector<std::int64_t>{rows[0].id, rows[1].id}));
    EXPECT_EQ(a, b);  // same batches for both: one query per poll, not per subscriber
    EXPECT_GE(poller.polls(), 1u);
}

TEST(LogFeed, IngesterPublishesCommittedRowsWithIds) {
    testing::TempStore store;
    store::Ingester ingester(*store.repo);
    std::vector<std::int64_t> ids;
    ingester.set_after_commit([&](const std::vector<store::LogRecord>& rows) {
        for (const auto& r : rows) ids.push_back(r.id);
    });
    std::vector<store::LogRecord> rows{row("ssh", "a"), row("ftp", "b")};
    ingester.store(rows, "test");
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_GT(ids[0], 0);
    EXPECT_EQ(ids[1], ids[0] + 1);
}

TEST_F(StreamHubTest, PushedRowsArriveAsLogsFramesWithIdsThenStatsAndHistogram) {
    auto sink = open({{}, store_.repo->max_log_id(), std::nullopt});
    ASSERT_TRUE(eventually([&] { return feed_.subscriber_count() == 1; }));
    const auto ids = commit("ssh", 3);
    ASSERT_TRUE(eventually([&] { return sink->log_ids().size() == 3; }));
    EXPECT_EQ(sink->log_ids(), ids);
    ASSERT_TRUE(eventually([&] {
        return sink->data().find(R"({"type":"histogram","data":[]})") != std::string::npos;
    }));
    const auto text = sink->data();
    EXPECT_TRUE(text.starts_with(": keepalive\n\n"));
    EXPECT_NE(text.find("\nid: " + std::to_string(ids.back()) + "\n\n"), std::string::npos);
    // stats, then histogram, after the logs frame
    const auto logs_at = text.find(R"("type":"logs")");
    const auto stats_at = text.find(R"({"type":"stats")", logs_at);
    EXPECT_LT(stats_at, text.find(R"({"type":"histogram")", stats_at));
}

TEST_F(StreamHubTest, ResumeReplaysFromTheStoreThenGoesLiveWithoutGapsOrDuplicates) {
    std::vector<std::int64_t> all;
    auto before = insert(*store_.repo, "ssh", 120);  // > 2 frames of 50
    for (const auto& r : before) all.push_back(r.id);
    const auto cursor = all[9];  // the client saw the first 10
    auto sink = open({{}, cursor, std::nullopt});
    // Committed while the client catches up: pushed AND visible in the store.
    for (int i = 0; i < 5; ++i) {
        auto ids = commit("ssh", 7);
        all.insert(all.end(), ids.begin(), ids.end());
    }
    std::vector<std::int64_t> want(all.begin() + 10, all.end());
    ASSERT_TRUE(eventually([&] { return sink->log_ids().size() >= want.size(); }));
    std::this_thread::sleep_for(150ms);
    EXPECT_EQ(sink->log_ids(), want);
    // Frames stay ≤ 50 rows.
    const auto text = sink->data();
    std::size_t at = 0;
    while ((at = text.find("data: {\"type\":\"logs\"", at)) != std::string::npos) {
        const auto end = text.find('\n', at);
        EXPECT_LE(nlohmann::json::parse(text.substr(at + 6, end - at - 6))["data"].size(), 50u);
        at = end;
    }
}

TEST_F(StreamHubTest, FilteredClientsGetOnlyMatchingRows) {
    store::LogFilter filter;
    filter.search = "service:ftp";
    auto sink = open({filter, store_.repo->max_log_id(), std::nullopt});
    auto plain = open({{}, store_.repo->max_log_id(), std::nullopt});
    ASSERT_TRUE(eventually([&] { return feed_.subscriber_count() == 1; }));
    commit("ssh", 2);
    const auto ftp = commit("ftp", 2);
    commit("ssh", 1);
    ASSERT_TRUE(eventually([&] { return plain->log_ids().size() == 5; }));
    ASSERT_TRUE(eventually([&] { return sink->log_ids().size() == 2; }));
    std::this_thread::sleep_for(150ms);
    EXPECT_EQ(sink->log_ids(), ftp);
}

TEST_F(StreamHubTest, MaxOutputEndsTheStreamAfterThatManyIterations) {
    auto zero = open({{}, 0, 0});
    EXPECT_TRUE(zero->closed());  // frames 1-3 only
    EXPECT_EQ(zero->data(), ": keepalive\n\n");
    auto two = open({{}, 0, 2});
    EXPECT_FALSE(two->closed());
    ASSERT_TRUE(eventually([&] { return two->closed(); }, 2000ms));
    EXPECT_TRUE(eventually([&] { return hub_->stats().open == 0; }));
}

TEST_F(StreamHubTest, ASlowClientIsDroppedAndCountedWithoutStallingOthers) {
    auto slow = open({{}, store_.repo->max_log_id(), std::nullopt});
    auto fast = open({{}, store_.repo->max_log_id(), std::nullopt});
    slow->queued = options_.max_queued_bytes;  // its socket took nothing for a while
    const auto ids = commit("ssh", 3);
    ASSERT_TRUE(eventually([&] { return fast->log_ids().size() == 3; }));
    ASSERT_TRUE(eventually([&] { return slow->aborted(); }));
    EXPECT_EQ(hub_->stats().dropped_slow, 1u);
    EXPECT_EQ(hub_->stats().open, 1u);
    EXPECT_TRUE(slow->log_ids().empty());
}

TEST_F(StreamHubTest, IdleClientsGetAPeriodicRefreshAndStopRemovesThem) {
    auto sink = open({{}, store_.repo->max_log_id(), std::nullopt});
    ASSERT_TRUE(eventually(
        [&] { return sink->data().find(R"("type":"stats")") != std::string::npos; }, 2000ms));
    sources_.front()->stopped();  // the server saw the peer leave
    EXPECT_EQ(hub_->stats().open, 0u);
    hub_->stop();
}

TEST(SseFrames, Format) {
    EXPECT_EQ(sse_message(R"({"a":1})"), "event: message\ndata: {\"a\":1}\n\n");
    EXPECT_EQ(sse_message("{}", 7), "event: message\ndata: {}\nid: 7\n\n");
    EXPECT_EQ(sse_error_frame(),
              "event: error\ndata: {\"type\":\"error\",\"message\":\"Stream interrupted\"}\n\n");
}

// ---- dashboard hosting ----

class StaticSiteTest : public ::testing::Test {
  protected:
    StaticSiteTest() {
        namespace fs = std::filesystem;
        fs::create_directories(root() / "assets");
        write(root() / "index.html", "<html>app</html>");
        write(root() / "assets/index-Bx3kQ9aZ.js", "console.log(1)");
        write(root() / "assets/logo.svg", "<svg/>");
        write(root() / "favicon.svg", "<svg/>");
        write(outside() / "secret.txt", "secret");
        fs::create_symlink(outside() / "secret.txt", root() / "leak.txt");
        fs::create_directory_symlink(outside(), root() / "escape");
    }
    std::filesystem::path root() { return std::filesystem::path(store_.dir) / "dist"; }
    std::filesystem::path outside() { return std::filesystem::path(store_.dir) / "outside"; }
    static void write(const std::filesystem::path& file, const std::string& text) {
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file) << text;
    }
    std::optional<Response> get(const std::string& path, const std::string& method = "GET") {
        Request request;
        request.method = method;
        request.path = path;
        return StaticSite(root()).serve(request);
    }
    static std::string header(const Response& response, const std::string& name) {
        for (const auto& [key, value] : response.headers)
            if (key == name) return value;
        return {};
    }

    testing::TempStore store_;
};

TEST_F(StaticSiteTest, ServesFilesWithTypesAndCacheRules) {
    auto index = get("/");
    ASSERT_TRUE(index);
    EXPECT_EQ(index->body, "<html>app</html>");
    EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(header(*index, "Cache-Control"), "no-cache");
    auto js = get("/assets/index-Bx3kQ9aZ.js");
    ASSERT_TRUE(js);
    EXPECT_EQ(js->body, "console.log(1)");
    EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(header(*js, "Cache-Control"), "public, max-age=31536000, immutable");
    auto svg = get("/favicon.svg");
    ASSERT_TRUE(svg);
    EXPECT_EQ(svg->content_type, "image/svg+xml");
    EXPECT_EQ(header(*svg, "Cache-Control"), "no-cache");  // not hashed: revalidate
    EXPECT_EQ(header(*get("/assets/logo.svg"), "Cache-Control"), "no-cache");
    EXPECT_EQ(header(*get("/index.html"), "Cache-Control"), "no-cache");
    auto head = get("/favicon.svg", "HEAD");
    ASSERT_TRUE(head);
    EXPECT_TRUE(head->body.empty());
}

TEST_F(StaticSiteTest, SpaFallbackForRoutesButNotForMissingFiles) {
    for (const char* path : {"/live-logs", "/attackers/1234-abcd", "/fleet/", "/assets"}) {
        auto r = get(path);
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 200) << path;
        EXPECT_EQ(r->body, "<html>app</html>") << path;
        EXPECT_EQ(header(*r, "Cache-Control"), "no-cache") << path;
    }
    EXPECT_EQ(get("/assets/missing-12345678.js")->status, 404);
    EXPECT_EQ(get("/nope.css")->status, 404);
}

TEST_F(StaticSiteTest, TraversalAndEscapesAre404) {
    for (const char* path : {"/../outside/secret.txt", "/assets/../../outside/secret.txt", "/..",
                             "/./index.html", "//etc/passwd", "/assets//index-Bx3kQ9aZ.js",
                             "/leak.txt", "/escape/secret.txt", "/escape", "/a\\..\\b"}) {
        auto r = get(path);
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 404) << path;
        EXPECT_EQ(r->body.find("secret"), std::string::npos) << path;
    }
}

// No inline script may run on the dashboard's pages: an attacker's text that ever became
// markup still could not execute.
TEST_F(StaticSiteTest, EveryFileCarriesAContentSecurityPolicyWithoutInlineScripts) {
    for (const char* path :
         {"/", "/index.html", "/live", "/assets/index-Bx3kQ9aZ.js", "/favicon.svg"}) {
        auto r = get(path);
        ASSERT_TRUE(r) << path;
        const auto csp = header(*r, "Content-Security-Policy");
        EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path;
        EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << path;
        EXPECT_NE(csp.find("object-src 'none'"), std::string::npos) << path;
        EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path;
        EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path;
        EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << path;
        EXPECT_EQ(header(*r, "X-Frame-Options"), "DENY") << path;
    }
    Request request;
    request.method = "GET";
    request.path = "/";
    auto unbuilt = StaticSite(std::filesystem::path(store_.dir) / "nothing").serve(request);
    ASSERT_TRUE(unbuilt);
    EXPECT_EQ(header(*unbuilt, "Content-Security-Policy"), std::string(kDashboardCsp));
}

TEST_F(StaticSiteTest, ApiPathsAndOtherMethodsAreNotTheSites) {
    EXPECT_FALSE(get("/api/v1/nothing"));
    EXPECT_FALSE(get("/api"));
    EXPECT_FALSE(get("/", "POST"));
}

TEST_F(StaticSiteTest, WithoutABuildTheRootExplainsHowToBuild) {
    Request request;
    request.method = "GET";
    request.path = "/";
    auto r = StaticSite(std::filesystem::path(store_.dir) / "nothing").serve(request);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->body.find("not built"), std::string::npos);
    request.path = "/live-logs";
    EXPECT_FALSE(StaticSite(std::filesystem::path(store_.dir) / "nothing").serve(request));
}

}  // namespace
}  // namespace decnet::api
