// The T-SQL a logged-in attacker gets answered, SQL Server style: @@VERSION and the other
// recon functions (SERVERPROPERTY, DB_NAME(), SYSTEM_USER, IS_SRVROLEMEMBER), sys.databases,
// sys.tables and INFORMATION_SCHEMA over the decky's bait databases, USE, SELECT over a bait
// table (through mysql_sql's table engine, TOP n), and the classic attacks — xp_cmdshell,
// sp_configure, OLE automation, ad hoc OPENROWSET, xp_dirtree hash leaks, BULK INSERT —
// refused with the text a hardened SQL Server sends and classified for an event. Writes are
// answered as done (the world never changes). Pure (no I/O), bounded, fuzzed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/services/mssql/tds_protocol.hpp"
#include "honeypot/world/db_bait.hpp"

namespace decnet::honeypot::mssql {

struct Server {
    std::string banner;               // @@VERSION
    std::string product_version;      // "15.0.2000.5"
    std::string product_level;        // "RTM"
    std::string edition;              // "Standard Edition (64-bit)"
    std::string server_name;          // @@SERVERNAME
    std::vector<DbSchema> databases;  // the application databases (not the system ones)
};

struct Connection {
    std::string login;
    std::string database = "master";
    std::string client_ip;
    std::string client_host;  // HOST_NAME()
    std::string app;          // APP_NAME()
    std::uint16_t spid = 51;
    bool sysadmin() const;
};

struct Result {
    enum Kind { done, rows, error } kind = done;
    std::vector<tds::Column> columns;
    std::vector<std::vector<std::optional<std::string>>> values;
    bool counted = false;  // DONE carries a row count (SELECT, INSERT, UPDATE, DELETE)
    std::uint64_t count = 0;
    std::uint16_t command = 0;  // DONE's CurCmd
    tds::Message message;       // the error
    std::vector<tds::Message> infos;
    std::string database;  // USE switched to it
    // "" (a read), "write", "destructive", "ransom_note" or "exploit".
    std::string capture;
    std::string statement;  // the statement it answers (for events)
};

// master, tempdb, model, msdb, then the bait databases.
std::vector<std::string> database_names(const Server& server);
bool database_exists(const Server& server, std::string_view name);
// One SQL batch: its statements in order (at most 64; an error of class 16 ends the batch
// only where SQL Server would, which for these statements is never: every one is answered).
std::vector<Result> run_batch(const Server& server, Connection& connection, std::string_view sql);

}  // namespace decnet::honeypot::mssql
