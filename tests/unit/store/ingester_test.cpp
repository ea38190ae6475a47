// Ingester against a real SQLite file: bus → batches → rows, bounties, and isolation of
// rows the store refuses (a fault-injecting decorator stands in for a broken row).
#include "store/ingest/ingester.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "store/store_unavailable.hpp"

namespace decnet::store {
namespace {

class TempDb {
  public:
    TempDb() {
        path_ = std::filesystem::temp_directory_path() /
                ("decnet-ingester-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
        std::filesystem::remove(path_);
        repository = open_sqlite(path_.string());
    }
    ~TempDb() {
        repository.reset();
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path_.string() + suffix);
    }
    std::unique_ptr<Repository> repository;

  private:
    std::filesystem::path path_;
};

Event credential_event(int i) {
    Event e;
    e.time = event_now();
    e.decky = "decky-01";
    e.service = "ftp";
    e.event_type = "auth_attempt";
    e.add("src_ip", "10.0.0." + std::to_string(i % 3))
        .add("username", "root")
        .add("password", "toor");
    return e;
}

TEST(Ingester, StoresEveryPublishedEventAndDedupsBounties) {
    TempDb db;
    EventBus bus;
    auto sub = bus.subscribe("ingester");
    Ingester ingester(*db.repository,
                      {.max_batch = 100, .max_wait = std::chrono::milliseconds(20)});
    std::thread writer([&] { ingester.run(*sub); });
    for (int i = 0; i < 2500; ++i) bus.publish(credential_event(i));
    bus.close();
    writer.join();

    const auto stats = ingester.stats();
    EXPECT_EQ(stats.stored, 2500u);
    EXPECT_GE(stats.batches, 25u);
    EXPECT_EQ(stats.dead_letters, 0u);
    EXPECT_EQ(db.repository->count_logs({}), 2500);
    // Same credential from 3 attacker IPs: 3 bounties after dedup.
    EXPECT_EQ(stats.bounties, 3u);
    EXPECT_EQ(db.repository->count_bounties({}), 3);
    const auto rows = db.repository->logs({}, 1, 0);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].service, "ftp");
    EXPECT_THAT(rows[0].raw_line, ::testing::HasSubstr("[decnet@55555 src_ip=\"10.0.0."));
}

