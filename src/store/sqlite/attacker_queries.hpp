// Attacker profile queries on SQLite (api.md §6.5): the list with its filters and
// orderings, detail, the behaviour bulk fetch and the profiler's upsert. Used by
// SqliteRepository on a connection it has already acquired.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/repository.hpp"
#include "store/sqlite/statement.hpp"

namespace decnet::store::sqlite {

std::vector<AttackerRecord> select_attackers(Connection& c, const AttackerFilter& filter,
                                             AttackerSort sort, int limit, int offset);
std::int64_t count_attackers(Connection& c, const AttackerFilter& filter);
std::optional<AttackerRecord> select_attacker(Connection& c, const std::string& uuid);
std::optional<AttackerRecord> select_attacker_by_ip(Connection& c, const std::string& ip);
std::vector<std::pair<std::string, AttackerBehaviorRecord>> select_behaviors_by_ip(
    Connection& c, const std::vector<std::string>& ips);
std::optional<AttackerBehaviorRecord> select_behavior(Connection& c, const std::string& uuid);
std::optional<std::string> select_attacker_commands(Connection& c, const std::string& uuid);
void upsert_attacker(Connection& c, const AttackerRecord& attacker,
                     const std::optional<AttackerBehaviorRecord>& behavior);

}  // namespace decnet::store::sqlite
