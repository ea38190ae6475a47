// Attacker profile queries on MariaDB (api.md §6.5): the same contract as SQLite.
#include "store/mysql/mysql_backend.hpp"
#include "unit/store/attacker_queries_contract.hpp"
#include "unit/store/mysql/mariadb_server.hpp"

namespace decnet::store {
namespace {

class MysqlAttackers : public testing_mysql::MysqlServerTest {};

TEST_F(MysqlAttackers, QueriesFollowTheContract) {
    auto repo = open_mysql(config());
    attacker_contract::check_attacker_queries(*repo);
}

}  // namespace
}  // namespace decnet::store
