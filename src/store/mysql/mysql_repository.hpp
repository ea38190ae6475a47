// The MySQL/MariaDB backend of the Repository (api.md §5.1, §5.2, §6) and where its
// connection settings come from (DECNET_DB_URL or the DECNET_DB_* components, api.md §9).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "store/repository.hpp"

namespace decnet::store {

struct MysqlConfig {
    std::string host = "localhost";
    unsigned port = 3306;
    std::string user = "decnet";
    std::string password;
    std::string database = "decnet";
    // When set, connect through this Unix socket; otherwise always TCP to host:port (also
    // for "localhost", like the reference's asyncmy driver).
    std::string unix_socket;

    // Read connections kept besides the one write connection.
    std::size_t read_connections = 4;
    // How long one operation keeps reconnecting (with backoff) while the server is away
    // before it gives up with StoreError.
    std::chrono::milliseconds reconnect_budget{10'000};
};

// `mysql[+driver]://user:pass@host:port/db[?unix_socket=/path]`, the SQLAlchemy form;
// user, password and database are percent-decoded. Throws StoreError when malformed.
MysqlConfig mysql_config_from_url(std::string_view url);

// DECNET_DB_URL when set and non-empty, else DECNET_DB_HOST (localhost), DECNET_DB_PORT
// (3306, must be 1..65535), DECNET_DB_NAME (decnet), DECNET_DB_USER (decnet) and
// DECNET_DB_PASSWORD (required). Throws StoreError.
MysqlConfig mysql_config_from_environment();

// Connects, migrates the schema (serialised across processes with GET_LOCK) and returns
// the repository. Throws StoreError when the server cannot be reached within the budget.
std::unique_ptr<Repository> open_mysql(const MysqlConfig& config);

}  // namespace decnet::store
