// The MySQL backend against a real, private MariaDB server: schema and migrations, the
// write and read semantics of api.md §5.2/§6, and selection through the environment.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "store/database.hpp"
#include "store/mysql/mysql_backend.hpp"
#include "store/mysql/schema.hpp"
#include "unit/store/mysql/mariadb_server.hpp"

namespace decnet::store {
namespace {

using testing_mysql::MysqlServerTest;

LogRecord log_row(std::string timestamp, std::string decky = "decky-01",
                  std::string service = "ssh", std::string attacker_ip = "10.0.0.1",
                  std::string fields = R"({"src_ip":"10.0.0.1"})",
                  std::string raw_line = "<134>1 line") {
    LogRecord r;
    r.timestamp = std::move(timestamp);
    r.decky = std::move(decky);
    r.service = std::move(service);
    r.event_type = "login_attempt";
    r.attacker_ip = std::move(attacker_ip);
    r.raw_line = std::move(raw_line);
    r.fields = std::move(fields);
    return r;
}

// Every id handed back by insert_logs names the row it was handed back for.
void expect_ids_point_at_rows(Repository& repo, const std::vector<LogRecord>& rows) {
    std::map<std::int64_t, std::string> expected;
    for (const auto& r : rows) expected.emplace(r.id, r.raw_line);
    ASSERT_EQ(expected.size(), rows.size()) << "ids are not distinct";
    std::size_t seen = 0;
    for (std::int64_t cursor = 0;;) {
        const auto page = repo.logs_after_id(cursor, {}, 1000);
        if (page.empty()) break;
        for (const auto& r : page) {
            const auto it = expected.find(r.id);
            if (it == expected.end()) continue;
            EXPECT_EQ(it->second, r.raw_line) << "id " << r.id;
            ++seen;
        }
        cursor = page.back().id;
    }
    EXPECT_EQ(seen, rows.size());
}

class MysqlRepositoryTest : public MysqlServerTest {
  protected:
    void SetUp() override {
        MysqlServerTest::SetUp();
        if (IsSkipped()) return;
        repo_ = open_mysql(config());
    }

    void insert(std::vector<LogRecord> rows) { repo_->insert_logs(rows); }

    std::set<std::int64_t> ids_of(const std::vector<LogRecord>& rows) {
        std::set<std::int64_t> ids;
        for (const auto& r : rows) ids.insert(r.id);
        return ids;
    }

    std::int64_t count(std::string search) {
        LogFilter f;
        f.search = std::move(search);
        return repo_->count_logs(f);
    }

