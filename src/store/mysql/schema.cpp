// Schema DDL and migrations. Version 1 is the reference schema (api.md §5.2, including
// its two legacy fix-ups of §5.1); version 2 adds what decnet itself needs (bounty dedup
// hash, dead letters, write-batch markers). Differences from the reference's MySQL types,
// all deliberate: DATETIME(6) instead of DATETIME so microseconds survive; BIGINT ids;
// MEDIUMTEXT for every free-text column (raw lines and fields can exceed TEXT's 64 KiB);
// utf8mb4 tables whatever the server's default character set.
#include "store/mysql/schema.hpp"

#include <functional>
#include <string>
#include <vector>

namespace decnet::store::mysql {
namespace {

constexpr const char* kTableOptions =
    " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

bool table_exists(Connection& c, std::string_view table) {
    const Param params[] = {table};
    return c.count(
               "SELECT COUNT(*) FROM information_schema.tables "
               "WHERE table_schema = DATABASE() AND table_name = ?",
               params) > 0;
}

std::optional<std::string> column_type(Connection& c, std::string_view table,
                                       std::string_view column) {
    const Param params[] = {table, column};
    return c.scalar(
        "SELECT LOWER(data_type) FROM information_schema.columns "
        "WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?",
        params);
}

bool index_exists(Connection& c, std::string_view table, std::string_view index) {
    const Param params[] = {table, index};
    return c.count(
               "SELECT COUNT(*) FROM information_schema.statistics "
               "WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?",
               params) > 0;
}

void create_table(Connection& c, const std::string& name, const std::string& body) {
    c.execute("CREATE TABLE IF NOT EXISTS " + name + " (" + body + ")" + kTableOptions);
}

// --- version 1: the reference schema ---

// §5.1 step 1: an `attackers` table from before profiles had a uuid is dropped.
void drop_legacy_attackers(Connection& c) {
    if (table_exists(c, "attackers") && !column_type(c, "attackers", "uuid"))
        c.execute("DROP TABLE attackers");
}

// §5.1 step 2: JSON-list columns once typed TEXT overflowed at 64 KiB.
void widen_legacy_text_columns(Connection& c) {
    const std::pair<const char*, const char*> columns[] = {
        {"attackers", "commands"}, {"attackers", "fingerprints"},
        {"attackers", "services"}, {"attackers", "deckies"},
        {"state", "value"},
    };
    for (const auto& [table, column] : columns)
        if (column_type(c, table, column) == "text")
            c.execute(std::string("ALTER TABLE ") + table + " MODIFY `" + column +
                      "` MEDIUMTEXT NOT NULL");
}

void create_reference_tables(Connection& c) {
    create_table(c, "users",
                 "uuid VARCHAR(255) NOT NULL PRIMARY KEY, username VARCHAR(255) NOT NULL, "
                 "password_hash VARCHAR(255) NOT NULL, role VARCHAR(255) NOT NULL, "
                 "must_change_password TINYINT(1) NOT NULL, "
                 "UNIQUE KEY ix_users_username (username)");
    create_table(c, "logs",
                 "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                 "`timestamp` DATETIME(6) NOT NULL, decky VARCHAR(255) NOT NULL, "
                 "service VARCHAR(255) NOT NULL, event_type VARCHAR(255) NOT NULL, "
                 "attacker_ip VARCHAR(255) NOT NULL, raw_line MEDIUMTEXT NOT NULL, "
                 "`fields` MEDIUMTEXT NOT NULL, msg MEDIUMTEXT NULL, "
                 "trace_id VARCHAR(255) NULL, span_id VARCHAR(255) NULL, "
                 "KEY ix_logs_timestamp (`timestamp`), KEY ix_logs_decky (decky), "
                 "KEY ix_logs_service (service), KEY ix_logs_event_type (event_type), "
                 "KEY ix_logs_attacker_ip (attacker_ip)");
    create_table(c, "bounty",
                 "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                 "`timestamp` DATETIME(6) NOT NULL, decky VARCHAR(255) NOT NULL, "
                 "service VARCHAR(255) NOT NULL, attacker_ip VARCHAR(255) NOT NULL, "
                 "bounty_type VARCHAR(255) NOT NULL, payload MEDIUMTEXT NOT NULL, "
                 "KEY ix_bounty_timestamp (`timestamp`), KEY ix_bounty_decky (decky), "
                 "KEY ix_bounty_service (service), KEY ix_bounty_attacker_ip (attacker_ip), "
                 "KEY ix_bounty_bounty_type (bounty_type)");
    create_table(c, "state", "`key` VARCHAR(255) NOT NULL PRIMARY KEY, value MEDIUMTEXT NOT NULL");
    create_table(c, "attackers",
                 "uuid VARCHAR(255) NOT NULL PRIMARY KEY, ip VARCHAR(255) NOT NULL, "
                 "first_seen DATETIME(6) NOT NULL, last_seen DATETIME(6) NOT NULL, "
                 "event_count INT NOT NULL, service_count INT NOT NULL, "
                 "decky_count INT NOT NULL, services MEDIUMTEXT NOT NULL, "
                 "deckies MEDIUMTEXT NOT NULL, traversal_path MEDIUMTEXT NULL, "
                 "is_traversal TINYINT(1) NOT NULL, bounty_count INT NOT NULL, "
                 "credential_count INT NOT NULL, fingerprints MEDIUMTEXT NOT NULL, "
                 "commands MEDIUMTEXT NOT NULL, updated_at DATETIME(6) NOT NULL, "
                 "KEY ix_attackers_ip (ip), KEY ix_attackers_first_seen (first_seen), "
                 "KEY ix_attackers_last_seen (last_seen), "
                 "KEY ix_attackers_updated_at (updated_at)");
    create_table(c, "attacker_behavior",
                 "attacker_uuid VARCHAR(255) NOT NULL PRIMARY KEY, os_guess VARCHAR(255) NULL, "
                 "hop_distance INT NULL, tcp_fingerprint MEDIUMTEXT NOT NULL, "
                 "retransmit_count INT NOT NULL, behavior_class VARCHAR(255) NULL, "
                 "beacon_interval_s DOUBLE NULL, beacon_jitter_pct DOUBLE NULL, "
                 "tool_guesses VARCHAR(255) NULL, timing_stats MEDIUMTEXT NOT NULL, "
                 "phase_sequence MEDIUMTEXT NOT NULL, updated_at DATETIME(6) NOT NULL, "
                 "KEY ix_attacker_behavior_updated_at (updated_at), "
                 "FOREIGN KEY (attacker_uuid) REFERENCES attackers (uuid)");
}

void migrate_to_1(Connection& c) {
    drop_legacy_attackers(c);
    widen_legacy_text_columns(c);
    create_reference_tables(c);
}

// --- version 2: decnet's additions ---

// Bounty dedup key (bounty_type, attacker_ip, payload): payload is MEDIUMTEXT, which no
// index covers, so its SHA-256 (hex) is kept beside it and indexed with the other two.
// Rows written before (e.g. by the reference) are hashed by the server; SHA2 over the
// utf8mb4 text is the same digest as ours over the UTF-8 bytes.
void add_bounty_payload_hash(Connection& c) {
    if (!column_type(c, "bounty", "payload_hash"))
        c.execute("ALTER TABLE bounty ADD COLUMN payload_hash CHAR(64) CHARACTER SET ascii NULL");
    c.execute("UPDATE bounty SET payload_hash = SHA2(payload, 256) WHERE payload_hash IS NULL");
    if (!index_exists(c, "bounty", "ix_bounty_dedup"))
        c.execute(
            "CREATE INDEX ix_bounty_dedup ON bounty (bounty_type, attacker_ip, payload_hash)");
}

void migrate_to_2(Connection& c) {
    add_bounty_payload_hash(c);
    create_table(c, "dead_letters",
                 "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                 "received_at DATETIME(6) NOT NULL, source VARCHAR(255) NOT NULL, "
                 "reason MEDIUMTEXT NOT NULL, payload MEDIUMTEXT NOT NULL, "
                 "KEY ix_dead_letters_received_at (received_at)");
    // One row per committed write transaction, inserted first inside it: after a lost
    // COMMIT the retry's insert of the same batch_id fails as a duplicate exactly when
    // the first attempt committed (see mysql_repository.cpp). Pruned after a day.
    create_table(c, "write_batches",
                 "batch_id CHAR(32) CHARACTER SET ascii NOT NULL PRIMARY KEY, "
                 "row_count INT NOT NULL, committed_at DATETIME(6) NOT NULL, "
                 "KEY ix_write_batches_committed_at (committed_at)");
}

// --- version 3: ATT&CK tags (intel/attack), '' on rows stored before ---

void migrate_to_3(Connection& c) {
    if (!column_type(c, "logs", "tags"))
        c.execute(
            "ALTER TABLE logs ADD COLUMN tags VARCHAR(255) CHARACTER SET ascii NOT NULL "
            "DEFAULT ''");
    // MEDIUMTEXT has no literal default before MariaDB 10.2; the value is always written.
    if (!column_type(c, "attackers", "attack_techniques"))
        c.execute("ALTER TABLE attackers ADD COLUMN attack_techniques TEXT NULL");
}

// --- version 4: identities (intel/identity, docs/INTEL.md), SQLite's version 8 ---

void migrate_to_4(Connection& c) {
    create_table(c, "identities",
                 "id VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY, "
                 "confidence DOUBLE NOT NULL, member_count INT NOT NULL, "
                 "members MEDIUMTEXT NOT NULL, evidence MEDIUMTEXT NOT NULL, "
                 "first_seen DATETIME(6) NOT NULL, last_seen DATETIME(6) NOT NULL, "
                 "updated_at DATETIME(6) NOT NULL, KEY ix_identities_last_seen (last_seen)");
    create_table(c, "identity_members",
                 "ip VARCHAR(255) NOT NULL PRIMARY KEY, "
                 "identity_id VARCHAR(64) CHARACTER SET ascii NOT NULL, "
                 "KEY ix_identity_members_identity_id (identity_id)");
}

// --- version 5: offline country and ASN of attackers (intel/geoip), SQLite's version 10 ---

void migrate_to_5(Connection& c) {
    if (!column_type(c, "attackers", "country"))
        c.execute("ALTER TABLE attackers ADD COLUMN country VARCHAR(8) NULL");
    if (!column_type(c, "attackers", "country_name"))
        c.execute("ALTER TABLE attackers ADD COLUMN country_name VARCHAR(255) NULL");
    if (!column_type(c, "attackers", "asn"))
        c.execute("ALTER TABLE attackers ADD COLUMN asn BIGINT NULL");
    if (!column_type(c, "attackers", "as_org"))
        c.execute("ALTER TABLE attackers ADD COLUMN as_org VARCHAR(255) NULL");
}

const std::vector<std::function<void(Connection&)>>& migrations() {
    static const std::vector<std::function<void(Connection&)>> all{
        migrate_to_1, migrate_to_2, migrate_to_3, migrate_to_4, migrate_to_5};
    return all;
}

int current_version(Connection& c) {
    create_table(c, "schema_version",
                 "version INT NOT NULL PRIMARY KEY, applied_at DATETIME(6) NOT NULL");
    return static_cast<int>(c.count("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
}

void apply_pending(Connection& c) {
    for (int version = current_version(c); version < latest_schema_version(); ++version) {
        migrations()[static_cast<std::size_t>(version)](c);
        const Param params[] = {std::int64_t{version + 1}};
        c.change("INSERT INTO schema_version (version, applied_at) VALUES (?, UTC_TIMESTAMP(6))",
                 params);
    }
}

}  // namespace

int latest_schema_version() {
    return static_cast<int>(migrations().size());
}

void migrate_schema(Connection& c) {
    const auto locked = c.scalar("SELECT GET_LOCK('decnet_schema_init', 30)");
    if (locked != "1")
        throw StoreError("mysql: could not take the schema lock 'decnet_schema_init' within 30 s");
    try {
        apply_pending(c);
    } catch (...) {
        try {
            c.scalar("SELECT RELEASE_LOCK('decnet_schema_init')");
        } catch (const StoreError&) {
            // The connection is gone, and the server released the lock with it.
        }
        throw;
    }
    c.scalar("SELECT RELEASE_LOCK('decnet_schema_init')");
}

}  // namespace decnet::store::mysql
