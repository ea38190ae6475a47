// One MariaDB Connector/C connection: session set-up, prepared statements (cached per
// connection, every value bound) and the classification of errors into "the server went
// away, reconnect and retry" versus real failures. Private to the MySQL backend.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/mysql/mysql_repository.hpp"

struct st_mysql;  // MYSQL, kept out of this header so <mysql.h> stays in the .cpp files

namespace decnet::store::mysql {

// A bound value: SQL NULL, an integer or text (borrowed; must outlive the execution).
using Param = std::variant<std::nullptr_t, std::int64_t, std::string_view>;
// The owning counterpart, for parameters built up before execution (filters).
using Value = std::variant<std::nullptr_t, std::int64_t, std::string>;

std::vector<Param> borrow(const std::vector<Value>& values);

// A result cell as text (integers in decimal, DATETIME as "YYYY-MM-DD HH:MM:SS.ffffff");
// nullopt is SQL NULL.
using Row = std::vector<std::optional<std::string>>;

// A server or client error with its MySQL error number.
class MysqlError : public StoreError {
  public:
    MysqlError(unsigned code, const std::string& message);
    unsigned code() const { return code_; }
    // The connection is lost or the transaction was aborted by the server (gone away,
    // killed, shutting down, deadlock): reconnect and run the whole transaction again.
    bool transient() const;

  private:
    unsigned code_;
};

constexpr unsigned kErDupEntry = 1062;

class Statement;

class Connection {
  public:
    // Connects and prepares the session (utf8mb4, time_zone +00:00, strict sql_mode).
    // Throws MysqlError (transient when the server is unreachable).
    explicit Connection(const MysqlConfig& config);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // A statement without parameters over the text protocol (DDL, transaction control).
    void execute(std::string_view sql);
    // A prepared statement returning rows.
    std::vector<Row> query(const std::string& sql, std::span<const Param> params = {});
    // A prepared statement changing rows: the affected-row count and the first
    // AUTO_INCREMENT value it generated (0 if none).
    struct Change {
        std::uint64_t affected = 0;
        std::int64_t first_id = 0;
    };
    Change change(const std::string& sql, std::span<const Param> params = {});

    std::optional<std::string> scalar(const std::string& sql, std::span<const Param> params = {});
    std::int64_t count(const std::string& sql, std::span<const Param> params = {});

    // With innodb_autoinc_lock_mode 0 or 1 one multi-row INSERT gets consecutive ids
    // (first_id + k × increment); mode 2 ("interleaved", MySQL 8's default) promises
    // no such thing.
    bool consecutive_auto_ids() const { return autoinc_lock_mode_ != 2; }
    std::int64_t auto_increment_step() const { return auto_increment_increment_; }

  private:
    Statement& prepared(const std::string& sql);
    [[noreturn]] void fail(std::string_view what);

    st_mysql* handle_ = nullptr;
    std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
    int autoinc_lock_mode_ = 1;
    std::int64_t auto_increment_increment_ = 1;
};

}  // namespace decnet::store::mysql
