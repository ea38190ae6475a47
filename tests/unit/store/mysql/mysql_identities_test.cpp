// Identity rows on MariaDB: the same contract as SQLite.
#include "store/mysql/mysql_backend.hpp"
#include "unit/store/identity_queries_contract.hpp"
#include "unit/store/mysql/mariadb_server.hpp"

namespace decnet::store {
namespace {

class MysqlIdentities : public testing_mysql::MysqlServerTest {};

TEST_F(MysqlIdentities, QueriesFollowTheContract) {
    auto repo = open_mysql(config());
    identity_contract::check_identity_queries(*repo);
}

}  // namespace
}  // namespace decnet::store
