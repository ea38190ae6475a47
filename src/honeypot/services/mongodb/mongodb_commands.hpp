// The commands a mongod answers, over the decky's bait databases: the handshake (hello,
// isMaster), buildInfo, ping, listDatabases, listCollections, find, count, aggregate's
// simple stages, hostInfo, getLog, serverStatus; writes (insert, update, delete, drop,
// dropDatabase, …) answered as an open server would and classified for an event, never
// applied. An auth-required persona refuses everything but the handshake commands with
// mongod's code 13. Pure (no I/O, no clock: `now_ms` is given), bounded, fuzzed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "honeypot/services/mongodb/mongodb_protocol.hpp"
#include "honeypot/world/db_bait.hpp"

namespace decnet::honeypot::mongodb {

struct Server {
    std::string version = "6.0.19";
    int wire_version = 17;
    std::string git_version;
    std::string openssl;  // "OpenSSL 3.0.2 15 Mar 2022"
    std::string distmod;  // "ubuntu2204"
    std::string hostname;
    std::string os_name = "Ubuntu", os_version = "22.04";  // hostInfo
    std::string kernel;                                    // uname -r
    int cores = 2;
    std::int64_t mem_mb = 3906;
    bool auth = false;            // a login is needed for anything past the handshake
    std::int64_t started_ms = 0;  // when mongod started (uptime, topologyVersion, log)
    std::string process_id;       // topologyVersion.processId (12 bytes)
    std::vector<DbSchema> databases;
};

struct Connection {
    std::int32_t id = 0;
    std::string peer;  // "ip:port" as whatsmyuri says
    bool authenticated = false;
    std::string user, user_db;
};

struct Outcome {
    bson::Document reply;
    // "" (a read or the handshake), "write", "destructive" or "ransom_note".
    std::string capture;
    std::string database, collection;
    std::string documents;  // what a write carried (relaxed JSON, at most 4 KiB)
    // hello with topologyVersion and maxAwaitTimeMS: answer after this many ms.
    std::int64_t await_ms = 0;
    // An OP_QUERY on a collection (MongoDB < 5.1): the documents of its OP_REPLY.
    std::vector<bson::Document> legacy_documents;
};

// The major.minor's wire version (4.4 → 9, 5.0 → 13, 6.0 → 17, 7.0 → 21, 8.0 → 25).
int wire_version_of(std::string_view version);
// Commands that never need a login (the handshake, buildInfo, ping, SASL, logout).
bool needs_no_login(std::string_view command);
// The canonical name of a command as sent ("ismaster" → "isMaster"), or "" if unknown.
std::string canonical_command(std::string_view name);

Outcome run_command(const Server& server, Connection& connection, const Command& command,
                    std::int64_t now_ms);

// A bait table's rows as the documents find returns (stable _id per row).
std::vector<bson::Document> table_documents(const DbSchema& schema, const DbTable& table,
                                            std::int64_t fallback_ms);
// Do a write's documents look like a ransom note (bitcoin, recover, backup, …)?
bool ransom_words(std::string_view text);

}  // namespace decnet::honeypot::mongodb
