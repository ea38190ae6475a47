// Identity rows on SQLite (docs/INTEL.md "Identities").
#include "unit/store/identity_queries_contract.hpp"
#include "unit/store/sqlite_fixture.hpp"

namespace decnet::store {
namespace {

TEST(SqliteIdentities, QueriesFollowTheContract) {
    sqlite_test::TempDir dir;
    auto repo = open_sqlite(dir.file("t.db"), sqlite_test::manual_indexing());
    identity_contract::check_identity_queries(*repo);
}

}  // namespace
}  // namespace decnet::store
