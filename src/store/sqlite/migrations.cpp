// SQLite schema migrations. Version 1 is the reference schema (api.md §5.2, with the
// §5.1 legacy fix-up); later versions add what decnet itself needs. Steps use
// IF NOT EXISTS so a database created by the reference implementation (same tables, no
// schema_version) is adopted rather than rebuilt.
//
// Index choice for `logs` (why not the reference's five single-column indexes):
//   * ix_logs_timestamp stays on (timestamp) alone: SQLite appends the rowid to every
//     index entry, so it already orders by (timestamp, id) — exactly the API's
//     ORDER BY timestamp DESC, id DESC — and, being append-mostly, it is cheap to keep.
//   * the filter columns get (column, timestamp): `service:ssh` on the newest page reads
//     50 index entries in order instead of sorting every ssh row, and a filtered count
//     with a time window is one index range. Same names as the reference (ix_logs_<col>)
//     so the schema reads the same; the leading column is still the named one.
//   Measured at 3 M rows: ingest cost about equal to single-column indexes (~26 us of CPU
//   a row either way, ~10% more on a small table), while the newest page of `service:ssh`
//   takes 0.5 ms instead of 800 ms. Every secondary index costs ingestion: with only
//   ix_logs_timestamp a row costs ~8 us, which is where a 200k rows/s target would
//   have to start.
#include "store/sqlite/migrations.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <string>

#include "store/payload_hash.hpp"
#include "store/repository.hpp"
#include "store/sqlite/log_counts.hpp"

