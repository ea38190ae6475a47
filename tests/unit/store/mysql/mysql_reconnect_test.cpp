// The MySQL backend when the server goes away: connections dropped at each point of a
// write transaction (injected), killed by the server, and a kill -9 + restart of MariaDB
// in the middle of a stream of batches — afterwards every row is there exactly once.
#include <gtest/gtest.h>

#include <errmsg.h>

#include <atomic>
#include <map>
#include <sstream>
#include <thread>

#include "store/mysql/mysql_backend.hpp"
#include "unit/store/mysql/mariadb_server.hpp"

namespace decnet::store {
namespace {

using namespace std::chrono_literals;
using mysql::MysqlError;
using mysql::MysqlRepository;
using mysql::WritePhase;
using testing_mysql::MysqlServerTest;

std::vector<LogRecord> batch(int number, int rows) {
    std::vector<LogRecord> out;
    for (int i = 0; i < rows; ++i) {
        LogRecord r;
        r.timestamp = "2024-01-15 12:00:00.000001";
        r.decky = "decky-" + std::to_string(i % 4);
        r.service = "ssh";
        r.event_type = "login_attempt";
        r.attacker_ip = "10.0." + std::to_string(number % 250) + "." + std::to_string(i % 250);
        r.raw_line = "batch-" + std::to_string(number) + "-row-" + std::to_string(i) + " " +
                     std::string(200, 'x');
        r.fields = R"({"n":")" + std::to_string(i) + "\"}";
        out.push_back(std::move(r));
    }
    return out;
}

class MysqlReconnectTest : public MysqlServerTest {
  protected:
    void SetUp() override {
        MysqlServerTest::SetUp();
        if (IsSkipped()) return;
        repo_ = std::make_unique<MysqlRepository>(config());
        repo_->migrate();
    }

    // Drops the connection once, at `phase` of the next write transaction.
    void drop_once_at(WritePhase phase) {
        auto fired = std::make_shared<bool>(false);
        repo_->set_fault_injector([phase, fired](WritePhase now) {
            if (now != phase || *fired) return;
            *fired = true;
            throw MysqlError(CR_SERVER_LOST, "injected: lost connection");
        });
    }

    std::string sql(const std::string& query) { return server_->root_query(query); }
    std::string table(const char* name) { return "`" + database_ + "`." + name; }

    std::unique_ptr<MysqlRepository> repo_;
};

// The COMMIT landed but its answer was lost: the retry must notice and not insert again.
TEST_F(MysqlReconnectTest, LostCommitThatLandedIsNotRepeated) {
    auto rows = batch(1, 20);
    drop_once_at(WritePhase::after_commit);
    repo_->insert_logs(rows);
    EXPECT_EQ(repo_->count_logs({}), 20);
    EXPECT_EQ(sql("SELECT COUNT(*) FROM " + table("write_batches")), "1");
    for (const auto& r : rows)
        EXPECT_EQ(
            sql("SELECT raw_line FROM " + table("logs") + " WHERE id = " + std::to_string(r.id)),
            r.raw_line);
}

// The connection dropped before COMMIT: the server rolled back, the retry stores it all.
TEST_F(MysqlReconnectTest, LostTransactionIsRetriedWhole) {
    auto rows = batch(2, 20);
    drop_once_at(WritePhase::before_commit);
    repo_->insert_logs(rows);
    EXPECT_EQ(repo_->count_logs({}), 20);
    EXPECT_EQ(rows.back().id, repo_->max_log_id());
}

TEST_F(MysqlReconnectTest, LostCommitOfBountiesKeepsTheCount) {
    std::vector<BountyRecord> rows(2);
    rows[0] = {0, "", "d", "ssh", "1.1.1.1", "credential", R"({"username":"a"})"};
    rows[1] = {0, "", "d", "ssh", "1.1.1.1", "credential", R"({"username":"b"})"};
    drop_once_at(WritePhase::after_commit);
    EXPECT_EQ(repo_->insert_bounties(rows), 2u);  // not 0, although the retry inserted none
    EXPECT_EQ(repo_->count_bounties({}), 2);
}

// The server kills the writer's connection between batches (ER_CONNECTION_KILLED / gone).
TEST_F(MysqlReconnectTest, KilledConnectionIsReplaced) {
    auto first = batch(3, 5);
    repo_->insert_logs(first);
    repo_->count_logs({});  // opens a reader too
    const auto ids =
        sql("SELECT GROUP_CONCAT(id) FROM information_schema.processlist "
            "WHERE user = 'decnet'");
    std::stringstream list(ids);
    for (std::string id; std::getline(list, id, ',');) sql("KILL CONNECTION " + id);
    auto second = batch(4, 5);
    repo_->insert_logs(second);
    EXPECT_EQ(repo_->count_logs({}), 10);
}

TEST_F(MysqlReconnectTest, ServerDownLongerThanTheBudgetIsAStoreError) {
    auto c = config();
    c.reconnect_budget = 300ms;
    MysqlRepository impatient(c);
    impatient.migrate();
    server_->kill_hard();
    auto rows = batch(5, 3);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_THROW(impatient.insert_logs(rows), StoreError);
    EXPECT_THROW(impatient.count_logs({}), StoreError);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);  // bounded
    server_->start();
    impatient.insert_logs(rows);  // and it recovers once the server is back
    EXPECT_EQ(impatient.count_logs({}), 3);
}