    std::unique_ptr<Repository> repo_;
};

TEST_F(MysqlRepositoryTest, MigrationsAreIdempotentAndVersioned) {
    repo_->migrate();
    auto again = open_mysql(config());  // a second process opening the same database
    again->migrate();
    EXPECT_EQ(server_->root_query("SELECT COUNT(*) FROM `" + database_ + "`.schema_version"),
              std::to_string(mysql::latest_schema_version()));
    EXPECT_EQ(server_->root_query("SELECT MAX(version) FROM `" + database_ + "`.schema_version"),
              std::to_string(mysql::latest_schema_version()));
    for (const char* table : {"logs", "bounty", "state", "users", "attackers", "attacker_behavior",
                              "dead_letters", "write_batches"})
        EXPECT_EQ(server_->root_query("SELECT COUNT(*) FROM information_schema.tables WHERE "
                                      "table_schema = '" +
                                      database_ + "' AND table_name = '" + table + "'"),
                  "1")
            << table;
    EXPECT_EQ(
        server_->root_query("SELECT COLUMN_TYPE FROM information_schema.columns WHERE "
                            "table_schema = '" +
                            database_ + "' AND table_name = 'logs' AND column_name = 'timestamp'"),
        "datetime(6)");
    EXPECT_EQ(server_->root_query("SELECT COUNT(*) FROM information_schema.statistics WHERE "
                                  "table_schema = '" +
                                  database_ + "' AND index_name = 'ix_logs_attacker_ip'"),
              "1");
}

// A database the reference (SQLAlchemy on MySQL) created: plain DATETIME, TEXT columns, an
// `attackers` table from before uuids, bounties without our hash column.
TEST_F(MysqlRepositoryTest, MigratesAReferenceCreatedDatabase) {
    const std::string db = server_->fresh_database("t_reference_created");
    const auto run = [&](const std::string& sql) { server_->root_query(sql); };
    const std::string q = "`" + db + "`.";
    run("CREATE TABLE " + q +
        "logs (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, "
        "timestamp DATETIME NOT NULL, decky VARCHAR(255) NOT NULL, service VARCHAR(255) NOT NULL, "
        "event_type VARCHAR(255) NOT NULL, attacker_ip VARCHAR(255) NOT NULL, raw_line TEXT NOT "
        "NULL, "
        "fields TEXT NOT NULL, msg TEXT, trace_id VARCHAR(255), span_id VARCHAR(255), "
        "INDEX ix_logs_timestamp (timestamp)) DEFAULT CHARSET=utf8mb4");
    run("INSERT INTO " + q +
        "logs VALUES (NULL, '2024-01-01 10:00:00', 'd', 'ssh', 'login', "
        "'1.1.1.1', 'old line', '{}', NULL, NULL, NULL)");
    run("CREATE TABLE " + q +
        "bounty (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, "
        "timestamp DATETIME NOT NULL, decky VARCHAR(255) NOT NULL, service VARCHAR(255) NOT NULL, "
        "attacker_ip VARCHAR(255) NOT NULL, bounty_type VARCHAR(255) NOT NULL, "
        "payload TEXT NOT NULL) DEFAULT CHARSET=utf8mb4");
    run("INSERT INTO " + q +
        "bounty VALUES (NULL, '2024-01-01 10:00:00', 'd', 'ssh', '1.1.1.1', "
        "'credential', '{\"username\":\"röot\",\"password\":\"toor\"}')");
    run("CREATE TABLE " + q +
        "state (`key` VARCHAR(255) NOT NULL PRIMARY KEY, value TEXT NOT NULL)");
    run("INSERT INTO " + q + "state VALUES ('ingest_worker_position', '{\"position\":7}')");
    run("CREATE TABLE " + q + "attackers (id INTEGER PRIMARY KEY, ip VARCHAR(255))");

    auto repo = open_mysql(server_->config(db));
    const auto column = [&](const char* table, const char* name) {
        return server_->root_query(
            "SELECT COLUMN_TYPE FROM information_schema.columns WHERE "
            "table_schema = '" +
            db + "' AND table_name = '" + table + "' AND column_name = '" + name + "'");
    };
    EXPECT_EQ(column("attackers", "uuid"), "varchar(255)");  // legacy table replaced
    EXPECT_EQ(column("state", "value"), "mediumtext");
    EXPECT_EQ(column("logs", "timestamp"), "datetime");  // existing tables are kept as they are
    EXPECT_EQ(repo->get_state("ingest_worker_position"), R"({"position":7})");

    const auto old = repo->logs({}, 10, 0);
    ASSERT_EQ(old.size(), 1u);
    EXPECT_EQ(old[0].timestamp, "2024-01-01 10:00:00.000000");
    std::vector<BountyRecord> same(1);
    same[0] = {
        0, "", "d2", "ssh", "1.1.1.1", "credential", R"({"username":"röot","password":"toor"})"};
    EXPECT_EQ(repo->insert_bounties(same), 0u);  // dedup sees the reference's row
    std::vector<LogRecord> rows{log_row("2024-01-02 00:00:00")};
    repo->insert_logs(rows);
    EXPECT_EQ(rows[0].id, old[0].id + 1);
    EXPECT_EQ(server_->root_query("SELECT MAX(version) FROM " + q + "schema_version"),
              std::to_string(mysql::latest_schema_version()));
}

// Ids of a multi-row INSERT step by auto_increment_increment (as on a Galera cluster).
TEST_F(MysqlRepositoryTest, IdsFollowTheAutoIncrementStep) {
    server_->root_query("SET GLOBAL auto_increment_increment = 5");
    std::unique_ptr<Repository> repo;
    try {
        repo = open_mysql(config());  // new connections see the new step
    } catch (...) {
        server_->root_query("SET GLOBAL auto_increment_increment = 1");
        throw;
    }
    server_->root_query("SET GLOBAL auto_increment_increment = 1");
    std::vector<LogRecord> rows;
    for (int i = 0; i < 30; ++i)
        rows.push_back(
            log_row("2024-01-15 12:00:00", "d", "s", "1.1.1.1", "{}", "r" + std::to_string(i)));
    repo->insert_logs(rows);
    EXPECT_EQ(rows[1].id - rows[0].id, 5);
    expect_ids_point_at_rows(*repo, rows);
}

TEST_F(MysqlRepositoryTest, RoundTripKeepsMicrosecondsNullsAndText) {
    auto with_all = log_row("2024-01-15 12:00:00.123456");
    with_all.msg = "héllo ✓ 'quoted' \"double\" \\ back";
    with_all.trace_id = std::string(32, 'a');
    with_all.span_id = std::string(16, 'b');
    with_all.fields = R"({"username":"röot","n":"1"})";
    auto bare = log_row("2024-01-15 12:00:01.000000");
    std::vector<LogRecord> rows{with_all, bare};
    repo_->insert_logs(rows);
    EXPECT_GT(rows[0].id, 0);
    EXPECT_EQ(rows[1].id, rows[0].id + 1);

    const auto stored = repo_->logs({}, 10, 0);
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_EQ(stored[1].id, rows[0].id);
    EXPECT_EQ(stored[1].timestamp, "2024-01-15 12:00:00.123456");
    EXPECT_EQ(stored[1].msg, with_all.msg);
    EXPECT_EQ(stored[1].fields, with_all.fields);
    EXPECT_EQ(stored[1].trace_id, with_all.trace_id);
    EXPECT_EQ(stored[1].span_id, with_all.span_id);
    EXPECT_EQ(stored[0].timestamp, "2024-01-15 12:00:01.000000");
    EXPECT_FALSE(stored[0].msg);
    EXPECT_FALSE(stored[0].trace_id);
    EXPECT_FALSE(stored[0].span_id);
}

TEST_F(MysqlRepositoryTest, LargeBatchGetsConsecutiveIdsInOrder) {
    std::vector<LogRecord> rows;
    for (int i = 0; i < 1203; ++i)  // three INSERT statements
        rows.push_back(
            log_row("2024-01-15 12:00:00", "d", "s", "1.1.1.1", "{}", "line-" + std::to_string(i)));
    repo_->insert_logs(rows);
    for (std::size_t i = 1; i < rows.size(); ++i) ASSERT_EQ(rows[i].id, rows[i - 1].id + 1);
    const auto back = repo_->logs_after_id(rows[600].id - 1, {}, 1);
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].raw_line, "line-600");
    EXPECT_EQ(repo_->count_logs({}), 1203);
    EXPECT_EQ(repo_->max_log_id(), rows.back().id);
}

