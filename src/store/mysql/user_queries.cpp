// Users and purge on MySQL/MariaDB (api.md §6.6, §1.23). Usernames follow the column's
// collation (case-insensitive by default, as the spec notes).
#include "store/mysql/user_queries.hpp"

namespace decnet::store::mysql {
namespace {

constexpr const char* kSelectUser =
    "SELECT uuid, username, password_hash, role, must_change_password FROM users";

UserRecord to_user(const Row& row) {
    return {row.at(0).value_or(""), row.at(1).value_or(""), row.at(2).value_or(""),
            row.at(3).value_or(""), row.at(4).value_or("0") != "0"};
}

std::optional<UserRecord> select_one(Connection& c, const std::string& sql,
                                     const std::string& value) {
    const Param params[] = {std::string_view(value)};
    const auto rows = c.query(sql, params);
    if (rows.empty()) return std::nullopt;
    return to_user(rows.front());
}

// MySQL reports rows *changed*, not matched: an UPDATE to the same value says 0, so
// existence is checked on its own (inside the same transaction, under a row lock).
bool exists_for_update(Connection& c, const std::string& uuid) {
    const Param params[] = {std::string_view(uuid)};
    return !c.query("SELECT 1 FROM users WHERE uuid = ? FOR UPDATE", params).empty();
}

}  // namespace

std::optional<UserRecord> select_user_by_username(Connection& c, const std::string& username) {
    return select_one(c, std::string(kSelectUser) + " WHERE username = ?", username);
}

std::optional<UserRecord> select_user_by_uuid(Connection& c, const std::string& uuid) {
    return select_one(c, std::string(kSelectUser) + " WHERE uuid = ?", uuid);
}

std::vector<UserRecord> select_users(Connection& c) {
    std::vector<UserRecord> users;
    for (const auto& row : c.query(kSelectUser)) users.push_back(to_user(row));
    return users;
}

bool insert_user(Connection& c, const UserRecord& user) {
    const Param params[] = {std::string_view(user.uuid), std::string_view(user.username),
                            std::string_view(user.password_hash), std::string_view(user.role),
                            std::int64_t{user.must_change_password ? 1 : 0}};
    try {
        return c.change(
                    "INSERT INTO users (uuid, username, password_hash, role, "
                    "must_change_password) VALUES (?, ?, ?, ?, ?)",
                    params)
                   .affected > 0;
    } catch (const MysqlError& e) {
        if (e.code() == kErDupEntry) return false;  // the unique username index decides
        throw;
    }
}

bool update_user_password(Connection& c, const std::string& uuid, const std::string& hash,
                          bool must_change_password) {
    if (!exists_for_update(c, uuid)) return false;
    const Param params[] = {std::string_view(hash), std::int64_t{must_change_password ? 1 : 0},
                            std::string_view(uuid)};
    c.change("UPDATE users SET password_hash = ?, must_change_password = ? WHERE uuid = ?", params);
    return true;
}

bool update_user_role(Connection& c, const std::string& uuid, const std::string& role) {
    if (!exists_for_update(c, uuid)) return false;
    const Param params[] = {std::string_view(role), std::string_view(uuid)};
    c.change("UPDATE users SET role = ? WHERE uuid = ?", params);
    return true;
}

bool delete_user(Connection& c, const std::string& uuid) {
    const Param params[] = {std::string_view(uuid)};
    return c.change("DELETE FROM users WHERE uuid = ?", params).affected > 0;
}

PurgeCounts purge_data(Connection& c) {
    PurgeCounts counts;
    counts.logs = static_cast<std::int64_t>(c.change("DELETE FROM logs").affected);
    counts.bounties = static_cast<std::int64_t>(c.change("DELETE FROM bounty").affected);
    // Behaviour rows reference attackers (foreign key): they go first.
    c.change("DELETE FROM attacker_behavior");
    counts.attackers = static_cast<std::int64_t>(c.change("DELETE FROM attackers").affected);
    c.change("DELETE FROM identity_members");
    c.change("DELETE FROM identities");
    return counts;
}

}  // namespace decnet::store::mysql