TEST(Ingester, FlushesAPartialBatchAfterMaxWait) {
    TempDb db;
    EventBus bus;
    auto sub = bus.subscribe("ingester");
    Ingester ingester(*db.repository,
                      {.max_batch = 1000, .max_wait = std::chrono::milliseconds(30)});
    std::thread writer([&] { ingester.run(*sub); });
    bus.publish(credential_event(1));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (db.repository->count_logs({}) == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(db.repository->count_logs({}), 1);
    bus.close();
    writer.join();
}

// The live feed's latency: a lone event does not wait for max_wait once the bus is idle.
TEST(Ingester, StoresALoneEventOnceTheBusFallsIdle) {
    TempDb db;
    EventBus bus;
    auto sub = bus.subscribe("ingester");
    Ingester ingester(*db.repository, {.max_batch = 1000,
                                       .max_wait = std::chrono::milliseconds(10'000),
                                       .idle_flush = std::chrono::milliseconds(5)});
    std::thread writer([&] { ingester.run(*sub); });
    const auto started = std::chrono::steady_clock::now();
    bus.publish(credential_event(1));
    const auto deadline = started + std::chrono::seconds(5);
    while (db.repository->count_logs({}) == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_EQ(db.repository->count_logs({}), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    bus.close();
    writer.join();
}

// A steady flow (events closer together than idle_flush) still fills batches.
TEST(Ingester, ASteadyFlowStillFormsBatches) {
    TempDb db;
    EventBus bus;
    auto sub = bus.subscribe("ingester");
    Ingester ingester(*db.repository, {.max_batch = 1000,
                                       .max_wait = std::chrono::milliseconds(10'000),
                                       .idle_flush = std::chrono::milliseconds(2'000)});
    std::thread writer([&] { ingester.run(*sub); });
    for (int i = 0; i < 50; ++i) {
        bus.publish(credential_event(i));
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (db.repository->count_logs({}) < 50 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(db.repository->count_logs({}), 50);
    EXPECT_EQ(ingester.stats().batches, 1u);
    bus.close();
    writer.join();
}

// Refuses rows whose decky is "poison", like a store that rejects one malformed row.
class PoisonRejectingRepository : public Repository {
  public:
    explicit PoisonRejectingRepository(Repository& inner) : inner_(inner) {}
    void migrate() override { inner_.migrate(); }
    void insert_logs(std::span<LogRecord> rows) override {
        ++insert_calls;
        for (const auto& r : rows)
            if (r.decky == "poison") throw StoreError("CHECK constraint failed: poison row");
        inner_.insert_logs(rows);
    }
    std::size_t insert_bounties(std::span<BountyRecord> rows) override {
        return inner_.insert_bounties(rows);
    }
    void insert_dead_letter(const DeadLetter& row) override { inner_.insert_dead_letter(row); }
    std::vector<LogRecord> logs(const LogFilter& f, int l, int o) override {
        return inner_.logs(f, l, o);
    }
    std::int64_t count_logs(const LogFilter& f) override { return inner_.count_logs(f); }
    std::vector<LogRecord> logs_after_id(std::int64_t a, const LogFilter& f, int l) override {
        return inner_.logs_after_id(a, f, l);
    }
    std::int64_t max_log_id() override { return inner_.max_log_id(); }
    std::vector<HistogramBucket> histogram(const LogFilter& f, int i) override {
        return inner_.histogram(f, i);
    }
    LogStats log_stats() override { return inner_.log_stats(); }
    std::vector<BountyRecord> bounties(const BountyFilter& f, int l, int o) override {
        return inner_.bounties(f, l, o);
    }
    std::int64_t count_bounties(const BountyFilter& f) override { return inner_.count_bounties(f); }
    std::int64_t count_dead_letters() override { return inner_.count_dead_letters(); }
    std::vector<AttackerRecord> attackers(const AttackerFilter& f, AttackerSort s, int l,
                                          int o) override {
        return inner_.attackers(f, s, l, o);
    }
    std::int64_t count_attackers(const AttackerFilter& f) override {
        return inner_.count_attackers(f);
    }
    std::optional<AttackerRecord> attacker(const std::string& u) override {
        return inner_.attacker(u);
    }
    std::vector<std::pair<std::string, AttackerBehaviorRecord>> attacker_behaviors_by_ip(
        const std::vector<std::string>& ips) override {
        return inner_.attacker_behaviors_by_ip(ips);
    }
    std::optional<AttackerBehaviorRecord> attacker_behavior(const std::string& u) override {
        return inner_.attacker_behavior(u);
    }
    std::optional<std::string> attacker_commands(const std::string& u) override {
        return inner_.attacker_commands(u);
    }
    void upsert_attacker(const AttackerRecord& a,
                         const std::optional<AttackerBehaviorRecord>& b) override {
        inner_.upsert_attacker(a, b);
    }
    std::optional<UserRecord> get_user_by_username(const std::string& n) override {
        return inner_.get_user_by_username(n);
    }
    std::optional<UserRecord> get_user_by_uuid(const std::string& u) override {
        return inner_.get_user_by_uuid(u);
    }
    std::vector<UserRecord> list_users() override { return inner_.list_users(); }
    bool create_user(const UserRecord& u) override { return inner_.create_user(u); }
    bool update_password(const std::string& u, const std::string& h, bool m) override {
        return inner_.update_password(u, h, m);
    }
    bool update_role(const std::string& u, const std::string& r) override {
        return inner_.update_role(u, r);
    }
    bool delete_user(const std::string& u) override { return inner_.delete_user(u); }
    PurgeCounts purge_data() override { return inner_.purge_data(); }
    std::optional<std::string> get_state(const std::string& k) override {
        return inner_.get_state(k);
    }
    void set_state(const std::string& k, const std::string& v) override { inner_.set_state(k, v); }

    int insert_calls = 0;

  private:
    Repository& inner_;
};

TEST(Ingester, OneBadRowIsDeadLetteredAndTheRestStored) {
    TempDb db;
    PoisonRejectingRepository repo(*db.repository);
    Ingester ingester(repo, {.max_batch = 1000,
                             .max_wait = std::chrono::milliseconds(10),
                             .retries = 1,
                             .retry_backoff = std::chrono::milliseconds(1)});
    std::vector<LogRecord> rows;
    for (int i = 0; i < 10; ++i) {
        LogRecord r;
        r.timestamp = now_timestamp();
        r.decky = i == 4 ? "poison" : "decky-01";
        r.service = "ssh";
        r.event_type = "connect";
        r.attacker_ip = "1.2.3.4";
        r.raw_line = "line " + std::to_string(i);
        r.fields = "{}";
        rows.push_back(r);
    }
    ingester.store(rows, "test");
    const auto stats = ingester.stats();
    EXPECT_EQ(stats.stored, 9u);
    EXPECT_EQ(stats.dead_letters, 1u);
    EXPECT_EQ(stats.lost, 0u);
    EXPECT_EQ(stats.retries, 1u);
    EXPECT_EQ(db.repository->count_logs({}), 9);
    EXPECT_EQ(db.repository->count_dead_letters(), 1);
}

// A store whose server is away for its first `outage` batches (StoreUnavailable, as the
// MySQL backend throws once its reconnect budget is spent).
class AwayRepository : public PoisonRejectingRepository {
  public:
    AwayRepository(Repository& inner, int outage)
        : PoisonRejectingRepository(inner), outage_(outage) {}
    void insert_logs(std::span<LogRecord> rows) override {
        if (outage_ > 0) {
            --outage_;
            ++insert_calls;
            throw StoreUnavailable("mysql write: server unavailable for 10000 ms");
        }
        PoisonRejectingRepository::insert_logs(rows);
    }

  private:
    std::atomic<int> outage_;
};

// Under run(), a batch meeting a store that is away is held and tried again until the
// store is back: every row stored once, none isolated, dead-lettered or lost.
TEST(Ingester, HoldsTheBatchWhileTheStoreIsUnavailable) {
    TempDb db;
    AwayRepository repo(*db.repository, 6);  // more than `retries`
    EventBus bus;
    auto sub = bus.subscribe("ingester");
    Ingester ingester(repo, {.max_batch = 1000,
                             .max_wait = std::chrono::milliseconds(10),
                             .retries = 1,
                             .retry_backoff = std::chrono::milliseconds(1),
                             .unavailable_pause = std::chrono::milliseconds(5)});
    std::thread writer([&] { ingester.run(*sub); });
    for (int i = 0; i < 5; ++i) bus.publish(credential_event(i));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (db.repository->count_logs({}) < 5 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    bus.close();
    writer.join();
    const auto stats = ingester.stats();
    EXPECT_EQ(db.repository->count_logs({}), 5);
    EXPECT_EQ(stats.stored, 5u);
    EXPECT_EQ(stats.lost, 0u);
    EXPECT_EQ(stats.dead_letters, 0u);
    EXPECT_EQ(stats.held, 6u);
}

// Stopping while the store is away: the held batch and everything still queued are
// counted lost at once, the store tried once more at most, so the stop is not held up.
TEST(Ingester, StoppingWithTheStoreAwayGivesUpAtOnce) {
    TempDb db;
    AwayRepository repo(*db.repository, 1'000'000);
    EventBus bus;
    auto sub = bus.subscribe("ingester");
    Ingester ingester(repo, {.max_batch = 2,
                             .max_wait = std::chrono::milliseconds(5),
                             .unavailable_pause = std::chrono::milliseconds(5)});
    for (int i = 0; i < 10; ++i) bus.publish(credential_event(i));
    std::thread writer([&] { ingester.run(*sub); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (ingester.stats().held < 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    bus.close();
    writer.join();
    const auto stats = ingester.stats();
    EXPECT_EQ(stats.lost, 10u);
    EXPECT_EQ(stats.stored, 0u);
    EXPECT_EQ(stats.dead_letters, 0u);
    EXPECT_LE(repo.insert_calls, static_cast<int>(stats.held) + 1);
}

// Outside run() (decnet ingest, the collector's queue) nothing waits for the store: the
// batch is lost at once, counted, without retries or row isolation against a dead server.
TEST(Ingester, StoreOutsideRunDoesNotWaitForAnUnavailableStore) {
    TempDb db;
    AwayRepository repo(*db.repository, 1000);
    Ingester ingester(repo, {.retries = 3, .retry_backoff = std::chrono::milliseconds(1)});
    std::vector<LogRecord> rows(3);
    for (auto& r : rows) {
        r.timestamp = now_timestamp();
        r.decky = "decky-01";
        r.service = "ssh";
        r.event_type = "connect";
        r.raw_line = "line";
        r.fields = "{}";
    }
    ingester.store(rows, "test");
    const auto stats = ingester.stats();
    EXPECT_EQ(stats.lost, 3u);
    EXPECT_EQ(stats.dead_letters, 0u);
    EXPECT_EQ(repo.insert_calls, 1);
}

}  // namespace
}  // namespace decnet::store
