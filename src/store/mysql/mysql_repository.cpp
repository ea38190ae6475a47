// MysqlRepository: writes as exactly-once transactions that survive the server going
// away, reads on a small connection pool, queries of api.md §6 with every value bound.
//
// Exactly-once writes: each write transaction first inserts a row with a fresh random
// batch id into `write_batches` (primary key). When the connection drops, the whole
// transaction is retried on a new connection. If the drop hit the COMMIT itself, its
// outcome is unknown; the retry's marker insert then settles it: it fails with a
// duplicate key exactly when the earlier COMMIT landed (InnoDB makes it wait for the
// earlier transaction's lock if that is still being resolved), and the retry stops with
// the earlier attempt's results. Nothing is lost and nothing is stored twice.
//
// Log ids: one multi-row INSERT per chunk (≤500 rows, ≤4 MiB); with
// innodb_autoinc_lock_mode 0/1 (MariaDB's default) a multi-row INSERT gets consecutive
// ids from LAST_INSERT_ID() in steps of auto_increment_increment. Under mode 2 (MySQL 8's
// default) that is not promised, so rows go one per INSERT there, each reading its own id.
#include "store/mysql/mysql_backend.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <random>

#include "store/mysql/attacker_queries.hpp"
#include "store/mysql/filters.hpp"
#include "store/mysql/identity_queries.hpp"
#include "store/mysql/schema.hpp"
#include "store/mysql/user_queries.hpp"
#include "store/payload_hash.hpp"

