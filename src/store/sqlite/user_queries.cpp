// Users and purge on SQLite (api.md §6.6, §1.23). Usernames compare byte-exact (BINARY
// collation), as in the reference.
#include "store/sqlite/user_queries.hpp"

#include "store/sqlite/migrations.hpp"

namespace decnet::store::sqlite {
namespace {

constexpr const char* kSelectUser =
    "SELECT uuid, username, password_hash, role, must_change_password FROM users";

UserRecord read_user(const Statement& s) {
    return {s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3),
            s.column_int64(4) != 0};
}

std::optional<UserRecord> select_one(Connection& c, const std::string& sql,
                                     const std::string& value) {
    auto statement = c.prepare(sql);
    statement->bind(1, std::string_view(value));
    if (!statement->step()) return std::nullopt;
    return read_user(*statement);
}

std::int64_t delete_all(Connection& c, const char* table) {
    c.exec(std::string("DELETE FROM ") + table);
    return c.changes();
}

}  // namespace

std::optional<UserRecord> select_user_by_username(Connection& c, const std::string& username) {
    return select_one(c, std::string(kSelectUser) + " WHERE username = ?1", username);
}

std::optional<UserRecord> select_user_by_uuid(Connection& c, const std::string& uuid) {
    return select_one(c, std::string(kSelectUser) + " WHERE uuid = ?1", uuid);
}

std::vector<UserRecord> select_users(Connection& c) {
    auto statement = c.prepare(std::string(kSelectUser) + " ORDER BY rowid");
    std::vector<UserRecord> users;
    while (statement->step()) users.push_back(read_user(*statement));
    return users;
}

bool insert_user(Connection& c, const UserRecord& user) {
    // OR IGNORE: the unique username index decides, so two concurrent creates of one name
    // give one row and one "exists" instead of the reference's 500.
    auto insert = c.prepare(
        "INSERT OR IGNORE INTO users (uuid, username, password_hash, role, must_change_password) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    insert->bind(1, std::string_view(user.uuid));
    insert->bind(2, std::string_view(user.username));
    insert->bind(3, std::string_view(user.password_hash));
    insert->bind(4, std::string_view(user.role));
    insert->bind(5, std::int64_t{user.must_change_password ? 1 : 0});
    insert->step();
    return c.changes() > 0;
}

bool update_user_password(Connection& c, const std::string& uuid, const std::string& hash,
                          bool must_change_password) {
    auto update =
        c.prepare("UPDATE users SET password_hash = ?2, must_change_password = ?3 WHERE uuid = ?1");
    update->bind(1, std::string_view(uuid));
    update->bind(2, std::string_view(hash));
    update->bind(3, std::int64_t{must_change_password ? 1 : 0});
    update->step();
    return c.changes() > 0;
}

bool update_user_role(Connection& c, const std::string& uuid, const std::string& role) {
    auto update = c.prepare("UPDATE users SET role = ?2 WHERE uuid = ?1");
    update->bind(1, std::string_view(uuid));
    update->bind(2, std::string_view(role));
    update->step();
    return c.changes() > 0;
}

bool delete_user(Connection& c, const std::string& uuid) {
    auto remove = c.prepare("DELETE FROM users WHERE uuid = ?1");
    remove->bind(1, std::string_view(uuid));
    remove->step();
    return c.changes() > 0;
}

PurgeCounts purge_data(Connection& c) {
    return in_transaction(c, [&] {
        PurgeCounts counts;
        counts.logs = delete_all(c, "logs");
        // The free-text index has external content: its entries must go with the rows.
        // Ids are AUTOINCREMENT, so the indexer's progress mark stays valid.
        if (has_search_index(c)) c.exec("INSERT INTO logs_fts (logs_fts) VALUES ('delete-all')");
        delete_all(c, "log_counts");
        delete_all(c, "log_attacker_ips");
        counts.bounties = delete_all(c, "bounty");
        delete_all(c, "attacker_behavior");
        counts.attackers = delete_all(c, "attackers");
        delete_all(c, "identity_members");
        delete_all(c, "identities");
        return counts;
    });
}

}  // namespace decnet::store::sqlite
