// Repository: everything decnet stores, behind one interface with two backends
// (SQLite by default, MySQL/MariaDB at scale). Schema and semantics: api.md §5.2 and §6.
// Writes come from one writer thread (the ingester); reads from API threads. Every
// implementation is safe to call from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "store/attacker_records.hpp"
#include "store/identity_records.hpp"
#include "store/user_records.hpp"

namespace decnet::store {

// One row of `logs`. `timestamp` is stored text "YYYY-MM-DD HH:MM:SS.ffffff" (UTC,
// always 6 fraction digits, like the reference's SQLite storage).
struct LogRecord {
    std::int64_t id = 0;  // assigned by the store
    std::string timestamp;
    std::string decky;
    std::string service;
    std::string event_type;
    std::string attacker_ip;  // "Unknown" when the event names none
    std::string raw_line;
    std::string fields;  // compact JSON object text
    std::optional<std::string> msg;
    std::optional<std::string> trace_id;  // 32 hex
    std::optional<std::string> span_id;   // 16 hex
    // MITRE ATT&CK technique ids the ingest rules gave the event ("T1110,T1078": sorted,
    // comma-separated, "" when none). Derived by decnet, never attacker text.
    std::string tags;
};

struct BountyRecord {
    std::int64_t id = 0;
    std::string timestamp;  // insertion time, same text format
    std::string decky;
    std::string service;
    std::string attacker_ip;
    std::string bounty_type;  // credential | fingerprint | artifact
    std::string payload;      // compact JSON text; dedup key with type and attacker_ip
};

// A row that could not be stored, kept with the reason instead of stalling ingestion.
struct DeadLetter {
    std::string received_at;
    std::string source;  // "bus", "ingest:<file>", "collect:<peer>"
    std::string reason;
    std::string payload;  // the raw line or record, truncated to 64 KiB
};

// Filters of api.md §6.1 (strings as the API received them, already null-normalised).
struct LogFilter {
    std::optional<std::string> start_time;
    std::optional<std::string> end_time;
    std::optional<std::string> search;
    bool empty() const { return !start_time && !end_time && !search; }
};

struct BountyFilter {
    std::optional<std::string> bounty_type;
    std::optional<std::string> search;
    // Exact columns, a literal piece of the payload's JSON text and an inclusive
    // timestamp range (GET /artifacts).
    std::optional<std::string> decky;
    std::optional<std::string> service;
    std::optional<std::string> attacker_ip;
    std::optional<std::string> payload_contains;
    std::optional<std::string> start_time;
    std::optional<std::string> end_time;
};

struct HistogramBucket {
    std::string time;  // "YYYY-MM-DD HH:MM:SS"
    std::int64_t count = 0;
};

struct LogStats {
    std::int64_t total_logs = 0;
    std::int64_t unique_attackers = 0;  // distinct attacker_ip in logs, "Unknown" included
};

class StoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Repository {
  public:
    virtual ~Repository() = default;

    // Creates or upgrades the schema (versioned migrations). Idempotent.
    virtual void migrate() = 0;

    // --- writes (the ingester's thread) ---
    // All rows in one transaction; fills each record's id. Throws StoreError on failure
    // (the whole batch is rolled back).
    virtual void insert_logs(std::span<LogRecord> rows) = 0;
    // Skips (returns false) when a row with the same (bounty_type, attacker_ip, payload)
    // exists. Many in one transaction.
    virtual std::size_t insert_bounties(std::span<BountyRecord> rows) = 0;
    virtual void insert_dead_letter(const DeadLetter& row) = 0;

    // --- reads ---
    // timestamp DESC, id DESC.
    virtual std::vector<LogRecord> logs(const LogFilter& filter, int limit, int offset) = 0;
    virtual std::int64_t count_logs(const LogFilter& filter) = 0;
    // id > after_id, id ASC (the SSE resume and the profiler cursor).
    virtual std::vector<LogRecord> logs_after_id(std::int64_t after_id, const LogFilter& filter,
                                                 int limit) = 0;
    virtual std::int64_t max_log_id() = 0;
    virtual std::vector<HistogramBucket> histogram(const LogFilter& filter,
                                                   int interval_minutes) = 0;
    virtual LogStats log_stats() = 0;
    virtual std::vector<BountyRecord> bounties(const BountyFilter& filter, int limit,
                                               int offset) = 0;
    virtual std::int64_t count_bounties(const BountyFilter& filter) = 0;
    virtual std::int64_t count_dead_letters() = 0;