namespace decnet::store {
namespace mysql {
namespace {

constexpr std::size_t kMaxRowsPerInsert = 500;
// Keeps one statement well below max_allowed_packet (16 MiB on MariaDB by default).
constexpr std::size_t kMaxBytesPerInsert = 4 * 1024 * 1024;
constexpr std::size_t kLogColumns = 11;
constexpr std::uint64_t kPruneEveryWrites = 1000;

constexpr const char* kLogSelect =
    "SELECT id, `timestamp`, decky, service, event_type, attacker_ip, raw_line, `fields`, "
    "msg, trace_id, span_id, tags FROM logs";
constexpr const char* kBountySelect =
    "SELECT id, `timestamp`, decky, service, attacker_ip, bounty_type, payload FROM bounty";

// 128 random bits: a marker that collided with another batch's would make this one
// fail (never be taken as stored), but it must not happen in practice.
std::string new_batch_id() {
    thread_local std::random_device random;
    char text[33];
    std::snprintf(text, sizeof text, "%08x%08x%08x%08x", random(), random(), random(), random());
    return text;
}

std::string text_or_empty(const std::optional<std::string>& cell) {
    return cell.value_or("");
}
std::int64_t integer(const std::optional<std::string>& cell) {
    return cell ? std::stoll(*cell) : 0;
}

Param optional_param(const std::optional<std::string>& value) {
    if (value) return std::string_view(*value);
    return nullptr;
}

// --- logs ---

LogRecord to_log_record(Row& row) {
    LogRecord r;
    r.id = integer(row[0]);
    r.timestamp = text_or_empty(row[1]);
    r.decky = text_or_empty(row[2]);
    r.service = text_or_empty(row[3]);
    r.event_type = text_or_empty(row[4]);
    r.attacker_ip = text_or_empty(row[5]);
    r.raw_line = text_or_empty(row[6]);
    r.fields = text_or_empty(row[7]);
    r.msg = std::move(row[8]);
    r.trace_id = std::move(row[9]);
    r.span_id = std::move(row[10]);
    r.tags = text_or_empty(row[11]);
    return r;
}

std::vector<LogRecord> to_log_records(std::vector<Row> rows) {
    std::vector<LogRecord> records;
    records.reserve(rows.size());
    for (auto& row : rows) records.push_back(to_log_record(row));
    return records;
}

std::string log_insert_sql(std::size_t rows) {
    std::string sql =
        "INSERT INTO logs (`timestamp`, decky, service, event_type, attacker_ip, raw_line, "
        "`fields`, msg, trace_id, span_id, tags) VALUES ";
    for (std::size_t i = 0; i < rows; ++i)
        sql += i == 0 ? "(?,?,?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?,?,?)";
    return sql;
}

std::size_t row_bytes(const LogRecord& r) {
    return r.timestamp.size() + r.decky.size() + r.service.size() + r.event_type.size() +
           r.attacker_ip.size() + r.raw_line.size() + r.fields.size() +
           (r.msg ? r.msg->size() : 0) + r.tags.size() + 64;
}

// How many rows from the front of `rows` go into the next INSERT.
std::size_t next_chunk(std::span<const LogRecord> rows, std::size_t max_rows) {
    std::size_t n = 0, bytes = 0;
    while (n < rows.size() && n < max_rows) {
        bytes += row_bytes(rows[n]);
        if (n > 0 && bytes > kMaxBytesPerInsert) break;
        ++n;
    }
    return n;
}

void append_log_params(const LogRecord& r, const std::string& now, std::vector<Param>& params) {
    params.emplace_back(std::string_view(r.timestamp.empty() ? now : r.timestamp));
    params.emplace_back(std::string_view(r.decky));
    params.emplace_back(std::string_view(r.service));
    params.emplace_back(std::string_view(r.event_type));
    params.emplace_back(std::string_view(r.attacker_ip));
    params.emplace_back(std::string_view(r.raw_line));
    params.emplace_back(std::string_view(r.fields));
    params.emplace_back(optional_param(r.msg));
    params.emplace_back(optional_param(r.trace_id));
    params.emplace_back(optional_param(r.span_id));
    params.emplace_back(std::string_view(r.tags));
}

// Inserts all rows (inside the caller's transaction) and returns their ids in order.
std::vector<std::int64_t> insert_log_rows(Connection& c, std::span<const LogRecord> rows) {
    const std::string now = now_timestamp();
    const std::size_t max_rows = c.consecutive_auto_ids() ? kMaxRowsPerInsert : 1;
    std::vector<std::int64_t> ids;
    ids.reserve(rows.size());
    std::vector<Param> params;
    params.reserve(std::min(rows.size(), max_rows) * kLogColumns);
    while (!rows.empty()) {
        const std::size_t n = next_chunk(rows, max_rows);
        params.clear();
        for (const auto& r : rows.first(n)) append_log_params(r, now, params);
        const auto change = c.change(log_insert_sql(n), params);
        if (change.affected != n)
            throw StoreError("mysql: logs INSERT stored fewer rows than sent");
        for (std::size_t k = 0; k < n; ++k)
            ids.push_back(change.first_id + static_cast<std::int64_t>(k) * c.auto_increment_step());
        rows = rows.subspan(n);
    }
    return ids;
}

// --- bounties ---

BountyRecord to_bounty_record(Row& row) {
    BountyRecord b;
    b.id = integer(row[0]);
    b.timestamp = text_or_empty(row[1]);
    b.decky = text_or_empty(row[2]);
    b.service = text_or_empty(row[3]);
    b.attacker_ip = text_or_empty(row[4]);
    b.bounty_type = text_or_empty(row[5]);
    b.payload = text_or_empty(row[6]);
    return b;
}

// The id of the inserted row, or 0 when an equal (type, attacker, payload) row exists.
// One statement, so the check and the insert see the same snapshot.
std::int64_t insert_bounty_unless_known(Connection& c, const BountyRecord& b,
                                        const std::string& now) {
    const std::string hash = payload_hash(b.payload);
    const Param params[] = {std::string_view(b.timestamp.empty() ? now : b.timestamp),
                            std::string_view(b.decky),
                            std::string_view(b.service),
                            std::string_view(b.attacker_ip),
                            std::string_view(b.bounty_type),
                            std::string_view(b.payload),
                            std::string_view(hash),
                            std::string_view(b.bounty_type),
                            std::string_view(b.attacker_ip),
                            std::string_view(hash)};
    const auto change = c.change(
        "INSERT INTO bounty (`timestamp`, decky, service, attacker_ip, bounty_type, payload, "
        "payload_hash) SELECT ?, ?, ?, ?, ?, ?, ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM "
        "bounty WHERE bounty_type = ? AND attacker_ip = ? AND payload_hash = ?)",
        params);
    return change.affected > 0 ? change.first_id : 0;
}

// --- reads ---

std::vector<Value> with(std::vector<Value> front, const std::vector<Value>& back) {
    front.insert(front.end(), back.begin(), back.end());
    return front;
}

std::string epoch_text(std::int64_t seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    return text;
}

void rollback_quietly(Connection& c) {
    try {
        c.execute("ROLLBACK");
    } catch (const StoreError&) {
        // Nothing to undo on a dead connection: the server rolls back on disconnect.
    }
}

// Inserts the batch marker; false when it exists already (an earlier COMMIT landed).
bool record_batch(Connection& c, const std::string& batch_id, std::size_t rows) {
    const Param params[] = {std::string_view(batch_id), static_cast<std::int64_t>(rows)};
    try {
        c.change(
            "INSERT INTO write_batches (batch_id, row_count, committed_at) "
            "VALUES (?, ?, UTC_TIMESTAMP(6))",
            params);
        return true;
    } catch (const MysqlError& e) {
        if (e.code() == kErDupEntry) return false;
        throw;
    }
}

}  // namespace

MysqlRepository::MysqlRepository(const MysqlConfig& config) : pool_(config) {}

void MysqlRepository::migrate() {
    pool_.write([](Connection& c) { migrate_schema(c); });
}

void MysqlRepository::set_fault_injector(std::function<void(WritePhase)> injector) {
    fault_injector_ = std::move(injector);
}

void MysqlRepository::inject(WritePhase phase) {
    if (fault_injector_) fault_injector_(phase);
}

// Runs `body(Connection&)` in one transaction, exactly once (see the top of this file),
// and returns the result of the attempt that committed.
template <class Body>
auto MysqlRepository::write_once(std::size_t row_count, Body&& body)
    -> std::invoke_result_t<Body&, Connection&> {
    using Result = std::invoke_result_t<Body&, Connection&>;
    // Counted however the write ends: a failed or doubtful commit may still have landed.
    struct Counted {
        std::atomic<std::uint64_t>& commits;
        ~Counted() { ++commits; }
    } counted{commits_};
    const std::string batch_id = new_batch_id();
    std::optional<Result> sent;  // the result of the last attempt that sent COMMIT
    auto committed = pool_.write([&](Connection& c) -> Result {
        c.execute("START TRANSACTION");
        try {
            if (!record_batch(c, batch_id, row_count)) {
                rollback_quietly(c);
                if (!sent) throw StoreError("mysql: write batch " + batch_id + " recorded twice");
                return *sent;
            }
            Result result = body(c);
            inject(WritePhase::before_commit);
            sent = result;
            c.execute("COMMIT");
            inject(WritePhase::after_commit);
            return result;
        } catch (const MysqlError& e) {
            if (!e.transient()) rollback_quietly(c);
            throw;
        } catch (...) {
            rollback_quietly(c);
            throw;
        }
    });
    if (++write_count_ % kPruneEveryWrites == 0) prune_write_batches();
    return committed;
}

// Markers only matter for the seconds a retry can take; a day of them is plenty.
void MysqlRepository::prune_write_batches() {
    try {
        pool_.write([](Connection& c) {
            c.execute(
                "DELETE FROM write_batches WHERE committed_at < UTC_TIMESTAMP(6) - INTERVAL 1 DAY");
        });
    } catch (const StoreError& e) {
        spdlog::warn("mysql: pruning write_batches failed: {}", e.what());
    }
}

void MysqlRepository::insert_logs(std::span<LogRecord> rows) {
    if (rows.empty()) return;
    const auto ids =
        write_once(rows.size(), [&](Connection& c) { return insert_log_rows(c, rows); });
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].id = ids[i];
}

std::size_t MysqlRepository::insert_bounties(std::span<BountyRecord> rows) {
    if (rows.empty()) return 0;
    const auto ids = write_once(rows.size(), [&](Connection& c) {
        const std::string now = now_timestamp();
        std::vector<std::int64_t> ids;
        for (const auto& b : rows) ids.push_back(insert_bounty_unless_known(c, b, now));
        return ids;
    });
    std::size_t inserted = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        rows[i].id = ids[i];
        inserted += ids[i] != 0;
    }
    return inserted;
}