TEST_F(MysqlRepositoryTest, EmptyStore) {
    EXPECT_EQ(repo_->max_log_id(), 0);
    EXPECT_TRUE(repo_->logs({}, 50, 0).empty());
    EXPECT_TRUE(repo_->histogram({}, 15).empty());
    EXPECT_EQ(repo_->log_stats().total_logs, 0);
    EXPECT_EQ(repo_->get_state("deployment"), std::nullopt);
}

TEST_F(MysqlRepositoryTest, PagesAreOrderedAndDisjoint) {
    std::vector<LogRecord> rows;
    for (int i = 0; i < 10; ++i)
        rows.push_back(log_row("2024-01-15 12:00:0" + std::to_string(i % 5)));
    repo_->insert_logs(rows);
    std::set<std::int64_t> seen;
    std::vector<std::size_t> sizes;
    std::vector<LogRecord> all;
    for (int offset = 0; offset < 12; offset += 4) {
        const auto page = repo_->logs({}, 4, offset);
        sizes.push_back(page.size());
        for (const auto& r : page) {
            EXPECT_TRUE(seen.insert(r.id).second);
            all.push_back(r);
        }
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4, 2}));
    for (std::size_t i = 1; i < all.size(); ++i) {  // timestamp DESC, id DESC
        EXPECT_GE(all[i - 1].timestamp, all[i].timestamp);
        if (all[i - 1].timestamp == all[i].timestamp) {
            EXPECT_GT(all[i - 1].id, all[i].id);
        }
    }
}