namespace decnet::store::sqlite {
namespace {

bool table_exists(Connection& c, const std::string& name) {
    return c.query_int64("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {name})
        .has_value();
}

bool column_exists(Connection& c, const std::string& table, const std::string& column) {
    return c.query_int64("SELECT 1 FROM pragma_table_info(?) WHERE name = ?", {table, column})
        .has_value();
}

// --- version 1: the reference schema ---

// §5.1 step 1: an `attackers` table from before profiles had a uuid is dropped.
void drop_legacy_attackers(Connection& c) {
    if (table_exists(c, "attackers") && !column_exists(c, "attackers", "uuid"))
        c.exec("DROP TABLE attackers");
}

constexpr std::string_view kReferenceSchema = R"sql(
CREATE TABLE IF NOT EXISTS users (
    uuid VARCHAR NOT NULL,
    username VARCHAR NOT NULL,
    password_hash VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    PRIMARY KEY (uuid)
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_users_username ON users (username);

-- AUTOINCREMENT: ids are cursors (SSE resume, profiler, search index) and must never be
-- reused, even after the newest rows are deleted.
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    timestamp DATETIME NOT NULL,
    decky VARCHAR NOT NULL,
    service VARCHAR NOT NULL,
    event_type VARCHAR NOT NULL,
    attacker_ip VARCHAR NOT NULL,
    raw_line TEXT NOT NULL,
    fields TEXT NOT NULL,
    msg TEXT,
    trace_id VARCHAR,
    span_id VARCHAR
);
CREATE INDEX IF NOT EXISTS ix_logs_timestamp ON logs (timestamp);
CREATE INDEX IF NOT EXISTS ix_logs_decky ON logs (decky, timestamp);
CREATE INDEX IF NOT EXISTS ix_logs_service ON logs (service, timestamp);
CREATE INDEX IF NOT EXISTS ix_logs_event_type ON logs (event_type, timestamp);
CREATE INDEX IF NOT EXISTS ix_logs_attacker_ip ON logs (attacker_ip, timestamp);

CREATE TABLE IF NOT EXISTS bounty (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    timestamp DATETIME NOT NULL,
    decky VARCHAR NOT NULL,
    service VARCHAR NOT NULL,
    attacker_ip VARCHAR NOT NULL,
    bounty_type VARCHAR NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_bounty_timestamp ON bounty (timestamp);
CREATE INDEX IF NOT EXISTS ix_bounty_decky ON bounty (decky);
CREATE INDEX IF NOT EXISTS ix_bounty_service ON bounty (service);
CREATE INDEX IF NOT EXISTS ix_bounty_attacker_ip ON bounty (attacker_ip);
CREATE INDEX IF NOT EXISTS ix_bounty_bounty_type ON bounty (bounty_type, timestamp);

CREATE TABLE IF NOT EXISTS state (
    key VARCHAR NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (key)
);

CREATE TABLE IF NOT EXISTS attackers (
    uuid VARCHAR NOT NULL,
    ip VARCHAR NOT NULL,
    first_seen DATETIME NOT NULL,
    last_seen DATETIME NOT NULL,
    event_count INTEGER NOT NULL,
    service_count INTEGER NOT NULL,
    decky_count INTEGER NOT NULL,
    services TEXT NOT NULL,
    deckies TEXT NOT NULL,
    traversal_path TEXT,
    is_traversal BOOLEAN NOT NULL,
    bounty_count INTEGER NOT NULL,
    credential_count INTEGER NOT NULL,
    fingerprints TEXT NOT NULL,
    commands TEXT NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (uuid)
);
CREATE INDEX IF NOT EXISTS ix_attackers_ip ON attackers (ip);
CREATE INDEX IF NOT EXISTS ix_attackers_first_seen ON attackers (first_seen);
CREATE INDEX IF NOT EXISTS ix_attackers_last_seen ON attackers (last_seen);
CREATE INDEX IF NOT EXISTS ix_attackers_updated_at ON attackers (updated_at);

CREATE TABLE IF NOT EXISTS attacker_behavior (
    attacker_uuid VARCHAR NOT NULL,
    os_guess VARCHAR,
    hop_distance INTEGER,
    tcp_fingerprint TEXT NOT NULL,
    retransmit_count INTEGER NOT NULL,
    behavior_class VARCHAR,
    beacon_interval_s FLOAT,
    beacon_jitter_pct FLOAT,
    tool_guesses VARCHAR,
    timing_stats TEXT NOT NULL,
    phase_sequence TEXT NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (attacker_uuid),
    FOREIGN KEY (attacker_uuid) REFERENCES attackers (uuid)
);
CREATE INDEX IF NOT EXISTS ix_attacker_behavior_updated_at ON attacker_behavior (updated_at);
)sql";

void reference_schema(Connection& c) {
    drop_legacy_attackers(c);
    c.exec(kReferenceSchema);
}

// --- version 2: trace columns on logs tables from before tracing existed ---

void trace_columns(Connection& c) {
    for (const char* column : {"trace_id", "span_id"})
        if (!column_exists(c, "logs", column))
            c.exec(std::string("ALTER TABLE logs ADD COLUMN ") + column + " VARCHAR");
}

// --- version 3: rows the ingester could not store ---

void dead_letters(Connection& c) {
    c.exec(R"sql(
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    received_at DATETIME NOT NULL,
    source VARCHAR NOT NULL,
    reason TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_dead_letters_received_at ON dead_letters (received_at);
)sql");
}

// --- version 4: bounty dedup lookups in O(log n) ---

// The dedup key (bounty_type, attacker_ip, payload) indexed whole: payloads are small
// JSON objects, and an exact key needs no hash column (the reference schema stays as is).
void bounty_dedup_index(Connection& c) {
    c.exec(
        "CREATE INDEX IF NOT EXISTS ix_bounty_dedup ON bounty (bounty_type, attacker_ip, "
        "payload)");
}

// --- version 5: free-text search index ---

// Substring search ("token without ':'", api.md §6.1) over raw_line/decky/service/
// attacker_ip. FTS5's trigram tokenizer indexes every 3-character sequence, so any
// substring of >= 3 characters can be looked up; detail=none keeps only row ids (no
// positions): a lookup ANDs some of the token's trigrams (search_plan.cpp), and the
// exact LIKE is then re-applied to the candidates, so results are the LIKE semantics
// exactly (the tokenizer folds more case than LIKE, which only widens the candidates;
// tokens under 3 characters or with no 3-character run between % and _ just scan).
// Measured at 3 M rows: a rare substring in tens of ms instead of seconds. External content
// (content='logs') stores no second copy of the text; columnsize=0 skips the per-row
// length table that only ranking needs.
//
// Trigram indexing costs ~150 us a row here (every 3-character window of a ~250-byte
// line), several times a whole indexed row insert and far too slow inside insert_logs,
// so the index is filled behind the writer (search_indexer.hpp) and logs_fts_progress
// records how far: rows above it are searched by LIKE.
void search_index(Connection& c) {
    c.exec(
        "CREATE TABLE IF NOT EXISTS logs_fts_progress ("
        "id INTEGER NOT NULL PRIMARY KEY CHECK (id = 0), last_id INTEGER NOT NULL);"
        "INSERT OR IGNORE INTO logs_fts_progress (id, last_id) VALUES (0, 0);");
    try {
        c.exec(
            "CREATE VIRTUAL TABLE IF NOT EXISTS logs_fts USING fts5(decky, service, "
            "attacker_ip, raw_line, content='logs', content_rowid='id', "
            "tokenize='trigram', detail='none', columnsize=0)");
    } catch (const StoreError& e) {
        // An SQLite without FTS5/trigram still works, searching by LIKE only.
        spdlog::warn("sqlite: no free-text index, searches will scan: {}", e.what());
    }
}

// --- version 6: bounty dedup by a fixed-size hash, fewer bounty indexes ---

// ix_bounty_dedup of version 4 held the whole payload text (100-300 bytes a row), and a
// bounty row fed six indexes, the dedup and attacker ones at random positions (a dirty
// page, written whole to the WAL, per bounty): storing a batch's bounties cost about as
// much as its logs though bounties are ~15% of the rows. Now:
//   * the dedup key is (attacker_ip, bounty_type, payload_hash), the hash being MySQL's
//     SHA2(payload, 256) hex (store/payload_hash.hpp) as the MariaDB backend has it; the
//     insert still compares the payload itself, so a collision can never drop a bounty;
//   * with attacker_ip leading it also serves per-attacker lookups: ix_bounty_attacker_ip
//     goes, and so do ix_bounty_decky and ix_bounty_service, which no query uses (the
//     §1.5 search is a LIKE over those columns, which scans either way). The listing
//     keeps ix_bounty_timestamp and ix_bounty_bounty_type.
// Existing rows are hashed here through a function registered for the step.
void bounty_payload_hash(Connection& c) {
    if (!column_exists(c, "bounty", "payload_hash"))
        c.exec("ALTER TABLE bounty ADD COLUMN payload_hash VARCHAR");
    const auto hash = [](sqlite3_context* context, int, sqlite3_value** argv) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        const auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
        const std::string hex = payload_hash(std::string_view(text ? text : "", size));
        sqlite3_result_text(context, hex.data(), static_cast<int>(hex.size()), SQLITE_TRANSIENT);
    };
    sqlite3_create_function_v2(c.handle(), "decnet_payload_hash", 1,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, +hash, nullptr, nullptr,
                               nullptr);
    c.exec(
        "UPDATE bounty SET payload_hash = decnet_payload_hash(payload) WHERE payload_hash IS "
        "NULL;"
        "DROP INDEX IF EXISTS ix_bounty_dedup;"
        "DROP INDEX IF EXISTS ix_bounty_attacker_ip;"
        "DROP INDEX IF EXISTS ix_bounty_decky;"
        "DROP INDEX IF EXISTS ix_bounty_service;"
        "CREATE INDEX ix_bounty_dedup ON bounty (attacker_ip, bounty_type, payload_hash);");
    sqlite3_create_function_v2(c.handle(), "decnet_payload_hash", 1, SQLITE_UTF8, nullptr, nullptr,
                               nullptr, nullptr, nullptr);
}

// --- version 7: ATT&CK tags ---

// The technique ids the ingest rules give each event (intel/attack). Rows stored before
// keep '' (untagged); a filter by tag reads the column, so no index is needed for the
// small share of rows a `tag:` search returns alongside its other terms.
// Attackers count their techniques ({"T1110": n}); '{}' until the profiler sees one.
void attack_tags(Connection& c) {
    if (!column_exists(c, "logs", "tags"))
        c.exec("ALTER TABLE logs ADD COLUMN tags VARCHAR NOT NULL DEFAULT ''");
    if (!column_exists(c, "attackers", "attack_techniques"))
        c.exec("ALTER TABLE attackers ADD COLUMN attack_techniques TEXT NOT NULL DEFAULT '{}'");
}

// --- version 8: the attacker list's orderings ---

// GET /attackers sorts by (last_seen, uuid), (event_count, uuid) or (is_traversal,
// last_seen, uuid), newest or busiest first (api.md §6.5). Without an index for each, every
// page of 100,000 attackers sorted the whole table (tens of ms, bench/intel); with one it
// reads an index backwards and stops after the page. The reference's ix_attackers_last_seen
// keeps its name and gains uuid, so no index is added for the default order.
void attacker_order_indexes(Connection& c) {
    c.exec(
        "DROP INDEX IF EXISTS ix_attackers_last_seen;"
        "CREATE INDEX ix_attackers_last_seen ON attackers (last_seen, uuid);"
        "CREATE INDEX IF NOT EXISTS ix_attackers_active ON attackers (event_count, uuid);"
        "CREATE INDEX IF NOT EXISTS ix_attackers_traversals ON attackers "
        "(is_traversal, last_seen, uuid);");
}

// --- version 9: identities (intel/identity, docs/INTEL.md) ---

// Written as a whole by the identity linker. `members` repeats identity_members as a
// JSON list so a page of identities is one query; identity_members answers "which
// identity is this IP in" by its primary key.
void identities(Connection& c) {
    c.exec(
        "CREATE TABLE IF NOT EXISTS identities ("
        "id VARCHAR NOT NULL PRIMARY KEY, confidence REAL NOT NULL, "
        "member_count INTEGER NOT NULL, members TEXT NOT NULL, evidence TEXT NOT NULL, "
        "first_seen DATETIME NOT NULL, last_seen DATETIME NOT NULL, "
        "updated_at DATETIME NOT NULL);"
        "CREATE INDEX IF NOT EXISTS ix_identities_last_seen ON identities (last_seen);"
        "CREATE TABLE IF NOT EXISTS identity_members ("
        "ip VARCHAR NOT NULL PRIMARY KEY, identity_id VARCHAR NOT NULL);"
        "CREATE INDEX IF NOT EXISTS ix_identity_members_identity_id "
        "ON identity_members (identity_id);");
}

// --- version 10: offline country and ASN of attackers (intel/geoip) ---

// Null until the profiler looks the address up in a configured database.
void attacker_geoip(Connection& c) {
    if (!column_exists(c, "attackers", "country"))
        c.exec("ALTER TABLE attackers ADD COLUMN country VARCHAR NULL");
    if (!column_exists(c, "attackers", "country_name"))
        c.exec("ALTER TABLE attackers ADD COLUMN country_name VARCHAR NULL");
    if (!column_exists(c, "attackers", "asn"))
        c.exec("ALTER TABLE attackers ADD COLUMN asn INTEGER NULL");
    if (!column_exists(c, "attackers", "as_org"))
        c.exec("ALTER TABLE attackers ADD COLUMN as_org VARCHAR NULL");
}

// --- version 11: five-minute log counts (store/sqlite/log_counts.hpp) ---

// Totals and the histogram at 10 M rows: a COUNT over an index range walks every entry
// (1.1-1.4 s for a month of logs, bench/store_10m); log_counts holds each five-minute slot's
// count, overall and by decky, service and event type, log_attacker_ips each attacker
// address's (/stats' distinct attackers), and insert_logs adds to both in the rows' own
// transaction. Existing rows are counted here, once. WITHOUT ROWID: the key is the only
// index.
void log_counts(Connection& c) {
    c.exec(
        "CREATE TABLE IF NOT EXISTS log_counts ("
        "dim VARCHAR NOT NULL, value VARCHAR NOT NULL, slot VARCHAR NOT NULL, "
        "last VARCHAR NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (dim, value, slot)) "
        "WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS log_attacker_ips (attacker_ip VARCHAR NOT NULL, "
        "n INTEGER NOT NULL, PRIMARY KEY (attacker_ip)) WITHOUT ROWID;"
        "DELETE FROM log_counts; DELETE FROM log_attacker_ips;");
    count_stored_logs(c);
}

constexpr std::array kMigrations{
    Migration{1, "reference schema (api.md 5.2)", reference_schema},
    Migration{2, "logs.trace_id and logs.span_id", trace_columns},
    Migration{3, "dead_letters", dead_letters},
    Migration{4, "bounty dedup index", bounty_dedup_index},
    Migration{5, "free-text search index (FTS5 trigram)", search_index},
    Migration{6, "bounty dedup by payload hash, fewer bounty indexes", bounty_payload_hash},
    Migration{7, "logs.tags and attackers.attack_techniques (ATT&CK)", attack_tags},
    Migration{8, "attacker list ordering indexes", attacker_order_indexes},
    Migration{9, "identities and identity_members", identities},
    Migration{10, "attackers.country, country_name, asn, as_org (offline GeoIP)", attacker_geoip},
    Migration{11, "log_counts and log_attacker_ips: per-minute and per-attacker log counts",
              log_counts},
};

void ensure_version_table(Connection& c) {
    c.exec(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER NOT NULL PRIMARY KEY, description VARCHAR NOT NULL, "
        "applied_at DATETIME NOT NULL)");
}

void apply(Connection& c, const Migration& step) {
    in_transaction(c, [&] {
        if (schema_version(c) >= step.version) return;  // another process got there first
        step.apply(c);
        auto insert = c.prepare(
            "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)");
        insert->bind(1, std::int64_t{step.version});
        insert->bind(2, step.description);
        insert->bind(3, std::string_view(now_timestamp()));
        insert->step();
    });
}

}  // namespace

std::span<const Migration> migrations() {
    return kMigrations;
}

int latest_schema_version() {
    return kMigrations.back().version;
}

int schema_version(Connection& connection) {
    if (!table_exists(connection, "schema_version")) return 0;
    return static_cast<int>(
        connection.query_int64("SELECT MAX(version) FROM schema_version").value_or(0));
}

void migrate(Connection& connection, int target) {
    ensure_version_table(connection);
    for (const auto& step : kMigrations)
        if (step.version <= target && step.version > schema_version(connection))
            apply(connection, step);
}

bool has_search_index(Connection& connection) {
    return table_exists(connection, "logs_fts");
}

}  // namespace decnet::store::sqlite