// kill -9 of MariaDB while a writer streams batches, then a restart: every submitted row
// is stored exactly once and every id handed back points at its own row.
TEST_F(MysqlReconnectTest, KillNineMidStreamLosesAndDuplicatesNothing) {
    constexpr int kBatches = 40;
    constexpr int kRows = 500;
    std::atomic<int> done{0};
    std::map<std::int64_t, std::string> handed_out;  // id → raw_line, writer thread only
    std::string failure;
    std::thread writer([&] {
        try {
            for (int b = 0; b < kBatches; ++b) {
                auto rows = batch(b, kRows);
                repo_->insert_logs(rows);
                for (const auto& r : rows) handed_out.emplace(r.id, r.raw_line);
                ++done;
            }
        } catch (const std::exception& e) {
            failure = e.what();
        }
    });
    EXPECT_GE(repo_->count_logs({}), 0);  // a reader connection exists before the crash
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (done < 8 && failure.empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    // Strike while a multi-row INSERT of the writer is executing on the server.
    bool mid_insert = false;
    while (!mid_insert && failure.empty() && std::chrono::steady_clock::now() < deadline)
        mid_insert = sql("SELECT COUNT(*) FROM information_schema.processlist WHERE user = "
                         "'decnet' AND info LIKE 'INSERT INTO logs%'") != "0";
    const int before_kill = done;
    server_->kill_hard();
    std::this_thread::sleep_for(300ms);
    server_->start();
    writer.join();
    ASSERT_EQ(failure, "");
    EXPECT_TRUE(mid_insert) << "no INSERT caught in flight";
    EXPECT_LT(before_kill, kBatches) << "the kill came after the last batch";

    const auto total = static_cast<std::int64_t>(kBatches) * kRows;
    EXPECT_EQ(repo_->count_logs({}), total);  // the reader reconnects by itself
    EXPECT_EQ(sql("SELECT COUNT(DISTINCT raw_line) FROM " + table("logs")), std::to_string(total));
    EXPECT_EQ(sql("SELECT COUNT(*) FROM " + table("write_batches")), std::to_string(kBatches));
    ASSERT_EQ(handed_out.size(), static_cast<std::size_t>(total));  // ids all distinct
    std::size_t checked = 0;
    for (std::int64_t cursor = 0;;) {
        const auto page = repo_->logs_after_id(cursor, {}, 5000);
        if (page.empty()) break;
        for (const auto& r : page) {
            const auto it = handed_out.find(r.id);
            ASSERT_NE(it, handed_out.end()) << "stored row " << r.id << " was never handed out";
            ASSERT_EQ(it->second, r.raw_line) << "id " << r.id << " points at another row";
            ++checked;
        }
        cursor = page.back().id;
    }
    EXPECT_EQ(checked, handed_out.size());
}

}  // namespace
}  // namespace decnet::store
