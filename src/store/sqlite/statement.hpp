// RAII wrappers for the SQLite C API: Connection (one sqlite3 handle plus its cache of
// prepared statements) and Statement (one sqlite3_stmt). Failures throw StoreError.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace decnet::store::sqlite {

// A value bound to a `?` placeholder. Text is copied by SQLite at bind time, so the
// caller's strings need not outlive the bind.
using Param = std::variant<std::nullptr_t, std::int64_t, std::string>;

class Statement {
  public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Placeholders are numbered from 1, as in sqlite3_bind_*.
    void bind(int index, std::int64_t value);
    void bind(int index, std::string_view text);
    void bind(int index, const std::optional<std::string>& text);
    // Without the copy, for the ingest hot path: `text` must stay valid and unchanged
    // until the statement is reset.
    void bind_view(int index, std::string_view text);
    void bind_view(int index, const std::optional<std::string>& text);
    void bind_null(int index);
    void bind(int index, const Param& value);
    // Binds params[i] to placeholder i + 1.
    void bind_all(const std::vector<Param>& params);

    // Advances to the next row: true when a row is available, false when done.
    bool step();
    // Ends the current execution (releasing its read snapshot) and clears the bindings.
    void reset() noexcept;

    std::int64_t column_int64(int column) const;
    std::string column_text(int column) const;  // NULL reads as ""
    std::optional<std::string> column_optional_text(int column) const;
    bool column_is_null(int column) const;

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// Hands out a cached statement and resets it when the scope ends, so an exception or an
// early return never leaves a read transaction open on the connection.
class StatementLease {
  public:
    StatementLease(Statement& statement, int& outstanding)
        : statement_(&statement), outstanding_(&outstanding) {
        ++*outstanding_;
    }
    ~StatementLease() {
        statement_->reset();
        --*outstanding_;
    }
    StatementLease(const StatementLease&) = delete;
    StatementLease& operator=(const StatementLease&) = delete;

    Statement* operator->() const { return statement_; }
    Statement& operator*() const { return *statement_; }

  private:
    Statement* statement_;
    int* outstanding_;  // the connection's count of live leases (guards cache eviction)
};

class Connection {
  public:
    // Opens (creating if needed) `path` read-write; the handle is used by one thread at a
    // time (the callers serialise access), so SQLite's own mutex is off.
    explicit Connection(const std::string& path);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs one or more statements without results (DDL, pragmas, BEGIN/COMMIT).
    void exec(std::string_view sql);
    // A prepared statement for `sql`, compiled once per connection. The cache is bounded:
    // search filters produce a few dozen shapes, so past the bound it simply starts over.
    StatementLease prepare(const std::string& sql);
    // Convenience for single-value queries; nullopt when no row or a NULL value.
    std::optional<std::int64_t> query_int64(const std::string& sql,
                                            const std::vector<Param>& params = {});
    std::optional<std::string> query_text(const std::string& sql,
                                          const std::vector<Param>& params = {});

    std::int64_t last_insert_rowid() const;
    // Rows changed by the last INSERT/UPDATE/DELETE.
    std::int64_t changes() const;
    sqlite3* handle() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
    std::map<std::string, std::unique_ptr<Statement>, std::less<>> cache_;
    int leases_ = 0;
};

// A read transaction for the scope: the statements inside see one snapshot (WAL).
class ReadSnapshot {
  public:
    explicit ReadSnapshot(Connection& connection) : connection_(connection) {
        connection_.exec("BEGIN");
    }
    ~ReadSnapshot() {
        try {
            connection_.exec("COMMIT");  // nothing written: just ends the snapshot
        } catch (...) {
            try {
                connection_.exec("ROLLBACK");
            } catch (...) {
                // Nothing was written; a failed end leaves nothing to repair.
            }
        }
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  private:
    Connection& connection_;
};

// "sqlite: <context>: <sqlite message>" as a StoreError.
[[noreturn]] void throw_error(sqlite3* db, std::string_view context);

// Runs `body` inside BEGIN IMMEDIATE … COMMIT on `connection`, rolling back when it throws.
template <class Body>
decltype(auto) in_transaction(Connection& connection, Body&& body) {
    connection.exec("BEGIN IMMEDIATE");
    try {
        if constexpr (std::is_void_v<decltype(body())>) {
            body();
            connection.exec("COMMIT");
        } else {
            auto result = body();
            connection.exec("COMMIT");
            return result;
        }
    } catch (...) {
        try {
            connection.exec("ROLLBACK");
        } catch (...) {
            // The failure that got us here is the one worth reporting; SQLite may already
            // have rolled back on its own (e.g. SQLITE_FULL).
        }
        throw;
    }
}

}  // namespace decnet::store::sqlite
