// SQLite schema: the tables, columns and index names of api.md §5.2, pragmas of §5.1,
// idempotent migrations, upgrades from an older version and adoption of a database the
// reference implementation created.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "store/sqlite/migrations.hpp"
#include "store/sqlite/statement.hpp"
#include "unit/store/sqlite_fixture.hpp"

namespace decnet::store {
namespace {

using sqlite::Connection;
using sqlite_test::TempDir;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsSupersetOf;

std::vector<std::string> strings(Connection& c, const std::string& sql) {
    std::vector<std::string> out;
    auto statement = c.prepare(sql);
    while (statement->step()) out.push_back(statement->column_text(0));
    return out;
}

std::vector<std::string> columns(Connection& c, const std::string& table) {
    return strings(c, "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid");
}

std::vector<std::string> index_columns(Connection& c, const std::string& index) {
    return strings(c, "SELECT name FROM pragma_index_info('" + index + "') ORDER BY seqno");
}

std::int64_t versions(Connection& c) {
    return c.query_int64("SELECT COUNT(*) FROM schema_version").value_or(-1);
}

TEST(SqliteSchema, TablesAndColumnsOfTheSpec) {
    TempDir dir;
    open_sqlite(dir.file("s.db"));
    Connection c(dir.file("s.db"));
    EXPECT_THAT(strings(c, "SELECT name FROM sqlite_master WHERE type = 'table'"),
                IsSupersetOf({"users", "logs", "bounty", "state", "attackers", "attacker_behavior",
                              "dead_letters", "schema_version", "logs_fts", "logs_fts_progress"}));
    EXPECT_THAT(columns(c, "users"),
                ElementsAre("uuid", "username", "password_hash", "role", "must_change_password"));
    EXPECT_THAT(columns(c, "logs"),
                ElementsAre("id", "timestamp", "decky", "service", "event_type", "attacker_ip",
                            "raw_line", "fields", "msg", "trace_id", "span_id", "tags"));
    // The spec's columns, then the dedup hash migration 6 adds (as the MariaDB backend has).
    EXPECT_THAT(columns(c, "bounty"),
                ElementsAre("id", "timestamp", "decky", "service", "attacker_ip", "bounty_type",
                            "payload", "payload_hash"));
    EXPECT_THAT(columns(c, "state"), ElementsAre("key", "value"));
    EXPECT_THAT(columns(c, "attackers"),
                ElementsAre("uuid", "ip", "first_seen", "last_seen", "event_count", "service_count",
                            "decky_count", "services", "deckies", "traversal_path", "is_traversal",
                            "bounty_count", "credential_count", "fingerprints", "commands",
                            "updated_at", "attack_techniques", "country", "country_name", "asn",
                            "as_org"));  // then migration 7's ATT&CK column, migration 10's GeoIP
    EXPECT_THAT(
        columns(c, "attacker_behavior"),
        ElementsAre("attacker_uuid", "os_guess", "hop_distance", "tcp_fingerprint",
                    "retransmit_count", "behavior_class", "beacon_interval_s", "beacon_jitter_pct",
                    "tool_guesses", "timing_stats", "phase_sequence", "updated_at"));
    EXPECT_THAT(columns(c, "dead_letters"),
                ElementsAre("id", "received_at", "source", "reason", "payload"));
}

TEST(SqliteSchema, IndexNamesFollowTheSpec) {
    TempDir dir;
    open_sqlite(dir.file("s.db"));
    Connection c(dir.file("s.db"));
    EXPECT_THAT(
        strings(c, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"),
        IsSupersetOf({"ix_users_username", "ix_logs_timestamp", "ix_logs_decky", "ix_logs_service",
                      "ix_logs_event_type", "ix_logs_attacker_ip", "ix_bounty_timestamp",
                      "ix_bounty_bounty_type", "ix_attackers_ip", "ix_attackers_first_seen",
                      "ix_attackers_last_seen", "ix_attackers_updated_at",
                      "ix_attacker_behavior_updated_at", "ix_dead_letters_received_at",
                      "ix_bounty_dedup"}));
    EXPECT_THAT(index_columns(c, "ix_logs_timestamp"), ElementsAre("timestamp"));
    // Migration 8: the attacker list's three orderings are each one index scan.
    EXPECT_THAT(index_columns(c, "ix_attackers_last_seen"), ElementsAre("last_seen", "uuid"));
    EXPECT_THAT(index_columns(c, "ix_attackers_active"), ElementsAre("event_count", "uuid"));
    EXPECT_THAT(index_columns(c, "ix_attackers_traversals"),
                ElementsAre("is_traversal", "last_seen", "uuid"));
    EXPECT_THAT(index_columns(c, "ix_logs_service"), ElementsAre("service", "timestamp"));
    EXPECT_THAT(index_columns(c, "ix_bounty_dedup"),
                ElementsAre("attacker_ip", "bounty_type", "payload_hash"));
    EXPECT_EQ(c.query_int64("SELECT \"unique\" FROM pragma_index_list('users') "
                            "WHERE name = 'ix_users_username'"),
              1);
}

TEST(SqliteSchema, PragmasOfTheReference) {
    TempDir dir;
    auto repo = open_sqlite(dir.file("s.db"));
    Connection c(dir.file("s.db"));
    EXPECT_EQ(strings(c, "PRAGMA journal_mode"), std::vector<std::string>{"wal"});
    EXPECT_EQ(c.query_int64("PRAGMA foreign_keys"), 0);
}

TEST(SqliteSchema, MigrationsAreIdempotent) {
    TempDir dir;
    const auto path = dir.file("s.db");
    {
        auto repo = open_sqlite(path);
        repo->migrate();
        repo->migrate();
    }
    open_sqlite(path)->migrate();
    Connection c(path);
    EXPECT_EQ(versions(c), sqlite::latest_schema_version());
    EXPECT_EQ(sqlite::schema_version(c), sqlite::latest_schema_version());
    EXPECT_THAT(strings(c, "SELECT description FROM schema_version ORDER BY version"),
                Contains("dead_letters"));
}

TEST(SqliteSchema, UpgradesAVersionOneDatabaseKeepingItsRows) {
    TempDir dir;
    const auto path = dir.file("old.db");
    {
        Connection c(path);
        sqlite::migrate(c, 1);
        EXPECT_EQ(sqlite::schema_version(c), 1);
        EXPECT_FALSE(sqlite::has_search_index(c));
        c.exec(
            "INSERT INTO logs (timestamp, decky, service, event_type, attacker_ip, raw_line, "
            "fields) VALUES ('2024-01-15 12:00:00.000000', 'decky-01', 'ssh', 'login', "
            "'1.2.3.4', 'an old needle line', '{\"username\":\"root\"}')");
    }
    SqliteRepository repo(path, sqlite_test::manual_indexing());
    {
        Connection c(path);
        EXPECT_EQ(sqlite::schema_version(c), sqlite::latest_schema_version());
        EXPECT_TRUE(sqlite::has_search_index(c));
    }
    EXPECT_EQ(repo.count_logs({}), 1);
    EXPECT_EQ(repo.count_dead_letters(), 0);
    EXPECT_EQ(repo.search_index_backlog(), 1);  // old rows wait for the indexer...
    LogFilter filter;
    filter.search = "needle";
    EXPECT_EQ(repo.count_logs(filter), 1);  // ...and are found meanwhile
    EXPECT_EQ(repo.index_pending_search(100), 1u);
    EXPECT_EQ(repo.search_index_backlog(), 0);
    EXPECT_EQ(repo.count_logs(filter), 1);
}

// Version 6 hashes the bounties already stored, so the hash-keyed dedup still sees them.
TEST(SqliteSchema, UpgradeHashesExistingBountiesForDedup) {
    TempDir dir;
    const auto path = dir.file("old.db");
    {
        Connection c(path);
        sqlite::migrate(c, 5);
        c.exec(
            "INSERT INTO bounty (timestamp, decky, service, attacker_ip, bounty_type, payload) "
            "VALUES ('2024-01-15 12:00:00.000000', 'decky-01', 'ssh', '1.2.3.4', 'credential', "
            "'{\"username\":\"root\",\"password\":\"toor\"}')");
    }
    auto repo = open_sqlite(path, sqlite_test::manual_indexing());
    {
        Connection c(path);
        EXPECT_EQ(c.query_text("SELECT payload_hash FROM bounty"),
                  "59ab7bce0c07edbaf06b50ba87cb4a624f3d112d29a41dfc39ddb95883b0af8b");
        EXPECT_THAT(index_columns(c, "ix_bounty_dedup"),
                    ElementsAre("attacker_ip", "bounty_type", "payload_hash"));
    }
    BountyRecord same;
    same.decky = "decky-02";
    same.service = "ftp";
    same.attacker_ip = "1.2.3.4";
    same.bounty_type = "credential";
    same.payload = R"({"username":"root","password":"toor"})";
    BountyRecord other = same;
    other.attacker_ip = "5.6.7.8";
    std::vector<BountyRecord> rows{same, other};
    EXPECT_EQ(repo->insert_bounties(rows), 1u);  // the old row still counts as known
    EXPECT_EQ(rows[0].id, 0);
    EXPECT_EQ(repo->count_bounties({}), 2);
}

TEST(SqliteSchema, NewDatabasesUseEightKibPages) {
    TempDir dir;
    const auto path = dir.file("new.db");
    open_sqlite(path, sqlite_test::manual_indexing());
    Connection c(path);
    EXPECT_EQ(c.query_int64("PRAGMA page_size"), 8192);
}

TEST(SqliteSchema, BackgroundIndexerCatchesUpOnOldRows) {
    TempDir dir;
    const auto path = dir.file("old.db");
    {
        Connection c(path);
        sqlite::migrate(c, 4);
        c.exec("BEGIN");
        for (int i = 0; i < 1000; ++i)
            c.exec(
                "INSERT INTO logs (timestamp, decky, service, event_type, attacker_ip, raw_line, "
                "fields) VALUES ('2024-01-15 12:00:00.000000', 'd', 's', 'e', 'i', 'row " +
                std::to_string(i) + "', '{}')");
        c.exec("COMMIT");
    }
    SqliteRepository repo(path, SqliteOptions{});
    for (int i = 0; i < 500 && repo.search_index_backlog() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(repo.search_index_backlog(), 0);
    LogFilter filter;
    filter.search = "row 99";                // two tokens: "row" and "99"
    EXPECT_EQ(repo.count_logs(filter), 19);  // 99, 199, ..., 990..999
}

// A file as the Python reference leaves it: the same tables, single-column indexes, no
// schema_version. It is adopted (nothing rebuilt) and upgraded.
TEST(SqliteSchema, AdoptsADatabaseCreatedByTheReference) {
    TempDir dir;
    const auto path = dir.file("reference.db");
    {
        Connection c(path);
        c.exec(R"sql(
CREATE TABLE logs (id INTEGER NOT NULL, timestamp DATETIME NOT NULL, decky VARCHAR NOT NULL,
    service VARCHAR NOT NULL, event_type VARCHAR NOT NULL, attacker_ip VARCHAR NOT NULL,
    raw_line TEXT NOT NULL, fields TEXT NOT NULL, msg TEXT, PRIMARY KEY (id));
CREATE INDEX ix_logs_decky ON logs (decky);
CREATE TABLE attackers (id INTEGER NOT NULL, ip VARCHAR NOT NULL, PRIMARY KEY (id));
INSERT INTO logs VALUES (7, '2024-01-15 12:00:00.000000', 'decky-01', 'ssh', 'login',
    '1.2.3.4', 'legacy line', '{}', NULL);
INSERT INTO attackers VALUES (1, '1.2.3.4');
)sql");
    }
    auto repo = open_sqlite(path, sqlite_test::manual_indexing());
    const auto rows = repo->logs({}, 10, 0);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].id, 7);
    EXPECT_EQ(rows[0].trace_id, std::nullopt);  // column added by migration 2
    Connection c(path);
    EXPECT_THAT(columns(c, "attackers"), Contains("uuid"));  // legacy table replaced (§5.1)
    EXPECT_THAT(index_columns(c, "ix_logs_decky"), ElementsAre("decky"));  // left as it was
    std::vector<LogRecord> more{sqlite_test::simple_row(1)};
    repo->insert_logs(more);
    EXPECT_EQ(more[0].id, 8);
    LogFilter filter;
    filter.search = "legacy";
    EXPECT_EQ(repo->count_logs(filter), 1);
}

}  // namespace
}  // namespace decnet::store