TEST_F(MysqlRepositoryTest, SearchForms) {
    insert({log_row("2024-01-15 12:00:00", "target", "ssh", "1.2.3.4",
                    R"({"username":"root","password":"toor","port":22})",
                    "ssh decky login supersecretstring"),
            log_row("2024-01-15 12:00:01", "other", "ftp", "5.6.7.8",
                    R"({"username":"root","password":"hunter2"})", "ftp login"),
            log_row("2024-01-15 12:00:02", "Target", "http", "9.9.9.9",
                    R"({"username":"Root","path":"/a%b_c'd\"e\\f;g"})", R"(GET /a%b_c'd"e\f;g)")});
    EXPECT_EQ(count("service:ssh"), 1);
    EXPECT_EQ(count("decky:target"), 1);  // exact and case-sensitive, like SQLite
    EXPECT_EQ(count("event:login_attempt"), 3);
    EXPECT_EQ(count("attacker:1.2.3.4"), 1);
    EXPECT_EQ(count("attacker-ip:5.6.7.8"), 1);
    EXPECT_EQ(count("attacker_ip:9.9.9.9"), 1);
    EXPECT_EQ(count("username:root"), 2);
    EXPECT_EQ(count("username:root password:toor"), 1);  // each token bound on its own (Q3)
    EXPECT_EQ(count("username:root password:hunter2"), 1);
    EXPECT_EQ(count("password:toor username:nobody"), 0);
    EXPECT_EQ(count("port:22"), 1);  // MySQL unquotes a number to its text
    EXPECT_EQ(count("supersecretstring"), 1);
    EXPECT_EQ(count("SUPERSECRET"), 1);  // substring search ignores case
    EXPECT_EQ(count(R"("ssh decky" attacker:1.2.3.4)"), 1);
    EXPECT_EQ(count(R"("decky login" attacker:1.2.3.4)"), 1);
    EXPECT_EQ(count("login"), 2);
    EXPECT_EQ(count("nothing-like-this"), 0);
    // SQL metacharacters are data; % and _ stay LIKE wildcards as in the reference.
    EXPECT_EQ(count(R"(path:/a%b_c'd"e\f;g)"), 1);  // open quote → whitespace split
    EXPECT_EQ(count(R"('path:/a%b_c'"'"'d"e\f;g')"), 1);
    EXPECT_EQ(count(R"(path:/a_b%c'd"e\f;g)"), 0);  // equality: no wildcards
    EXPECT_EQ(count(R"(c'd)"), 1);                  // unbalanced quote → whitespace fallback
    EXPECT_EQ(count(R"('e\f;g')"), 1);
    EXPECT_EQ(count("'; DROP TABLE logs; --"), 0);
    EXPECT_EQ(count("a%b"), 1);
    EXPECT_EQ(count("%"), 3);
    EXPECT_EQ(count("_"), 3);
    EXPECT_EQ(repo_->count_logs({}), 3);
}

TEST_F(MysqlRepositoryTest, AttackTagsRoundTripAndFilterByWholeId) {
    auto brute = log_row("2024-01-15 12:00:00", "target", "ssh", "1.2.3.4", "{}", "a");
    brute.tags = "T1078,T1110";
    auto shell = log_row("2024-01-15 12:00:01", "target", "ssh", "1.2.3.4", "{}", "b");
    shell.tags = "T1059.004";
    auto plain = log_row("2024-01-15 12:00:02", "target", "ssh", "1.2.3.4", "{}", "c");
    insert({brute, shell, plain});
    const auto stored = repo_->logs({}, 10, 0);
    ASSERT_EQ(stored.size(), 3u);
    EXPECT_EQ(stored[2].tags, "T1078,T1110");
    EXPECT_EQ(stored[0].tags, "");
    EXPECT_EQ(count("tag:T1110"), 1);
    EXPECT_EQ(count("attack:T1078"), 1);
    EXPECT_EQ(count("tag:T1059.004"), 1);
    EXPECT_EQ(count("tag:T1059"), 0);  // whole ids only
    EXPECT_EQ(count("tag:t1110"), 0);  // case-sensitive like the other columns
    EXPECT_EQ(count("tag:T1078,T1110"), 0);
    EXPECT_EQ(count("tag:T1110 attacker:1.2.3.4"), 1);
}

TEST_F(MysqlRepositoryTest, JsonValueWithQuotesAndBackslash) {
    insert(
        {log_row("2024-01-15 12:00:00", "d", "s", "1.1.1.1", R"({"cmd":"echo \"hi\" \\ 'x'"})")});
    EXPECT_EQ(count(R"('cmd:echo "hi" \ '"'"'x'"'"'')"), 1);
    EXPECT_EQ(count("cmd:echo"), 0);  // equality, not substring
}

TEST_F(MysqlRepositoryTest, TimeFilters) {
    insert({log_row("2024-01-15 11:59:59.999999"), log_row("2024-01-15 12:00:00"),
            log_row("2024-01-15 12:30:00"), log_row("2024-01-15 13:00:00.5")});
    LogFilter f;
    f.start_time = "2024-01-15 12:00:00";
    EXPECT_EQ(repo_->count_logs(f), 3);
    f.end_time = "2024-01-15 13:00:00";
    EXPECT_EQ(repo_->count_logs(f), 2);
    f.start_time = "2024-01-15T12:00:00";  // ISO 'T' works on MySQL (QUIRK Q5 is SQLite's)
    EXPECT_EQ(repo_->count_logs(f), 2);
    f.search = "service:ssh";
    EXPECT_EQ(repo_->logs(f, 10, 0).size(), 2u);
    LogFilter garbage;
    garbage.start_time = "not a time";  // free text from the API: no error, just no match
    EXPECT_NO_THROW(repo_->count_logs(garbage));
}

TEST_F(MysqlRepositoryTest, LogsAfterIdFollowsTheCursor) {
    std::vector<LogRecord> rows;
    for (int i = 0; i < 7; ++i)
        rows.push_back(log_row("2024-01-15 12:00:00", "d", i % 2 ? "ssh" : "ftp"));
    repo_->insert_logs(rows);
    const auto first = repo_->logs_after_id(0, {}, 3);
    ASSERT_EQ(first.size(), 3u);
    EXPECT_EQ(first[0].id, rows[0].id);
    const auto rest = repo_->logs_after_id(first.back().id, {}, 50);
    ASSERT_EQ(rest.size(), 4u);
    EXPECT_EQ(rest.back().id, rows.back().id);
    LogFilter ssh;
    ssh.search = "service:ssh";
    EXPECT_EQ(repo_->logs_after_id(0, ssh, 50).size(), 3u);
    EXPECT_EQ(repo_->max_log_id(), rows.back().id);
}

TEST_F(MysqlRepositoryTest, HistogramExample) {
    std::vector<LogRecord> rows;
    for (int i = 0; i < 3; ++i) rows.push_back(log_row("2024-01-15 12:00:00"));
    for (int i = 0; i < 7; ++i) rows.push_back(log_row("2024-01-15 12:20:00.5", "d", "ftp"));
    repo_->insert_logs(rows);
    const auto buckets = repo_->histogram({}, 15);
    ASSERT_EQ(buckets.size(), 2u);
    EXPECT_EQ(buckets[0].time, "2024-01-15 12:00:00");
    EXPECT_EQ(buckets[0].count, 3);
    EXPECT_EQ(buckets[1].time, "2024-01-15 12:15:00");
    EXPECT_EQ(buckets[1].count, 7);

    const auto daily = repo_->histogram({}, 1440);
    ASSERT_EQ(daily.size(), 1u);
    EXPECT_EQ(daily[0].time, "2024-01-15 00:00:00");
    LogFilter ftp;
    ftp.search = "service:ftp";
    EXPECT_EQ(repo_->histogram(ftp, 0).size(), 1u);  // interval clamps to 1 minute
    EXPECT_EQ(repo_->histogram(ftp, 0)[0].time, "2024-01-15 12:20:00");
}

TEST_F(MysqlRepositoryTest, HistogramPast2038) {
    insert({log_row("2040-06-01 10:07:00")});
    const auto buckets = repo_->histogram({}, 15);
    ASSERT_EQ(buckets.size(), 1u);
    EXPECT_EQ(buckets[0].time, "2040-06-01 10:00:00");
}

TEST_F(MysqlRepositoryTest, Stats) {
    insert({log_row("2024-01-15 12:00:00", "d", "s", "1.1.1.1"),
            log_row("2024-01-15 12:00:00", "d", "s", "1.1.1.1"),
            log_row("2024-01-15 12:00:00", "d", "s", "Unknown"),
            log_row("2024-01-15 12:00:00", "d", "s", "2.2.2.2")});
    const auto stats = repo_->log_stats();
    EXPECT_EQ(stats.total_logs, 4);
    EXPECT_EQ(stats.unique_attackers, 3);  // "Unknown" counts
}

BountyRecord bounty(std::string type, std::string ip, std::string payload,
                    std::string decky = "decky-01") {
    BountyRecord b;
    b.decky = std::move(decky);
    b.service = "ssh";
    b.attacker_ip = std::move(ip);
    b.bounty_type = std::move(type);
    b.payload = std::move(payload);
    return b;
}

TEST_F(MysqlRepositoryTest, BountyDedupAndFilters) {
    std::vector<BountyRecord> first{
        bounty("credential", "1.1.1.1", R"({"username":"root","password":"toor"})"),
        bounty("credential", "1.1.1.1", R"({"username":"root","password":"toor"})", "other"),
        bounty("credential", "2.2.2.2", R"({"username":"root","password":"toor"})"),
        bounty("fingerprint", "1.1.1.1", R"({"fingerprint_type":"ja3","ja3":"abc"})")};
    EXPECT_EQ(repo_->insert_bounties(first), 3u);  // the duplicate inside the batch too
    EXPECT_GT(first[0].id, 0);
    EXPECT_EQ(first[1].id, 0);
    std::vector<BountyRecord> again{
        bounty("credential", "1.1.1.1", R"({"username":"root","password":"toor"})", "x"),
        bounty("credential", "1.1.1.1", R"({"username":"root","password":"TOOR"})")};
    EXPECT_EQ(repo_->insert_bounties(again), 1u);  // decky is not part of the key

    EXPECT_EQ(repo_->count_bounties({}), 4);
    BountyFilter f;
    f.bounty_type = "credential";
    EXPECT_EQ(repo_->count_bounties(f), 3);
    f.search = "2.2.2";
    EXPECT_EQ(repo_->count_bounties(f), 1);
    f = {};
    f.search = "ja3";
    EXPECT_EQ(repo_->count_bounties(f), 1);
    f.bounty_type = "Fingerprint";  // exact equality
    EXPECT_EQ(repo_->count_bounties(f), 0);

    const auto page = repo_->bounties({}, 2, 0);
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].bounty_type, "credential");
    EXPECT_EQ(page[0].payload, R"({"username":"root","password":"TOOR"})");
    EXPECT_EQ(page[0].timestamp.size(), 26u);  // insertion time with microseconds
    EXPECT_EQ(repo_->bounties({}, 50, 3).size(), 1u);
}

// GET /artifacts' filters: exact decky/service/attacker, a literal (binary, so exact-case)
// payload piece, a timestamp range.
TEST_F(MysqlRepositoryTest, ArtifactFilters) {
    std::vector<BountyRecord> rows{
        bounty("artifact", "1.1.1.1", R"({"sha256":"aa","filename":"x"})"),
        bounty("artifact", "2.2.2.2", R"({"sha256":"bb","filename":"y"})", "decky-02"),
        bounty("artifact", "2.2.2.2", R"({"sha256":"aa","filename":"z"})")};
    rows[0].timestamp = "2026-04-09 10:00:00.000000";
    rows[1].timestamp = "2026-04-09 11:00:00.000000";
    rows[2].timestamp = "2026-04-09 12:00:00.000000";
    ASSERT_EQ(repo_->insert_bounties(rows), 3u);
    BountyFilter f;
    f.bounty_type = "artifact";
    f.payload_contains = R"({"sha256":"aa")";
    EXPECT_EQ(repo_->count_bounties(f), 2);
    f.attacker_ip = "2.2.2.2";
    EXPECT_EQ(repo_->count_bounties(f), 1);
    f = {};
    f.payload_contains = R"({"sha256":"AA")";
    EXPECT_EQ(repo_->count_bounties(f), 0);
    f = {};
    f.decky = "decky-02";
    EXPECT_EQ(repo_->count_bounties(f), 1);
    f = {};
    f.service = "ssh";
    f.start_time = "2026-04-09 11:00:00";
    EXPECT_EQ(repo_->count_bounties(f), 2);
    f.end_time = "2026-04-09 11:30:00";
    const auto page = repo_->bounties(f, 10, 0);
    ASSERT_EQ(page.size(), 1u);
    EXPECT_EQ(page[0].attacker_ip, "2.2.2.2");
    EXPECT_EQ(page[0].decky, "decky-02");
}

TEST_F(MysqlRepositoryTest, StateUpsert) {
    repo_->set_state("ingest_worker_position", R"({"position":10})");
    repo_->set_state("ingest_worker_position", R"({"position":42})");
    repo_->set_state("config_limits", R"({"deployment_limit":5})");
    EXPECT_EQ(repo_->get_state("ingest_worker_position"), R"({"position":42})");
    EXPECT_EQ(repo_->get_state("config_limits"), R"({"deployment_limit":5})");
    EXPECT_EQ(repo_->get_state("absent"), std::nullopt);
    std::string big = R"({"config":")" + std::string(200 * 1024, 'x') + "\"}";
    repo_->set_state("deployment", big);  // beyond TEXT's 64 KiB
    EXPECT_EQ(repo_->get_state("deployment"), big);
}