void MysqlRepository::insert_dead_letter(const DeadLetter& row) {
    write_once(1, [&](Connection& c) {
        const std::string now = row.received_at.empty() ? now_timestamp() : row.received_at;
        const Param params[] = {std::string_view(now), std::string_view(row.source),
                                std::string_view(row.reason), std::string_view(row.payload)};
        c.change(
            "INSERT INTO dead_letters (received_at, source, reason, payload) VALUES (?, ?, ?, ?)",
            params);
        return 0;
    });
}

std::vector<LogRecord> MysqlRepository::logs(const LogFilter& filter, int limit, int offset) {
    if (limit <= 0) return {};
    const auto where = log_where(filter);
    const auto values =
        with(where.params, {std::int64_t{limit}, std::int64_t{std::max(offset, 0)}});
    const auto sql = std::string(kLogSelect) + where.sql +
                     " ORDER BY `timestamp` DESC, id DESC LIMIT ? OFFSET ?";
    return to_log_records(pool_.read([&](Connection& c) { return c.query(sql, borrow(values)); }));
}

std::int64_t MysqlRepository::count_logs(const LogFilter& filter) {
    const auto where = log_where(filter);
    const auto sql = "SELECT COUNT(*) FROM logs" + where.sql;
    return pool_.read([&](Connection& c) { return c.count(sql, borrow(where.params)); });
}

