// Identity rows on SQLite (docs/INTEL.md "Identities"): the linker's replace-all write and
// the API's reads. Used by SqliteRepository on a connection it has already acquired.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/repository.hpp"
#include "store/sqlite/statement.hpp"

namespace decnet::store::sqlite {

std::vector<BountyRecord> select_bounties_after_id(Connection& c, std::int64_t after_id, int limit);
void replace_identities(Connection& c, const std::vector<IdentityRecord>& identities);
std::vector<IdentityRecord> select_identities(Connection& c, int limit, int offset);
std::int64_t count_identities(Connection& c);
std::optional<IdentityRecord> select_identity(Connection& c, const std::string& id);
std::vector<std::pair<std::string, std::string>> select_identity_ids_by_ip(
    Connection& c, const std::vector<std::string>& ips);

}  // namespace decnet::store::sqlite
