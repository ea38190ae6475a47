// Choosing and opening the store from flags and environment (api.md §9):
// DECNET_DB_TYPE (sqlite | mysql), --db PATH, else DECNET_DB_PATH, else ./decnet.db.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "store/repository.hpp"

namespace decnet::store {

// The SQLite path: the flag, else $DECNET_DB_PATH, else "decnet.db" in the working directory.
std::string resolve_sqlite_path(const std::optional<std::string>& flag);

// Opens and migrates the configured backend; throws StoreError with a clear message
// ("Unsupported database type: x", open failures).
std::unique_ptr<Repository> open_repository(const std::optional<std::string>& db_flag);

}  // namespace decnet::store