TEST_F(MysqlRepositoryTest, DeadLettersAndRejectedBatches) {
    std::vector<LogRecord> rows{log_row("2024-01-15 12:00:00"),
                                log_row("2024-01-15 12:00:00", "d", "s", std::string(300, '9'))};
    EXPECT_THROW(repo_->insert_logs(rows), StoreError);  // strict mode: too long for VARCHAR
    EXPECT_EQ(repo_->count_logs({}), 0);                 // the whole batch rolled back
    std::vector<LogRecord> bad_time{log_row("not a time")};
    EXPECT_THROW(repo_->insert_logs(bad_time), StoreError);

    repo_->insert_dead_letter({"2024-01-15 12:00:00.000001", "bus", "too long", "raw"});
    repo_->insert_dead_letter({"", "ingest:x.json", "bad", std::string(70000, 'r')});
    EXPECT_EQ(repo_->count_dead_letters(), 2);
    insert({log_row("2024-01-15 12:00:00")});  // the writer is still usable
    EXPECT_EQ(repo_->count_logs({}), 1);
}

TEST_F(MysqlRepositoryTest, ConcurrentReadersWhileWriting) {
    std::atomic<bool> stop{false};
    std::atomic<int> reads{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 6; ++t)
        readers.emplace_back([&] {
            while (!stop) {
                repo_->count_logs({});
                repo_->logs({}, 5, 0);
                ++reads;
            }
        });
    for (int b = 0; b < 20; ++b) {
        std::vector<LogRecord> rows(50, log_row("2024-01-15 12:00:00"));
        repo_->insert_logs(rows);
    }
    stop = true;
    for (auto& t : readers) t.join();
    EXPECT_EQ(repo_->count_logs({}), 1000);
    EXPECT_GT(reads.load(), 0);
}

