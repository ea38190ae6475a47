// SQL for `users` and the developer-mode purge on MySQL/MariaDB. Each runs inside the
// caller's transaction (MysqlRepository::write_once) or on a read connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/mysql/connection.hpp"
#include "store/user_records.hpp"

namespace decnet::store::mysql {

std::optional<UserRecord> select_user_by_username(Connection& c, const std::string& username);
std::optional<UserRecord> select_user_by_uuid(Connection& c, const std::string& uuid);
std::vector<UserRecord> select_users(Connection& c);
bool insert_user(Connection& c, const UserRecord& user);
bool update_user_password(Connection& c, const std::string& uuid, const std::string& hash,
                          bool must_change_password);
bool update_user_role(Connection& c, const std::string& uuid, const std::string& role);
bool delete_user(Connection& c, const std::string& uuid);
PurgeCounts purge_data(Connection& c);

}  // namespace decnet::store::mysql
