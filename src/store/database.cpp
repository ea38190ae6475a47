// Backend selection from the environment.
#include "store/database.hpp"

#include <algorithm>
#include <cstdlib>

#include "store/mysql/mysql_repository.hpp"
#include "store/traced_repository.hpp"

namespace decnet::store {

std::string resolve_sqlite_path(const std::optional<std::string>& flag) {
    if (flag && !flag->empty()) return *flag;
    if (const char* env = std::getenv("DECNET_DB_PATH"); env && *env) return env;
    return "decnet.db";
}

std::unique_ptr<Repository> open_repository(const std::optional<std::string>& db_flag) {
    std::string type = "sqlite";
    if (const char* env = std::getenv("DECNET_DB_TYPE"); env && *env) type = env;
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // Every caller gets the db.* spans (docs/TRACING.md), whichever backend.
    if (type == "sqlite")
        return make_traced_repository(open_sqlite(resolve_sqlite_path(db_flag)), "sqlite");
    if (type == "mysql")
        return make_traced_repository(open_mysql(mysql_config_from_environment()), "mysql");
    throw StoreError("Unsupported database type: " + type);
}

}  // namespace decnet::store
