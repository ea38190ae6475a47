// Rows of `users` (api.md §5.2, §6.6) and what a developer-mode purge removed (§1.23).
#pragma once

#include <cstdint>
#include <string>

namespace decnet::store {

struct UserRecord {
    std::string uuid;  // UUIDv4, canonical lower-case text
    std::string username;
    std::string password_hash;  // bcrypt "$2b$12$..."
    std::string role;           // "admin" | "viewer"
    bool must_change_password = false;
};

struct PurgeCounts {
    std::int64_t logs = 0;
    std::int64_t bounties = 0;
    std::int64_t attackers = 0;
};

}  // namespace decnet::store