std::vector<LogRecord> MysqlRepository::logs_after_id(std::int64_t after_id,
                                                      const LogFilter& filter, int limit) {
    if (limit <= 0) return {};
    auto where = log_where(filter);
    where.add("id > ?", {after_id});
    const auto values = with(where.params, {std::int64_t{limit}});
    const auto sql = std::string(kLogSelect) + where.sql + " ORDER BY id ASC LIMIT ?";
    return to_log_records(pool_.read([&](Connection& c) { return c.query(sql, borrow(values)); }));
}

std::int64_t MysqlRepository::max_log_id() {
    return pool_.read(
        [](Connection& c) { return c.count("SELECT COALESCE(MAX(id), 0) FROM logs"); });
}

// Buckets aligned to the Unix epoch (api.md §6.3). TIMESTAMPDIFF from the epoch reads the
// stored wall-clock value as UTC without UNIX_TIMESTAMP's session time zone and its
// 2038 limit; the bucket start is rendered here.
std::vector<HistogramBucket> MysqlRepository::histogram(const LogFilter& filter,
                                                        int interval_minutes) {
    const std::int64_t seconds = std::int64_t{std::max(interval_minutes, 1)} * 60;
    const auto where = log_where(filter);
    const auto values = with({seconds, seconds}, where.params);
    const auto sql =
        "SELECT FLOOR(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', `timestamp`) / ?) * ? "
        "AS bucket, COUNT(*) FROM logs" +
        where.sql + " GROUP BY bucket ORDER BY bucket";
    const auto rows = pool_.read([&](Connection& c) { return c.query(sql, borrow(values)); });
    std::vector<HistogramBucket> buckets;
    buckets.reserve(rows.size());
    for (const auto& row : rows)
        if (row[0]) buckets.push_back({epoch_text(std::stoll(*row[0])), integer(row[1])});
    return buckets;
}

