// The SQL a logged-in attacker gets answered, PostgreSQL style: psql's catalog queries (\l,
// \dt, \dn, \du) over the decky's bait databases, version() and the session functions, SHOW,
// SELECT over a bait table (through mysql_sql's table engine), and writes, destructive
// statements and code execution attempts (COPY … FROM PROGRAM, CREATE FUNCTION … LANGUAGE C,
// pg_read_file, lo_import) answered as the server would and classified for an event.
// Pure (no I/O), bounded, fuzzed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/services/postgres/postgres_protocol.hpp"
#include "honeypot/world/db_bait.hpp"

namespace decnet::honeypot::postgres {

struct Server {
    std::string version;  // "15.10 (Debian 15.10-0+deb12u1)"
    std::string hostname;
    std::vector<DbSchema> databases;  // the application databases
};

struct Connection {
    std::string user;
    std::string database;
    std::string client_ip;
};

struct Result {
    enum Kind { command, row_set, error, empty } kind = command;
    std::string tag;  // CommandComplete
    std::vector<Column> columns;
    std::vector<std::vector<std::optional<std::string>>> values;
    std::string code, message;  // an error's SQLSTATE and text
    // "" (a read), "write", "destructive", "ransom_note" or "exploit".
    std::string capture;
    std::string statement;  // the statement it answers (for events)
};

// "PostgreSQL 15.10 (Debian 15.10-0+deb12u1) on x86_64-pc-linux-gnu, compiled by …".
std::string version_banner(std::string_view version);
bool database_exists(const Server& server, std::string_view name);
// One simple-protocol Query: its statements in order (at most 64; an error stops the rest,
// as in the server).
std::vector<Result> run_simple_query(const Server& server, Connection& connection,
                                     std::string_view sql);

}  // namespace decnet::honeypot::postgres
