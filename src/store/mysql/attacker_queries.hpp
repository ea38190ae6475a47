// Attacker profile queries on MySQL/MariaDB (api.md §6.5), run by MysqlRepository on a
// connection it holds. Every value is bound.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/mysql/connection.hpp"

namespace decnet::store::mysql {

std::vector<AttackerRecord> select_attackers(Connection& c, const AttackerFilter& filter,
                                             AttackerSort sort, int limit, int offset);
std::int64_t count_attackers(Connection& c, const AttackerFilter& filter);
std::optional<AttackerRecord> select_attacker(Connection& c, const std::string& uuid);
std::optional<AttackerRecord> select_attacker_by_ip(Connection& c, const std::string& ip);
std::vector<std::pair<std::string, AttackerBehaviorRecord>> select_behaviors_by_ip(
    Connection& c, const std::vector<std::string>& ips);
std::optional<AttackerBehaviorRecord> select_behavior(Connection& c, const std::string& uuid);
std::optional<std::string> select_attacker_commands(Connection& c, const std::string& uuid);
// Both rows inside the caller's transaction.
void upsert_attacker_rows(Connection& c, const AttackerRecord& attacker,
                          const std::optional<AttackerBehaviorRecord>& behavior);

}  // namespace decnet::store::mysql
