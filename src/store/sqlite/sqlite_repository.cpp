// SqliteRepository: writes through the one write connection, reads through the pool,
// query semantics of api.md §6 (filters §6.1, pagination §6.2, histogram §6.3, stats
// §6.4) and bounty listing §1.5.
#include "store/sqlite/sqlite_repository.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "store/payload_hash.hpp"
#include "store/sqlite/attacker_queries.hpp"
#include "store/sqlite/identity_queries.hpp"
#include "store/sqlite/log_counts.hpp"
#include "store/sqlite/log_filter_sql.hpp"
#include "store/sqlite/log_histogram.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/search_plan.hpp"
#include "store/sqlite/user_queries.hpp"

namespace decnet::store {

using sqlite::Connection;
using sqlite::Param;
using sqlite::Where;

namespace {

constexpr int kMaxPageRows = 1000;
// How long data_version() may reuse its last PRAGMA answer when no write of ours ended:
// how late another process's commit (a separate `decnet ingest`) may show in the API.
// Each PRAGMA opens a read transaction (two fcntl locks); at 1 ms it cost 4 % of the
// API's CPU under load, at 10 ms nothing measurable.
constexpr std::chrono::steady_clock::duration kVersionPoll = std::chrono::milliseconds(10);
constexpr std::size_t kMaxDeadLetterPayload = 64 * 1024;

constexpr std::string_view kSelectLogs =
    "SELECT id, timestamp, decky, service, event_type, attacker_ip, raw_line, fields, msg, "
    "trace_id, span_id, tags FROM logs";
constexpr std::string_view kInsertLog =
    "INSERT INTO logs (timestamp, decky, service, event_type, attacker_ip, raw_line, fields, "
    "msg, trace_id, span_id, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectBounties =
    "SELECT id, timestamp, decky, service, attacker_ip, bounty_type, payload FROM bounty";
// Check and insert in one statement, served by ix_bounty_dedup (api.md §5.5 dedup rule):
// the hash finds candidates, the payload comparison makes the match exact.
constexpr std::string_view kInsertBountyUnlessKnown =
    "INSERT INTO bounty (timestamp, decky, service, attacker_ip, bounty_type, payload, "
    "payload_hash) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS (SELECT 1 FROM bounty "
    "WHERE bounty_type = ?5 AND attacker_ip = ?4 AND payload_hash = ?7 AND payload = ?6)";

// Pragmas of api.md §5.1 on every connection; the busy timeout first, so the others wait
// out a concurrent writer instead of failing. Foreign keys stay off, as in the reference.
// page_size only takes effect on a new, empty file, hence before journal_mode (switching
// to WAL writes the header): 8 KiB pages cut ingest CPU by ~10% against 4 KiB (fewer
// page splits and WAL frames per row; measured on the ingest bench's mix). Existing
// databases keep the page size they were created with.
void configure_common(Connection& c) {
    c.exec(
        "PRAGMA busy_timeout = 30000; PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; "
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;");
}

// A large page cache keeps the hot index leaves in memory between batches. Checkpoints
// are the Checkpointer's (kCheckpoint*Pages): a long WAL writes each often-touched page
// back less often, and the copying happens off the writer's thread.
void configure_writer(Connection& c) {
    configure_common(c);
    c.exec("PRAGMA cache_size = -65536; PRAGMA journal_size_limit = 67108864;");
}

// 512 pages (4 MiB at 8 KiB pages) wake the background checkpoint; at 4096 (32 MiB) the
// writer checkpoints itself, which bounds the WAL as wal_autocheckpoint = 4096 did.
constexpr int kCheckpointBackgroundPages = 512;
constexpr int kCheckpointForegroundPages = 4096;

// Pages of free-text index merging per write-lock hold (see merge_search_index).
constexpr int kSearchMergePages = 16;

void configure_reader(Connection& c) {
    configure_common(c);
    c.exec("PRAGMA cache_size = -16384; PRAGMA query_only = 1;");
}

int clamp_limit(int limit) {
    return std::clamp(limit, 0, kMaxPageRows);
}

LogRecord read_log(const sqlite::Statement& s) {
    LogRecord r;
    r.id = s.column_int64(0);
    r.timestamp = s.column_text(1);
    r.decky = s.column_text(2);
    r.service = s.column_text(3);
    r.event_type = s.column_text(4);
    r.attacker_ip = s.column_text(5);
    r.raw_line = s.column_text(6);
    r.fields = s.column_text(7);
    r.msg = s.column_optional_text(8);
    r.trace_id = s.column_optional_text(9);
    r.span_id = s.column_optional_text(10);
    r.tags = s.column_text(11);
    return r;
}

BountyRecord read_bounty(const sqlite::Statement& s) {
    BountyRecord b;
    b.id = s.column_int64(0);
    b.timestamp = s.column_text(1);
    b.decky = s.column_text(2);
    b.service = s.column_text(3);
    b.attacker_ip = s.column_text(4);
    b.bounty_type = s.column_text(5);
    b.payload = s.column_text(6);
    return b;
}

template <class Record, class Read>
std::vector<Record> fetch(Connection& c, const std::string& sql, const std::vector<Param>& params,
                          Read read_row) {
    auto statement = c.prepare(sql);
    statement->bind_all(params);
    std::vector<Record> rows;
    while (statement->step()) rows.push_back(read_row(*statement));
    return rows;
}

// The rows outlive each step, so their text is bound in place (no per-row copies).
void bind_log(sqlite::Statement& s, const LogRecord& r, const std::string& now) {
    s.bind_view(1, std::string_view(r.timestamp.empty() ? now : r.timestamp));
    s.bind_view(2, std::string_view(r.decky));
    s.bind_view(3, std::string_view(r.service));
    s.bind_view(4, std::string_view(r.event_type));
    s.bind_view(5, std::string_view(r.attacker_ip));
    s.bind_view(6, std::string_view(r.raw_line));
    s.bind_view(7, std::string_view(r.fields));
    s.bind_view(8, r.msg);
    s.bind_view(9, r.trace_id);
    s.bind_view(10, r.span_id);
    s.bind_view(11, std::string_view(r.tags));
}

void bind_bounty(sqlite::Statement& s, const BountyRecord& b) {
    s.bind(1, std::string_view(b.timestamp));
    s.bind(2, std::string_view(b.decky));
    s.bind(3, std::string_view(b.service));
    s.bind(4, std::string_view(b.attacker_ip));
    s.bind(5, std::string_view(b.bounty_type));
    s.bind(6, std::string_view(b.payload));
    s.bind(7, std::string_view(payload_hash(b.payload)));
}

// §1.5: exact type; case-insensitive substring (wildcards kept) on four columns. Then
// GET /artifacts' exact columns, literal payload piece and time range.
void add_bounty_filter(Where& where, const BountyFilter& filter) {
    if (filter.bounty_type) where.require("bounty_type = " + where.bind(*filter.bounty_type));
    if (filter.decky) where.require("decky = " + where.bind(*filter.decky));
    if (filter.service) where.require("service = " + where.bind(*filter.service));
    if (filter.attacker_ip) where.require("attacker_ip = " + where.bind(*filter.attacker_ip));
    if (filter.payload_contains)
        where.require("instr(payload, " + where.bind(*filter.payload_contains) + ") > 0");
    if (filter.start_time) where.require("timestamp >= " + where.bind(*filter.start_time));
    if (filter.end_time) where.require("timestamp <= " + where.bind(*filter.end_time));
    if (filter.search) {
        const auto p = where.bind("%" + std::string(clip_search(*filter.search)) + "%");
        where.require("(decky LIKE " + p + " OR service LIKE " + p + " OR attacker_ip LIKE " + p +
                      " OR payload LIKE " + p + ")");
    }
}

// The longest prefix of `text` of at most `max_bytes` that ends on a UTF-8 boundary.
std::string utf8_prefix(const std::string& text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

}  // namespace

std::unique_ptr<Repository> open_sqlite(const std::string& path) {
    return open_sqlite(path, SqliteOptions{});
}

std::unique_ptr<Repository> open_sqlite(const std::string& path, const SqliteOptions& options) {
    return std::make_unique<SqliteRepository>(path, options);
}

SqliteRepository::SqliteRepository(const std::string& path, const SqliteOptions& options)
    : options_(options),
      writer_(std::make_unique<Connection>(path)),
      readers_(path, options.read_connections, configure_reader) {
    configure_writer(*writer_);
    migrate();
    version_reader_ = std::make_unique<Connection>(path);
    configure_reader(*version_reader_);
    checkpointer_ = std::make_unique<sqlite::Checkpointer>(
        *writer_, path, kCheckpointBackgroundPages, kCheckpointForegroundPages);
    if (options_.background_indexing)
        indexer_ = std::make_unique<sqlite::SearchIndexer>(
            [this] {
                const auto rows = index_pending_search(options_.index_chunk_rows);
                return rows + (merge_search_index(kSearchMergePages) ? 1 : 0);
            },
            [this] { return writer_busy(); });
}

SqliteRepository::~SqliteRepository() {
    indexer_.reset();  // the indexer uses the writer: stop it first
}

template <class Body>
decltype(auto) SqliteRepository::write(Body&& body) {
    struct Done {  // stamps the end of every write, failed ones included
        std::atomic<std::chrono::steady_clock::rep>& last;
        ~Done() { last = std::chrono::steady_clock::now().time_since_epoch().count(); }
    };
    ++writers_waiting_;
    std::unique_lock lock(write_mutex_);
    --writers_waiting_;
    Done done{last_write_};
    // Declared after `done`, so destroyed first: a commit of ours is seen by the next
    // data_version() at once, whatever its poll interval.
    struct Bump {
        std::atomic<std::uint64_t>& writes;
        ~Bump() { writes.fetch_add(1, std::memory_order_release); }
    } bump{writes_done_};
    return body(*writer_);
}

bool SqliteRepository::writer_busy() const {
    if (writers_waiting_ > 0) return true;
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return now - last_write_ < std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   options_.index_after_idle)
                                   .count();
}

template <class Body>
decltype(auto) SqliteRepository::read(Body&& body) {
    auto connection = readers_.acquire();
    return body(*connection);
}

void SqliteRepository::migrate() {
    write([&](Connection& c) {
        sqlite::migrate(c);
        has_search_index_ = sqlite::has_search_index(c);
    });
}

// --- writes ---

void SqliteRepository::insert_logs(std::span<LogRecord> rows) {
    if (rows.empty()) return;
    const std::string now = now_timestamp();  // for rows without a timestamp (§5.4)
    std::vector<std::int64_t> ids(rows.size());
    write([&](Connection& c) {
        sqlite::in_transaction(c, [&] {
            auto insert = c.prepare(std::string(kInsertLog));
            for (std::size_t i = 0; i < rows.size(); ++i) {
                bind_log(*insert, rows[i], now);
                insert->step();
                ids[i] = c.last_insert_rowid();
                insert->reset();
            }
            sqlite::add_log_counts(c, rows, now);
        });
    });
    // Only after the commit: a rolled-back batch leaves the callers' ids untouched.
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].id = ids[i];
    if (indexer_) indexer_->notify();
}

std::size_t SqliteRepository::insert_bounties(std::span<BountyRecord> rows) {
    if (rows.empty()) return 0;
    const std::string now = now_timestamp();
    std::vector<std::int64_t> ids(rows.size(), 0);
    for (auto& row : rows)
        if (row.timestamp.empty()) row.timestamp = now;  // insertion time (§5.5)
    write([&](Connection& c) {
        sqlite::in_transaction(c, [&] {
            auto insert = c.prepare(std::string(kInsertBountyUnlessKnown));
            for (std::size_t i = 0; i < rows.size(); ++i) {
                bind_bounty(*insert, rows[i]);
                insert->step();
                if (c.changes() > 0) ids[i] = c.last_insert_rowid();
                insert->reset();
            }
        });
    });
    std::size_t inserted = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        rows[i].id = ids[i];  // 0: an equal bounty was already stored
        inserted += ids[i] != 0;
    }
    return inserted;
}