LogStats MysqlRepository::log_stats() {
    const auto rows = pool_.read([](Connection& c) {
        return c.query("SELECT COUNT(*), COUNT(DISTINCT attacker_ip) FROM logs");
    });
    return {integer(rows.at(0).at(0)), integer(rows.at(0).at(1))};
}

std::vector<BountyRecord> MysqlRepository::bounties(const BountyFilter& filter, int limit,
                                                    int offset) {
    if (limit <= 0) return {};
    const auto where = bounty_where(filter);
    const auto values =
        with(where.params, {std::int64_t{limit}, std::int64_t{std::max(offset, 0)}});
    const auto sql = std::string(kBountySelect) + where.sql +
                     " ORDER BY `timestamp` DESC, id DESC LIMIT ? OFFSET ?";
    auto rows = pool_.read([&](Connection& c) { return c.query(sql, borrow(values)); });
    std::vector<BountyRecord> records;
    records.reserve(rows.size());
    for (auto& row : rows) records.push_back(to_bounty_record(row));
    return records;
}

std::int64_t MysqlRepository::count_bounties(const BountyFilter& filter) {
    const auto where = bounty_where(filter);
    const auto sql = "SELECT COUNT(*) FROM bounty" + where.sql;
    return pool_.read([&](Connection& c) { return c.count(sql, borrow(where.params)); });
}

std::int64_t MysqlRepository::count_dead_letters() {
    return pool_.read([](Connection& c) { return c.count("SELECT COUNT(*) FROM dead_letters"); });
}

// --- attacker profiles ---

std::vector<AttackerRecord> MysqlRepository::attackers(const AttackerFilter& filter,
                                                       AttackerSort sort, int limit, int offset) {
    return pool_.read(
        [&](Connection& c) { return select_attackers(c, filter, sort, limit, offset); });
}

std::int64_t MysqlRepository::count_attackers(const AttackerFilter& filter) {
    return pool_.read([&](Connection& c) { return mysql::count_attackers(c, filter); });
}

std::optional<AttackerRecord> MysqlRepository::attacker(const std::string& uuid) {
    return pool_.read([&](Connection& c) { return select_attacker(c, uuid); });
}

std::optional<AttackerRecord> MysqlRepository::attacker_by_ip(const std::string& ip) {
    return pool_.read([&](Connection& c) { return select_attacker_by_ip(c, ip); });
}

std::vector<std::pair<std::string, AttackerBehaviorRecord>>
MysqlRepository::attacker_behaviors_by_ip(const std::vector<std::string>& ips) {
    if (ips.empty()) return {};
    return pool_.read([&](Connection& c) { return select_behaviors_by_ip(c, ips); });
}

std::optional<AttackerBehaviorRecord> MysqlRepository::attacker_behavior(const std::string& uuid) {
    return pool_.read([&](Connection& c) { return select_behavior(c, uuid); });
}

std::optional<std::string> MysqlRepository::attacker_commands(const std::string& uuid) {
    return pool_.read([&](Connection& c) { return select_attacker_commands(c, uuid); });
}

void MysqlRepository::upsert_attacker(const AttackerRecord& attacker,
                                      const std::optional<AttackerBehaviorRecord>& behavior) {
    write_once(1, [&](Connection& c) {
        upsert_attacker_rows(c, attacker, behavior);
        return 0;
    });
}

// --- identities ---

std::vector<BountyRecord> MysqlRepository::bounties_after_id(std::int64_t after_id, int limit) {
    return pool_.read([&](Connection& c) { return select_bounties_after_id(c, after_id, limit); });
}

