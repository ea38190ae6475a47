// The SQL a logged-in attacker gets answered, MySQL/MariaDB style, over the decky's bait
// databases (world/db_bait): SHOW DATABASES / TABLES / COLUMNS / VARIABLES / GRANTS, USE,
// SELECT of system variables and functions, SELECT over a bait table (columns, COUNT(*),
// LIMIT), information_schema.schemata/tables and mysql.user. Writes and destructive
// statements are answered as if done (the world never changes) and classified for an event.
// Anything else gets the server's syntax error. Pure (no I/O), bounded, fuzzed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/services/mysql/mysql_protocol.hpp"
#include "honeypot/world/db_bait.hpp"

namespace decnet::honeypot::mysql {

// The server as queries see it.
struct Server {
    std::string version;  // as the greeting sends it ("5.5.5-" prefix included)
    std::string version_comment;
    std::string hostname;
    std::string os;  // version_compile_os
    bool mariadb = false;
    std::vector<DbSchema> schemas;  // the application databases (not the system ones)
};

// One connection's state.
struct Connection {
    std::string user;
    std::string client_ip;
    std::string database;  // "" when none selected
    std::uint32_t id = 1;
};

struct Answer {
    enum Kind { ok, error, rows } kind = ok;
    std::uint64_t affected = 0;
    std::uint16_t code = 0;
    std::string state, message;
    std::vector<Column> columns;
    std::vector<Row> result;
    // What an event should say about the statement: "" (a read), "write", "destructive",
    // "ransom_note" or "exploit".
    std::string capture;
};

// The version without the MariaDB "5.5.5-" replication prefix (what SELECT VERSION() shows).
std::string display_version(std::string_view version);
Answer run_query(const Server& server, Connection& connection, std::string_view sql);
// COM_INIT_DB (what USE sends).
Answer use_database(const Server& server, Connection& connection, std::string_view name);

}  // namespace decnet::honeypot::mysql
