// Connection and Statement: thin, exception-safe ownership of sqlite3 / sqlite3_stmt.
#include "store/sqlite/statement.hpp"

#include <sqlite3.h>

#include <cstdlib>
#include <limits>

#include "core/text.hpp"
#include "store/repository.hpp"
#include "store/sqlite/memory.hpp"

namespace decnet::store::sqlite {
namespace {

// Past this many distinct statements a connection drops its cache (see prepare()).
constexpr std::size_t kStatementCacheLimit = 128;

int checked_length(std::string_view text) {
    if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw StoreError("sqlite: value too large to bind");
    return static_cast<int>(text.size());
}

// Allocation statistics take a process-wide mutex on every SQLite malloc, so they are off
// unless asked for (memory_used()). Decided once, before SQLite initialises (a later
// sqlite3_config fails harmlessly).
bool memory_statistics() {
    static const bool on = [] {
        const char* asked = std::getenv("DECNET_SQLITE_MEMSTATUS");
        const bool wanted = asked != nullptr && iequals(asked, "true");
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, wanted ? 1 : 0);
        return wanted;
    }();
    return on;
}

}  // namespace

void throw_error(sqlite3* db, std::string_view context) {
    const char* message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    throw StoreError("sqlite: " + std::string(context) + ": " + message);
}

// --- Statement ---

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
    // PERSISTENT: these statements live for the connection's lifetime in its cache.
    const int rc = sqlite3_prepare_v3(db, sql.data(), checked_length(sql),
                                      SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt_);
        throw_error(db, "prepare");
    }
    if (stmt_ == nullptr) throw StoreError("sqlite: prepare: empty statement");
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

void Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) throw_error(db_, "bind");
}

void Statement::bind(int index, std::string_view text) {
    // TRANSIENT (copy) keeps lifetimes simple; the copy is noise next to a b-tree insert.
    if (sqlite3_bind_text(stmt_, index, text.data(), checked_length(text), SQLITE_TRANSIENT) !=
        SQLITE_OK)
        throw_error(db_, "bind");
}

void Statement::bind(int index, const std::optional<std::string>& text) {
    if (text)
        bind(index, std::string_view(*text));
    else
        bind_null(index);
}

void Statement::bind_view(int index, std::string_view text) {
    if (sqlite3_bind_text(stmt_, index, text.data(), checked_length(text), SQLITE_STATIC) !=
        SQLITE_OK)
        throw_error(db_, "bind");
}

void Statement::bind_view(int index, const std::optional<std::string>& text) {
    if (text)
        bind_view(index, std::string_view(*text));
    else
        bind_null(index);
}

void Statement::bind_null(int index) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) throw_error(db_, "bind");
}

void Statement::bind(int index, const Param& value) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>)
                bind_null(index);
            else if constexpr (std::is_same_v<T, std::string>)
                bind(index, std::string_view(v));
            else
                bind(index, v);
        },
        value);
}

void Statement::bind_all(const std::vector<Param>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) bind(static_cast<int>(i + 1), params[i]);
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_error(db_, "step");
}

void Statement::reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string Statement::column_text(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    const int size = sqlite3_column_bytes(stmt_, column);
    return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

std::optional<std::string> Statement::column_optional_text(int column) const {
    if (column_is_null(column)) return std::nullopt;
    return column_text(column);
}

bool Statement::column_is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// --- Connection ---

Connection::Connection(const std::string& path) {
    memory_statistics();
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw StoreError("sqlite: cannot open " + path + ": " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
    cache_.clear();  // statements must be finalized before the handle closes
    sqlite3_close(db_);
}

void Connection::exec(std::string_view sql) {
    const std::string text(sql);
    char* message = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string detail = message != nullptr ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        throw StoreError("sqlite: exec: " + detail);
    }
}

StatementLease Connection::prepare(const std::string& sql) {
    auto found = cache_.find(sql);
    if (found == cache_.end()) {
        // Evicting under a live lease would free a statement still in use.
        if (cache_.size() >= kStatementCacheLimit && leases_ == 0) cache_.clear();
        found = cache_.emplace(sql, std::make_unique<Statement>(db_, sql)).first;
    }
    return StatementLease(*found->second, leases_);
}

std::optional<std::int64_t> Connection::query_int64(const std::string& sql,
                                                    const std::vector<Param>& params) {
    auto statement = prepare(sql);
    statement->bind_all(params);
    if (!statement->step() || statement->column_is_null(0)) return std::nullopt;
    return statement->column_int64(0);
}

std::optional<std::string> Connection::query_text(const std::string& sql,
                                                  const std::vector<Param>& params) {
    auto statement = prepare(sql);
    statement->bind_all(params);
    if (!statement->step() || statement->column_is_null(0)) return std::nullopt;
    return statement->column_text(0);
}

std::int64_t Connection::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

std::int64_t Connection::changes() const {
    return sqlite3_changes64(db_);
}

std::optional<std::int64_t> memory_used() {
    if (!memory_statistics()) return std::nullopt;
    return sqlite3_memory_used();
}

}  // namespace decnet::store::sqlite
