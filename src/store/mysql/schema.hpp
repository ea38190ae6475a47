// The MySQL schema (api.md §5.2 plus decnet's own tables) and its versioned, idempotent
// migrations, serialised across processes with GET_LOCK('decnet_schema_init', 30).
#pragma once

#include "store/mysql/connection.hpp"

namespace decnet::store::mysql {

// The newest schema version this build knows.
int latest_schema_version();

// Brings the database to the latest version. Every step is safe to repeat (DDL commits
// implicitly in MySQL, so a step interrupted half-way must be redoable).
void migrate_schema(Connection& connection);

}  // namespace decnet::store::mysql