    // --- attacker profiles (api.md §6.5; written by the profiler) ---
    virtual std::vector<AttackerRecord> attackers(const AttackerFilter& filter, AttackerSort sort,
                                                  int limit, int offset) = 0;
    virtual std::int64_t count_attackers(const AttackerFilter& filter) = 0;
    virtual std::optional<AttackerRecord> attacker(const std::string& uuid) = 0;
    // Behaviour rows of the attackers with these IPs, in one query, each paired with its
    // attacker's IP (an IP with several attacker rows may appear more than once).
    virtual std::vector<std::pair<std::string, AttackerBehaviorRecord>> attacker_behaviors_by_ip(
        const std::vector<std::string>& ips) = 0;
    virtual std::optional<AttackerBehaviorRecord> attacker_behavior(const std::string& uuid) = 0;
    // The most recently seen attacker row with exactly this IP (the profiler's lookup).
    // The default filters the IP search; backends override it with an indexed query.
    virtual std::optional<AttackerRecord> attacker_by_ip(const std::string& ip) {
        AttackerFilter filter;
        filter.search = ip;
        for (auto& row : attackers(filter, AttackerSort::recent, 1000, 0))
            if (row.ip == ip) return std::move(row);
        return std::nullopt;
    }
    // The attacker's `commands` JSON text; nullopt when no attacker has that uuid.
    virtual std::optional<std::string> attacker_commands(const std::string& uuid) = 0;
    // Insert or replace by uuid (the profiler's write; tests seed with it).
    virtual void upsert_attacker(const AttackerRecord& attacker,
                                 const std::optional<AttackerBehaviorRecord>& behavior) = 0;

    // --- identities (written by the identity linker; docs/INTEL.md) ---
    // Bounty rows with id > after_id, id ASC (the linker reads them all in pages).
    // The defaults serve test doubles; both backends override every one of these.
    virtual std::vector<BountyRecord> bounties_after_id(std::int64_t /*after_id*/, int /*limit*/) {
        return {};
    }
    // Replaces every identity and membership in one transaction.
    virtual void replace_identities(const std::vector<IdentityRecord>& /*identities*/) {
        throw StoreError("this store keeps no identities");
    }
    // last_seen DESC, id DESC.
    virtual std::vector<IdentityRecord> identities(int /*limit*/, int /*offset*/) { return {}; }
    virtual std::int64_t count_identities() { return 0; }
    virtual std::optional<IdentityRecord> identity(const std::string& /*id*/) {
        return std::nullopt;
    }
    // (ip, identity id) for those of these IPs that belong to an identity.
    virtual std::vector<std::pair<std::string, std::string>> identity_ids_by_ip(
        const std::vector<std::string>& /*ips*/) {
        return {};
    }

    // --- users (api.md §6.6; the API's only writes besides state) ---
    virtual std::optional<UserRecord> get_user_by_username(const std::string& username) = 0;
    virtual std::optional<UserRecord> get_user_by_uuid(const std::string& uuid) = 0;
    // All users in insertion order (SQLite) / scan order (MySQL).
    virtual std::vector<UserRecord> list_users() = 0;
    // False (nothing stored) when the username is taken.
    virtual bool create_user(const UserRecord& user) = 0;
    // These three return false when no user has that uuid.
    virtual bool update_password(const std::string& uuid, const std::string& password_hash,
                                 bool must_change_password) = 0;
    virtual bool update_role(const std::string& uuid, const std::string& role) = 0;
    virtual bool delete_user(const std::string& uuid) = 0;
    // Developer-mode reinit (§1.23): deletes logs, bounty, attacker_behavior and attackers
    // in one transaction; state and users stay.
    virtual PurgeCounts purge_data() = 0;

    // --- state (key → JSON text) ---
    virtual std::optional<std::string> get_state(const std::string& key) = 0;
    virtual void set_state(const std::string& key, const std::string& json) = 0;

    // A number that moves forward whenever committed data may have changed, whoever wrote
    // it (this process or another). Two reads at the same version give the same answer, so
    // the API's exact response cache keys on it. Read it *before* the reads it labels.
    // nullopt: this store cannot tell, and nothing may be cached on it.
    virtual std::optional<std::uint64_t> data_version() { return std::nullopt; }
};

// Opens (creating if needed) and migrates a SQLite database: WAL, synchronous=NORMAL,
// busy timeout, prepared statements.
std::unique_ptr<Repository> open_sqlite(const std::string& path);

// "YYYY-MM-DD HH:MM:SS.ffffff" for now (UTC).
std::string now_timestamp();

}  // namespace decnet::store