TEST_F(MysqlRepositoryTest, OpenRepositoryFromEnvironment) {
    const auto c = config();
    const std::string url =
        "mysql+asyncmy://decnet:t3st-p%40ss%3Aw%2Frd%25@127.0.0.1:" + std::to_string(c.port) + "/" +
        database_;
    ::setenv("DECNET_DB_TYPE", "MySQL", 1);
    ::setenv("DECNET_DB_URL", url.c_str(), 1);
    std::unique_ptr<Repository> repo;
    try {
        repo = open_repository(std::nullopt);
    } catch (...) {
        ::unsetenv("DECNET_DB_TYPE");
        ::unsetenv("DECNET_DB_URL");
        throw;
    }
    ::unsetenv("DECNET_DB_TYPE");
    ::unsetenv("DECNET_DB_URL");
    insert({log_row("2024-01-15 12:00:00")});
    EXPECT_EQ(repo->count_logs({}), 1);  // same database as the fixture's repository
}

TEST_F(MysqlRepositoryTest, WrongPasswordIsAStoreError) {
    auto c = config();
    c.password = "wrong";
    c.reconnect_budget = std::chrono::milliseconds(200);
    EXPECT_THROW(open_mysql(c), StoreError);
}

}  // namespace
}  // namespace decnet::store

namespace decnet::store {
namespace {

// MySQL 8's default innodb_autoinc_lock_mode=2 does not promise consecutive ids within a
// multi-row INSERT; the backend then inserts row by row and still hands back true ids.
TEST(MysqlInterleavedAutoIncrement, IdsAreStillExact) {
    std::string why;
    auto server = testing_mysql::MariadbServer::start_private(
        {"--innodb-autoinc-lock-mode=2", "--auto-increment-increment=3"}, why);
    if (!server) GTEST_SKIP() << why;
    ASSERT_EQ(server->root_query("SELECT @@innodb_autoinc_lock_mode"), "2");
    auto repo = open_mysql(server->config(server->fresh_database("t_interleaved")));
    std::vector<LogRecord> rows;
    for (int i = 0; i < 120; ++i)
        rows.push_back(
            log_row("2024-01-15 12:00:00", "d", "s", "1.1.1.1", "{}", "r" + std::to_string(i)));
    repo->insert_logs(rows);
    EXPECT_EQ(repo->count_logs({}), 120);
    expect_ids_point_at_rows(*repo, rows);
}

}  // namespace
}  // namespace decnet::store