void SqliteRepository::insert_dead_letter(const DeadLetter& row) {
    write([&](Connection& c) {
        auto insert = c.prepare(
            "INSERT INTO dead_letters (received_at, source, reason, payload) VALUES (?, ?, ?, ?)");
        insert->bind(1,
                     std::string_view(row.received_at.empty() ? now_timestamp() : row.received_at));
        insert->bind(2, std::string_view(row.source));
        insert->bind(3, std::string_view(row.reason));
        insert->bind(4, std::string_view(utf8_prefix(row.payload, kMaxDeadLetterPayload)));
        insert->step();
    });
}

void SqliteRepository::set_state(const std::string& key, const std::string& json) {
    write([&](Connection& c) {
        auto upsert = c.prepare(
            "INSERT INTO state (key, value) VALUES (?1, ?2) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        upsert->bind(1, std::string_view(key));
        upsert->bind(2, std::string_view(json));
        upsert->step();
    });
}

// --- free-text index ---

std::size_t SqliteRepository::index_pending_search(std::size_t max_rows) {
    if (!has_search_index_ || max_rows == 0) return 0;
    std::lock_guard lock(write_mutex_);  // not counted in writers_waiting_: lowest priority
    Connection& c = *writer_;
    const auto pending = c.query_int64(
        "SELECT (SELECT MAX(id) FROM logs) > (SELECT last_id FROM logs_fts_progress)");
    if (pending.value_or(0) == 0) return 0;  // caught up: no write transaction at all
    return sqlite::in_transaction(c, [&]() -> std::size_t {
        const auto last = c.query_int64("SELECT last_id FROM logs_fts_progress").value_or(0);
        const auto upto = c.query_int64(
            "SELECT MAX(id) FROM (SELECT id FROM logs WHERE id > ?1 ORDER BY id LIMIT ?2)",
            {last, static_cast<std::int64_t>(max_rows)});
        if (!upto) return 0;
        auto add = c.prepare(
            "INSERT INTO logs_fts (rowid, decky, service, attacker_ip, raw_line) "
            "SELECT id, decky, service, attacker_ip, raw_line FROM logs "
            "WHERE id > ?1 AND id <= ?2");
        add->bind(1, last);
        add->bind(2, *upto);
        add->step();
        const auto added = static_cast<std::size_t>(c.changes());
        auto progress = c.prepare("UPDATE logs_fts_progress SET last_id = ?1");
        progress->bind(1, *upto);
        progress->step();
        return added;
    });
}

bool SqliteRepository::merge_search_index(int pages) {
    if (!has_search_index_) return false;
    std::lock_guard lock(write_mutex_);  // lowest priority, as index_pending_search
    Connection& c = *writer_;
    if (!search_automerge_off_) {
        // FTS5 merges its segments inside the transaction that added one: with a big index
        // that held the write lock — and every batch of the ingester — for up to a second
        // (sse_latency_bench). The merging is done here instead, a few pages per lock hold.
        // Its crisis merge (16 segments on a level) still bounds the segments if this
        // falls behind.
        c.exec("INSERT INTO logs_fts (logs_fts, rank) VALUES ('automerge', 0)");
        search_automerge_off_ = true;
    }
    const auto before = sqlite3_total_changes(c.handle());
    auto merge = c.prepare("INSERT INTO logs_fts (logs_fts, rank) VALUES ('merge', ?1)");
    merge->bind(1, static_cast<std::int64_t>(pages));
    merge->step();
    // FTS5: a change count below two means there was nothing left to merge.
    return sqlite3_total_changes(c.handle()) - before >= 2;
}

std::int64_t SqliteRepository::search_index_backlog() {
    if (!has_search_index_) return 0;
    return read([&](Connection& c) {
        return c
            .query_int64(
                "SELECT MAX(0, IFNULL((SELECT MAX(id) FROM logs), 0) - "
                "(SELECT last_id FROM logs_fts_progress))")
            .value_or(0);
    });
}

// --- reads ---

std::vector<LogRecord> SqliteRepository::logs(const LogFilter& filter, int limit, int offset) {
    limit = clamp_limit(limit);
    if (limit == 0) return {};
    return read([&](Connection& c) {
        const auto query =
            sqlite::plan_search(c, filter, has_search_index_, options_.page_candidate_limit);
        Where where;
        sqlite::add_log_filter(where, filter, query.terms, query.index_match);
        std::string sql = std::string(kSelectLogs) + where.sql();
        sql += " ORDER BY timestamp DESC, id DESC LIMIT " + where.bind(std::int64_t{limit});
        sql += " OFFSET " + where.bind(std::int64_t{std::max(offset, 0)});
        return fetch<LogRecord>(c, sql, where.params(), read_log);
    });
}

std::int64_t SqliteRepository::count_logs(const LogFilter& filter) {
    return read([&](Connection& c) {
        const auto query =
            sqlite::plan_search(c, filter, has_search_index_, options_.count_candidate_limit);
        if (const auto counted = sqlite::counted_logs(c, filter, query.terms)) return *counted;
        Where where;
        sqlite::add_log_filter(where, filter, query.terms, query.index_match);
        return c.query_int64("SELECT COUNT(*) FROM logs" + where.sql(), where.params()).value_or(0);
    });
}

std::vector<LogRecord> SqliteRepository::logs_after_id(std::int64_t after_id,
                                                       const LogFilter& filter, int limit) {
    limit = clamp_limit(limit);
    if (limit == 0) return {};
    return read([&](Connection& c) {
        const auto query =
            sqlite::plan_search(c, filter, has_search_index_, options_.page_candidate_limit);
        Where where;
        where.require("id > " + where.bind(after_id));
        sqlite::add_log_filter(where, filter, query.terms, query.index_match);
        std::string sql = std::string(kSelectLogs) + where.sql();
        sql += " ORDER BY id ASC LIMIT " + where.bind(std::int64_t{limit});
        return fetch<LogRecord>(c, sql, where.params(), read_log);
    });
}

std::int64_t SqliteRepository::max_log_id() {
    return read(
        [&](Connection& c) { return c.query_int64("SELECT MAX(id) FROM logs").value_or(0); });
}

// §6.3: epoch-aligned buckets of the UTC Unix time, ascending, empty buckets omitted.
std::vector<HistogramBucket> SqliteRepository::histogram(const LogFilter& filter,
                                                         int interval_minutes) {
    const std::int64_t bucket_seconds = std::int64_t{std::max(interval_minutes, 1)} * 60;
    return read([&](Connection& c) {
        const auto query =
            sqlite::plan_search(c, filter, has_search_index_, options_.count_candidate_limit);
        return sqlite::log_histogram(c, filter, query.terms, query.index_match, bucket_seconds);
    });
}

LogStats SqliteRepository::log_stats() {
    return read([&](Connection& c) {
        sqlite::ReadSnapshot snapshot(c);  // both numbers from the same moment
        LogStats stats;
        stats.total_logs = sqlite::total_logs(c);
        stats.unique_attackers = sqlite::distinct_attackers(c);
        return stats;
    });
}

std::vector<BountyRecord> SqliteRepository::bounties(const BountyFilter& filter, int limit,
                                                     int offset) {
    limit = clamp_limit(limit);
    if (limit == 0) return {};
    return read([&](Connection& c) {
        Where where;
        add_bounty_filter(where, filter);
        std::string sql = std::string(kSelectBounties) + where.sql();
        // One attacker's rows are few: found through ix_bounty_dedup, then sorted. The unary
        // + keeps the planner from walking ix_bounty_bounty_type (type, timestamp) through
        // every attacker's rows to spare that sort, which made the profiler's per-attacker
        // read O(table) (bench/intel).
        sql += filter.attacker_ip ? " ORDER BY +timestamp DESC, id DESC LIMIT "
                                  : " ORDER BY timestamp DESC, id DESC LIMIT ";
        sql += where.bind(std::int64_t{limit});
        sql += " OFFSET " + where.bind(std::int64_t{std::max(offset, 0)});
        return fetch<BountyRecord>(c, sql, where.params(), read_bounty);
    });
}

std::int64_t SqliteRepository::count_bounties(const BountyFilter& filter) {
    return read([&](Connection& c) {
        Where where;
        add_bounty_filter(where, filter);
        return c.query_int64("SELECT COUNT(*) FROM bounty" + where.sql(), where.params())
            .value_or(0);
    });
}

std::int64_t SqliteRepository::count_dead_letters() {
    return read([&](Connection& c) {
        return c.query_int64("SELECT COUNT(*) FROM dead_letters").value_or(0);
    });
}

// --- attacker profiles ---

std::vector<AttackerRecord> SqliteRepository::attackers(const AttackerFilter& filter,
                                                        AttackerSort sort, int limit, int offset) {
    return read(
        [&](Connection& c) { return sqlite::select_attackers(c, filter, sort, limit, offset); });
}

std::int64_t SqliteRepository::count_attackers(const AttackerFilter& filter) {
    return read([&](Connection& c) { return sqlite::count_attackers(c, filter); });
}

std::optional<AttackerRecord> SqliteRepository::attacker(const std::string& uuid) {
    return read([&](Connection& c) { return sqlite::select_attacker(c, uuid); });
}

std::optional<AttackerRecord> SqliteRepository::attacker_by_ip(const std::string& ip) {
    return read([&](Connection& c) { return sqlite::select_attacker_by_ip(c, ip); });
}

std::vector<std::pair<std::string, AttackerBehaviorRecord>>
SqliteRepository::attacker_behaviors_by_ip(const std::vector<std::string>& ips) {
    if (ips.empty()) return {};
    return read([&](Connection& c) { return sqlite::select_behaviors_by_ip(c, ips); });
}

std::optional<AttackerBehaviorRecord> SqliteRepository::attacker_behavior(const std::string& uuid) {
    return read([&](Connection& c) { return sqlite::select_behavior(c, uuid); });
}

std::optional<std::string> SqliteRepository::attacker_commands(const std::string& uuid) {
    return read([&](Connection& c) { return sqlite::select_attacker_commands(c, uuid); });
}

void SqliteRepository::upsert_attacker(const AttackerRecord& attacker,
                                       const std::optional<AttackerBehaviorRecord>& behavior) {
    write([&](Connection& c) { sqlite::upsert_attacker(c, attacker, behavior); });
}

// --- identities ---

std::vector<BountyRecord> SqliteRepository::bounties_after_id(std::int64_t after_id, int limit) {
    return read(
        [&](Connection& c) { return sqlite::select_bounties_after_id(c, after_id, limit); });
}

void SqliteRepository::replace_identities(const std::vector<IdentityRecord>& identities) {
    write([&](Connection& c) { sqlite::replace_identities(c, identities); });
}

std::vector<IdentityRecord> SqliteRepository::identities(int limit, int offset) {
    return read([&](Connection& c) { return sqlite::select_identities(c, limit, offset); });
}

std::int64_t SqliteRepository::count_identities() {
    return read([&](Connection& c) { return sqlite::count_identities(c); });
}

std::optional<IdentityRecord> SqliteRepository::identity(const std::string& id) {
    return read([&](Connection& c) { return sqlite::select_identity(c, id); });
}

std::vector<std::pair<std::string, std::string>> SqliteRepository::identity_ids_by_ip(
    const std::vector<std::string>& ips) {
    if (ips.empty()) return {};
    return read([&](Connection& c) { return sqlite::select_identity_ids_by_ip(c, ips); });
}

// --- users ---

std::optional<UserRecord> SqliteRepository::get_user_by_username(const std::string& username) {
    return read([&](Connection& c) { return sqlite::select_user_by_username(c, username); });
}

std::optional<UserRecord> SqliteRepository::get_user_by_uuid(const std::string& uuid) {
    return read([&](Connection& c) { return sqlite::select_user_by_uuid(c, uuid); });
}

std::vector<UserRecord> SqliteRepository::list_users() {
    return read([&](Connection& c) { return sqlite::select_users(c); });
}

bool SqliteRepository::create_user(const UserRecord& user) {
    return write([&](Connection& c) { return sqlite::insert_user(c, user); });
}

bool SqliteRepository::update_password(const std::string& uuid, const std::string& password_hash,
                                       bool must_change_password) {
    return write([&](Connection& c) {
        return sqlite::update_user_password(c, uuid, password_hash, must_change_password);
    });
}

bool SqliteRepository::update_role(const std::string& uuid, const std::string& role) {
    return write([&](Connection& c) { return sqlite::update_user_role(c, uuid, role); });
}

bool SqliteRepository::delete_user(const std::string& uuid) {
    return write([&](Connection& c) { return sqlite::delete_user(c, uuid); });
}

PurgeCounts SqliteRepository::purge_data() {
    return write([&](Connection& c) { return sqlite::purge_data(c); });
}

std::optional<std::string> SqliteRepository::get_state(const std::string& key) {
    return read([&](Connection& c) -> std::optional<std::string> {
        auto statement = c.prepare("SELECT value FROM state WHERE key = ?1");
        statement->bind(1, std::string_view(key));
        if (!statement->step()) return std::nullopt;
        return statement->column_text(0);
    });
}

std::optional<std::uint64_t> SqliteRepository::data_version() {
    // A commit of another process shows within kVersionPoll; one of ours at once. Serving
    // an older label for a newer body is harmless (the body is at least as new as the
    // label, which is what the response cache needs).
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    const auto polled = version_polled_.load(std::memory_order_acquire);
    const auto writes = writes_done_.load(std::memory_order_acquire);
    if (polled != 0 && now - polled < kVersionPoll.count() &&
        version_writes_.load(std::memory_order_acquire) == writes)
        return version_value_.load(std::memory_order_acquire);
    std::lock_guard lock(version_mutex_);
    const auto writes_before = writes_done_.load(std::memory_order_acquire);
    const auto value =
        static_cast<std::uint64_t>(version_reader_->query_int64("PRAGMA data_version").value_or(0));
    version_value_.store(value, std::memory_order_release);
    version_writes_.store(writes_before, std::memory_order_release);
    version_polled_.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                          std::memory_order_release);
    return value;
}

}  // namespace decnet::store
