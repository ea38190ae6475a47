// Attacker profile queries on SQLite (api.md §6.5).
#include "unit/store/attacker_queries_contract.hpp"
#include "unit/store/sqlite_fixture.hpp"

namespace decnet::store {
namespace {

TEST(SqliteAttackers, QueriesFollowTheContract) {
    sqlite_test::TempDir dir;
    auto repo = open_sqlite(dir.file("t.db"), sqlite_test::manual_indexing());
    attacker_contract::check_attacker_queries(*repo);
}

TEST(SqliteAttackers, OversizedSearchIsClippedNotAnError) {
    sqlite_test::TempDir dir;
    auto repo = open_sqlite(dir.file("t.db"), sqlite_test::manual_indexing());
    AttackerFilter f;
    f.search = std::string(100'000, '%');
    EXPECT_EQ(repo->count_attackers(f), 0);
    EXPECT_TRUE(repo->attackers(f, AttackerSort::recent, 10, 0).empty());
}

}  // namespace
}  // namespace decnet::store
