// The users table and the developer-mode purge (api.md §6.6, §1.23) on both backends:
// the same checks against SQLite and a private MariaDB.
#include <gtest/gtest.h>

#include <functional>

#include "store/repository.hpp"
#include "unit/store/mysql/mariadb_server.hpp"
#include "unit/store/sqlite_fixture.hpp"

namespace decnet::store {
namespace {

UserRecord user(std::string uuid, std::string name, std::string role = "viewer") {
    std::string hash = "$2b$12$hash-" + name;
    return {std::move(uuid), std::move(name), std::move(hash), std::move(role), true};
}

void check_users(Repository& repo) {
    EXPECT_FALSE(repo.get_user_by_username("alice"));
    EXPECT_TRUE(repo.list_users().empty());
    ASSERT_TRUE(repo.create_user(user("u-1", "alice", "admin")));
    ASSERT_TRUE(repo.create_user(user("u-2", "bob")));
    EXPECT_FALSE(repo.create_user(user("u-3", "alice")));  // username taken

    auto alice = repo.get_user_by_username("alice");
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->uuid, "u-1");
    EXPECT_EQ(alice->role, "admin");
    EXPECT_EQ(alice->password_hash, "$2b$12$hash-alice");
    EXPECT_TRUE(alice->must_change_password);
    EXPECT_EQ(repo.get_user_by_uuid("u-2")->username, "bob");
    EXPECT_FALSE(repo.get_user_by_uuid("u-9"));
    const auto all = repo.list_users();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].username, "alice");

    EXPECT_TRUE(repo.update_password("u-2", "$2b$12$new", false));
    EXPECT_EQ(repo.get_user_by_uuid("u-2")->password_hash, "$2b$12$new");
    EXPECT_FALSE(repo.get_user_by_uuid("u-2")->must_change_password);
    EXPECT_TRUE(repo.update_password("u-2", "$2b$12$new", false));  // same values: still found
    EXPECT_FALSE(repo.update_password("u-9", "x", false));
    EXPECT_TRUE(repo.update_role("u-2", "admin"));
    EXPECT_TRUE(repo.update_role("u-2", "admin"));
    EXPECT_EQ(repo.get_user_by_uuid("u-2")->role, "admin");
    EXPECT_FALSE(repo.update_role("u-9", "admin"));
    EXPECT_TRUE(repo.delete_user("u-2"));
    EXPECT_FALSE(repo.delete_user("u-2"));
    EXPECT_FALSE(repo.get_user_by_uuid("u-2"));
    EXPECT_EQ(repo.list_users().size(), 1u);
}

void check_purge(Repository& repo, const std::function<void()>& after_insert = {}) {
    std::vector<LogRecord> logs(3);
    for (auto& r : logs) {
        r.timestamp = "2026-04-09 12:00:00.000000";
        r.decky = "decky-01";
        r.service = "ssh";
        r.event_type = "login";
        r.attacker_ip = "10.0.0.1";
        r.raw_line = "raw searchable line";
        r.fields = "{}";
    }
    repo.insert_logs(logs);
    std::vector<BountyRecord> bounties(1);
    bounties[0] = {0, "", "decky-01", "ssh", "10.0.0.1", "credential", R"({"u":"x"})"};
    repo.insert_bounties(bounties);
    repo.create_user(user("u-1", "keep"));
    repo.set_state("config_limits", R"({"deployment_limit":3})");
    if (after_insert) after_insert();

    const auto purged = repo.purge_data();
    EXPECT_EQ(purged.logs, 3);
    EXPECT_EQ(purged.bounties, 1);
    EXPECT_EQ(purged.attackers, 0);
    EXPECT_EQ(repo.count_logs({}), 0);
    LogFilter search;
    search.search = "searchable";
    EXPECT_EQ(repo.count_logs(search), 0);
    EXPECT_EQ(repo.count_bounties({}), 0);
    EXPECT_TRUE(repo.get_user_by_uuid("u-1"));  // users and state stay
    EXPECT_TRUE(repo.get_state("config_limits"));

    repo.insert_logs(logs);  // ids keep growing after a purge (cursors stay valid)
    EXPECT_GT(logs[0].id, 3);
}

TEST(SqliteUsers, CrudAndUniqueness) {
    sqlite_test::TempDir dir;
    auto repo = open_sqlite(dir.file("users.db"));
    check_users(*repo);
}

TEST(SqliteUsers, PurgeKeepsUsersStateAndIdSequence) {
    sqlite_test::TempDir dir;
    SqliteOptions options;
    options.background_indexing = false;
    SqliteRepository repo(dir.file("purge.db"), options);
    // Indexed rows must leave the free-text index with the purge.
    check_purge(repo, [&] { EXPECT_EQ(repo.index_pending_search(100), 3u); });
}

class MysqlUsersTest : public testing_mysql::MysqlServerTest {};

TEST_F(MysqlUsersTest, CrudAndUniqueness) {
    auto repo = open_mysql(config());
    check_users(*repo);
    // The default collation compares case-insensitively (api.md §6.6).
    EXPECT_FALSE(repo->create_user(user("u-7", "ALICE")));
}

TEST_F(MysqlUsersTest, PurgeKeepsUsersStateAndIdSequence) {
    auto repo = open_mysql(config());
    check_purge(*repo);
}

}  // namespace
}  // namespace decnet::store
