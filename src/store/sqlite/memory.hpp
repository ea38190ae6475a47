// SQLite's memory in this process, for GET /metrics (decnet_sqlite_memory_bytes).
#pragma once

#include <cstdint>
#include <optional>

namespace decnet::store::sqlite {

// Bytes SQLite holds in this process now (every connection's page cache, schemas,
// prepared statements: sqlite3_memory_used()), or nullopt when its allocation statistics
// are off. They are off unless DECNET_SQLITE_MEMSTATUS=true when the first connection
// opens: they take a process-wide mutex on every SQLite allocation. A soak turns them on,
// because the caches grow with the database up to their cache_size and a memory graph
// should not mistake that for a leak.
std::optional<std::int64_t> memory_used();

}  // namespace decnet::store::sqlite
