// SQLite bounties (dedup §5.5, listing §1.5), state upserts and dead letters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sqlite/statement.hpp"
#include "unit/store/sqlite_fixture.hpp"

namespace decnet::store {
namespace {

using sqlite_test::TempDir;

BountyRecord bounty(std::string type, std::string ip, std::string payload,
                    std::string decky = "decky-01", std::string timestamp = "") {
    BountyRecord b;
    b.timestamp = std::move(timestamp);
    b.decky = std::move(decky);
    b.service = "ssh";
    b.attacker_ip = std::move(ip);
    b.bounty_type = std::move(type);
    b.payload = std::move(payload);
    return b;
}

class SqliteBounty : public ::testing::Test {
  protected:
    TempDir dir;
    std::unique_ptr<Repository> repo =
        open_sqlite(dir.file("b.db"), sqlite_test::manual_indexing());
};

TEST_F(SqliteBounty, DedupOnTypeAttackerAndPayload) {
    const std::string cred = R"({"username":"root","password":"toor"})";
    std::vector<BountyRecord> first{bounty("credential", "1.1.1.1", cred)};
    EXPECT_EQ(repo->insert_bounties(first), 1u);
    EXPECT_GT(first[0].id, 0);
    EXPECT_FALSE(first[0].timestamp.empty());  // insertion time filled in

    std::vector<BountyRecord> batch{
        bounty("credential", "1.1.1.1", cred, "decky-99"),  // other decky: still a duplicate
        bounty("fingerprint", "1.1.1.1", cred),             // other type
        bounty("credential", "2.2.2.2", cred),              // other attacker
        bounty("credential", "1.1.1.1", cred + " "),        // other payload text
        bounty("credential", "2.2.2.2", cred),              // duplicate within the batch
    };
    EXPECT_EQ(repo->insert_bounties(batch), 3u);
    EXPECT_EQ(batch[0].id, 0);
    EXPECT_GT(batch[1].id, 0);
    EXPECT_EQ(batch[4].id, 0);
    EXPECT_EQ(repo->count_bounties({}), 4);
    EXPECT_EQ(repo->insert_bounties(batch), 0u);
}

TEST_F(SqliteBounty, DedupLookupUsesTheIndex) {
    sqlite::Connection c(dir.file("b.db"));
    auto plan = c.prepare(
        "EXPLAIN QUERY PLAN SELECT 1 FROM bounty WHERE bounty_type = ?5 AND attacker_ip = ?4 "
        "AND payload_hash = ?7 AND payload = ?6");
    std::string detail;
    while (plan->step()) detail += plan->column_text(3) + "\n";
    EXPECT_THAT(detail, ::testing::HasSubstr("ix_bounty_dedup"));
}

TEST_F(SqliteBounty, ListingOrderFiltersAndCount) {
    std::vector<BountyRecord> rows{bounty("credential", "1.1.1.1", R"({"username":"Root"})",
                                          "decky-01", "2024-01-15 12:00:00.000000"),
                                   bounty("fingerprint", "2.2.2.2", R"({"fingerprint_type":"ja3"})",
                                          "decky-02", "2024-01-15 12:02:00.000000"),
                                   bounty("credential", "3.3.3.3", R"({"username":"admin"})",
                                          "decky-03", "2024-01-15 12:01:00.000000")};
    repo->insert_bounties(rows);
    auto all = repo->bounties({}, 50, 0);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].attacker_ip, "2.2.2.2");  // newest first
    EXPECT_EQ(all[2].attacker_ip, "1.1.1.1");
    EXPECT_EQ(all[0].payload, R"({"fingerprint_type":"ja3"})");
    EXPECT_EQ(all[0].timestamp, "2024-01-15 12:02:00.000000");

    BountyFilter creds;
    creds.bounty_type = "credential";
    EXPECT_EQ(repo->count_bounties(creds), 2);
    creds.search = "ROOT";  // case-insensitive substring of the payload
    const auto found = repo->bounties(creds, 50, 0);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].attacker_ip, "1.1.1.1");
    BountyFilter by_decky;
    by_decky.search = "decky-0";
    EXPECT_EQ(repo->count_bounties(by_decky), 3);
    by_decky.search = "'; DROP TABLE bounty; --";
    EXPECT_EQ(repo->count_bounties(by_decky), 0);
    EXPECT_EQ(repo->bounties({}, 2, 2).size(), 1u);
    EXPECT_EQ(repo->bounties({}, 5000, 0).size(), 3u);
    EXPECT_TRUE(repo->bounties({}, 0, 0).empty());
}

TEST(SqliteState, UpsertAndRead) {
    TempDir dir;
    auto repo = open_sqlite(dir.file("s.db"));
    EXPECT_EQ(repo->get_state("ingest_worker_position"), std::nullopt);
    repo->set_state("ingest_worker_position", R"({"position":10})");
    EXPECT_EQ(repo->get_state("ingest_worker_position"), R"({"position":10})");
    repo->set_state("ingest_worker_position", R"({"position":20})");
    EXPECT_EQ(repo->get_state("ingest_worker_position"), R"({"position":20})");
    repo->set_state("it's", "\"quoted\"");
    EXPECT_EQ(repo->get_state("it's"), "\"quoted\"");
    sqlite::Connection c(dir.file("s.db"));
    EXPECT_EQ(c.query_int64("SELECT COUNT(*) FROM state"), 2);
}

TEST(SqliteDeadLetters, StoredCountedAndTruncated) {
    TempDir dir;
    auto repo = open_sqlite(dir.file("d.db"));
    EXPECT_EQ(repo->count_dead_letters(), 0);
    repo->insert_dead_letter({"2024-01-15 12:00:00.000000", "bus", "missing decky", "{\"x\":1}"});
    std::string huge(70 * 1024, 'x');
    huge[64 * 1024 - 1] = '\xc3';  // a two-byte character straddling the limit
    huge[64 * 1024] = '\xa9';
    repo->insert_dead_letter({"", "ingest:decnet.json", "bad", huge});
    EXPECT_EQ(repo->count_dead_letters(), 2);
    sqlite::Connection c(dir.file("d.db"));
    EXPECT_EQ(c.query_int64("SELECT length(CAST(payload AS BLOB)) FROM dead_letters WHERE id = 2"),
              64 * 1024 - 1);
    EXPECT_EQ(c.query_int64("SELECT length(received_at) FROM dead_letters WHERE id = 2"), 26);
}

}  // namespace
}  // namespace decnet::store
