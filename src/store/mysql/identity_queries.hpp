// Identity rows on MySQL/MariaDB (docs/INTEL.md "Identities"), run by MysqlRepository on
// a connection it holds. Every value is bound.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/mysql/connection.hpp"

namespace decnet::store::mysql {

std::vector<BountyRecord> select_bounties_after_id(Connection& c, std::int64_t after_id, int limit);
// Inside the caller's transaction.
void replace_identity_rows(Connection& c, const std::vector<IdentityRecord>& identities);
std::vector<IdentityRecord> select_identities(Connection& c, int limit, int offset);
std::int64_t count_identities(Connection& c);
std::optional<IdentityRecord> select_identity(Connection& c, const std::string& id);
std::vector<std::pair<std::string, std::string>> select_identity_ids_by_ip(
    Connection& c, const std::vector<std::string>& ips);

}  // namespace decnet::store::mysql
