// The SQLite schema as a numbered list of migrations (api.md §5.2 plus decnet's own
// tables), each applied in its own transaction and recorded in `schema_version`.
#pragma once

#include <span>
#include <string_view>

#include "store/sqlite/statement.hpp"

namespace decnet::store::sqlite {

struct Migration {
    int version = 0;
    std::string_view description;
    void (*apply)(Connection&) = nullptr;
};

// Every migration, in version order.
std::span<const Migration> migrations();
int latest_schema_version();

// The highest applied version (0 for a new or a reference-created database).
int schema_version(Connection& connection);

// Applies every migration above the current version, up to `target` (default: all).
// Safe against another process migrating the same file at the same time: each step
// re-reads the version inside its write transaction.
void migrate(Connection& connection, int target = latest_schema_version());

// Whether the free-text index of migration 5 exists (it needs FTS5 with the trigram
// tokenizer, SQLite >= 3.34); without it searches fall back to LIKE scans.
bool has_search_index(Connection& connection);

}  // namespace decnet::store::sqlite