void MysqlRepository::replace_identities(const std::vector<IdentityRecord>& identities) {
    write_once(identities.size(), [&](Connection& c) {
        replace_identity_rows(c, identities);
        return 0;
    });
}

std::vector<IdentityRecord> MysqlRepository::identities(int limit, int offset) {
    return pool_.read([&](Connection& c) { return select_identities(c, limit, offset); });
}

std::int64_t MysqlRepository::count_identities() {
    return pool_.read([](Connection& c) { return mysql::count_identities(c); });
}

std::optional<IdentityRecord> MysqlRepository::identity(const std::string& id) {
    return pool_.read([&](Connection& c) { return select_identity(c, id); });
}

std::vector<std::pair<std::string, std::string>> MysqlRepository::identity_ids_by_ip(
    const std::vector<std::string>& ips) {
    if (ips.empty()) return {};
    return pool_.read([&](Connection& c) { return select_identity_ids_by_ip(c, ips); });
}

// --- users: writes go through write_once, so a COMMIT lost to a dropped connection is
// neither lost nor applied twice ---

std::optional<UserRecord> MysqlRepository::get_user_by_username(const std::string& username) {
    return pool_.read([&](Connection& c) { return select_user_by_username(c, username); });
}

std::optional<UserRecord> MysqlRepository::get_user_by_uuid(const std::string& uuid) {
    return pool_.read([&](Connection& c) { return select_user_by_uuid(c, uuid); });
}

std::vector<UserRecord> MysqlRepository::list_users() {
    return pool_.read([](Connection& c) { return select_users(c); });
}

bool MysqlRepository::create_user(const UserRecord& user) {
    return write_once(1, [&](Connection& c) { return insert_user(c, user); });
}

bool MysqlRepository::update_password(const std::string& uuid, const std::string& password_hash,
                                      bool must_change_password) {
    return write_once(1, [&](Connection& c) {
        return update_user_password(c, uuid, password_hash, must_change_password);
    });
}

bool MysqlRepository::update_role(const std::string& uuid, const std::string& role) {
    return write_once(1, [&](Connection& c) { return update_user_role(c, uuid, role); });
}

bool MysqlRepository::delete_user(const std::string& uuid) {
    return write_once(1, [&](Connection& c) { return mysql::delete_user(c, uuid); });
}

PurgeCounts MysqlRepository::purge_data() {
    return write_once(0, [&](Connection& c) { return mysql::purge_data(c); });
}

std::optional<std::string> MysqlRepository::get_state(const std::string& key) {
    const Param params[] = {std::string_view(key)};
    return pool_.read(
        [&](Connection& c) { return c.scalar("SELECT value FROM state WHERE `key` = ?", params); });
}

// An upsert is idempotent, so a plain retry after a lost connection is already safe.
void MysqlRepository::set_state(const std::string& key, const std::string& json) {
    struct Counted {
        std::atomic<std::uint64_t>& commits;
        ~Counted() { ++commits; }
    } counted{commits_};
    const Param params[] = {std::string_view(key), std::string_view(json)};
    pool_.write([&](Connection& c) {
        c.change(
            "INSERT INTO state (`key`, value) VALUES (?, ?) "
            "ON DUPLICATE KEY UPDATE value = VALUES(value)",
            params);
    });
}

}  // namespace mysql

std::unique_ptr<Repository> open_mysql(const MysqlConfig& config) {
    auto repository = std::make_unique<mysql::MysqlRepository>(config);
    repository->migrate();
    return repository;
}

std::optional<std::uint64_t> mysql::MysqlRepository::data_version() {
    // Other clients' commits are invisible here: the clock step bounds how long a cached
    // answer can miss them. Both parts only grow, so the version does too.
    constexpr auto kExternalWriteWindow = std::chrono::seconds(1);
    const auto steps = static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch() / kExternalWriteWindow);
    return (commits_.load() << 32) + steps;
}

}  // namespace decnet::store
