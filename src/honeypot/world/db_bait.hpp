// The decky's databases as its SQL servers (mysql, postgres) show them after a login: the
// business app's schema (the `<app>_prod` database that .env, config.php and .mysql_history
// name, with its password), a `shop` database, each with users (password hashes), payments
// (card numbers) and api_keys. Derived from the decky's seed: the same after a restart,
// different between deckies. Read-only: writes are answered, never applied.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot {

struct DeckyWorld;

enum class DbType { text, integer, decimal, datetime };

struct DbColumn {
    std::string name;
    DbType type = DbType::text;
};

struct DbTable {
    std::string name;
    std::vector<DbColumn> columns;
    std::vector<std::vector<std::string>> rows;
    const DbColumn* column(std::string_view name) const;  // case-insensitive
};

struct DbSchema {
    std::string name;
    std::vector<DbTable> tables;
    const DbTable* table(std::string_view name) const;  // case-insensitive
};

// What the bait is made from (pure data, so the SQL engines are tested without a world).
struct DbFacts {
    std::string hostname;
    std::string domain;               // for e-mail addresses
    std::string app;                  // the business app (shop, crm, …)
    std::string app_password;         // its database password (the world's bait)
    std::vector<std::string> people;  // the decky's admins (they have accounts in the app)
    std::uint64_t seed = 1;
};

DbFacts db_facts(const DeckyWorld& world);
// The application schemas: `<app>_prod`, then `shop` (unless that is the app).
std::vector<DbSchema> make_db_bait(const DbFacts& facts);

}  // namespace decnet::honeypot
