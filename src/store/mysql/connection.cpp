// Connector/C plumbing: connect + session set-up, MYSQL_BIND marshalling of parameters
// and results, and the error classification that drives reconnect-and-retry.
#include "store/mysql/connection.hpp"

#include <mysql.h>

#include <errmsg.h>
#include <mysqld_error.h>
#include <cstdio>
#include <mutex>

namespace decnet::store::mysql {
namespace {

// A cached statement is dropped once this many distinct SQL texts were prepared on one
// connection (multi-row INSERTs differ by row count); keeps the server's per-session
// statement count bounded.
constexpr std::size_t kMaxCachedStatements = 64;
constexpr unsigned kConnectTimeoutSeconds = 5;
// Applies to every network read; a dead server is noticed much sooner (the socket closes).
constexpr unsigned kReadWriteTimeoutSeconds = 30;

void library_init_once() {
    // mysql_library_init is not thread-safe; the first mysql_init would call it implicitly.
    static std::once_flag once;
    std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

std::string format_time(const MYSQL_TIME& t) {
    char text[40];
    std::snprintf(text, sizeof text, "%04u-%02u-%02u %02u:%02u:%02u.%06lu", t.year, t.month, t.day,
                  t.hour, t.minute, t.second, t.second_part);
    return text;
}

bool is_time_type(enum_field_types type) {
    return type == MYSQL_TYPE_DATETIME || type == MYSQL_TYPE_TIMESTAMP || type == MYSQL_TYPE_DATE;
}

bool is_integer_type(enum_field_types type) {
    return type == MYSQL_TYPE_TINY || type == MYSQL_TYPE_SHORT || type == MYSQL_TYPE_LONG ||
           type == MYSQL_TYPE_INT24 || type == MYSQL_TYPE_LONGLONG || type == MYSQL_TYPE_YEAR;
}

// Storage behind the MYSQL_BIND of one result column.
struct ResultColumn {
    enum_field_types type{};
    bool is_unsigned = false;
    std::vector<char> text;
    long long integer = 0;
    MYSQL_TIME time{};
    unsigned long length = 0;
    my_bool is_null = 0;
    my_bool error = 0;
};

}  // namespace

std::vector<Param> borrow(const std::vector<Value>& values) {
    std::vector<Param> params;
    params.reserve(values.size());
    for (const auto& v : values) {
        if (const auto* text = std::get_if<std::string>(&v))
            params.emplace_back(std::string_view(*text));
        else if (const auto* number = std::get_if<std::int64_t>(&v))
            params.emplace_back(*number);
        else
            params.emplace_back(nullptr);
    }
    return params;
}

MysqlError::MysqlError(unsigned code, const std::string& message)
    : StoreError("mysql error " + std::to_string(code) + ": " + message), code_(code) {}

bool MysqlError::transient() const {
    switch (code_) {
        case CR_CONNECTION_ERROR:
        case CR_CONN_HOST_ERROR:
        case CR_SERVER_GONE_ERROR:
        case CR_SERVER_LOST:
        case CR_SERVER_LOST_EXTENDED:
        case CR_COMMANDS_OUT_OF_SYNC:  // the protocol state is unknown: start afresh
        case ER_CON_COUNT_ERROR:
        case ER_SERVER_SHUTDOWN:
        case ER_NET_READ_ERROR:
        case ER_NET_READ_INTERRUPTED:
        case ER_NET_ERROR_ON_WRITE:
        case ER_NET_WRITE_INTERRUPTED:
        case ER_CONNECTION_KILLED:
        case ER_LOCK_DEADLOCK:      // InnoDB rolled the transaction back
        case ER_LOCK_WAIT_TIMEOUT:  // the statement was rolled back; redo the whole thing
        case 4031:                  // MySQL 8 ER_CLIENT_INTERACTION_TIMEOUT
            return true;
        default:
            return false;
    }
}

// One prepared statement with its parameter marshalling and result fetching.
class Statement {
  public:
    Statement(MYSQL* handle, const std::string& sql) : stmt_(mysql_stmt_init(handle)) {
        if (stmt_ == nullptr) throw MysqlError(mysql_errno(handle), mysql_error(handle));
        if (mysql_stmt_prepare(stmt_, sql.data(), sql.size()) != 0) {
            MysqlError error(mysql_stmt_errno(stmt_), mysql_stmt_error(stmt_));
            mysql_stmt_close(stmt_);
            throw error;
        }
        const my_bool update_max_length = 1;  // lets fetch size text buffers exactly
        mysql_stmt_attr_set(stmt_, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max_length);
    }
    ~Statement() { mysql_stmt_close(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    void execute(std::span<const Param> params) {
        if (params.size() != mysql_stmt_param_count(stmt_))
            throw std::logic_error("mysql: parameter count mismatch");
        std::vector<MYSQL_BIND> binds(params.size());
        std::vector<long long> integers(params.size());
        std::vector<unsigned long> lengths(params.size());
        for (std::size_t i = 0; i < params.size(); ++i)
            bind_param(params[i], binds[i], integers[i], lengths[i]);
        if (!binds.empty() && mysql_stmt_bind_param(stmt_, binds.data()) != 0) fail();
        if (mysql_stmt_execute(stmt_) != 0) fail();
    }

    Connection::Change change() const {
        return {mysql_stmt_affected_rows(stmt_),
                static_cast<std::int64_t>(mysql_stmt_insert_id(stmt_))};
    }

    std::vector<Row> fetch_all() {
        if (mysql_stmt_store_result(stmt_) != 0) fail();
        MYSQL_RES* meta = mysql_stmt_result_metadata(stmt_);
        if (meta == nullptr) return {};
        std::vector<Row> rows;
        try {
            rows = fetch_rows(meta);
        } catch (...) {
            mysql_free_result(meta);
            mysql_stmt_free_result(stmt_);
            throw;
        }
        mysql_free_result(meta);
        mysql_stmt_free_result(stmt_);
        return rows;
    }

  private:
    static void bind_param(const Param& param, MYSQL_BIND& bind, long long& integer,
                           unsigned long& length) {
        if (const auto* text = std::get_if<std::string_view>(&param)) {
            bind.buffer_type = MYSQL_TYPE_STRING;
            bind.buffer = const_cast<char*>(text->data());
            bind.buffer_length = length = text->size();
            bind.length = &length;
        } else if (const auto* number = std::get_if<std::int64_t>(&param)) {
            integer = *number;
            bind.buffer_type = MYSQL_TYPE_LONGLONG;
            bind.buffer = &integer;
        } else {
            bind.buffer_type = MYSQL_TYPE_NULL;
        }
    }

    std::vector<Row> fetch_rows(MYSQL_RES* meta) {
        const unsigned n = mysql_num_fields(meta);
        const MYSQL_FIELD* fields = mysql_fetch_fields(meta);
        std::vector<ResultColumn> columns(n);
        std::vector<MYSQL_BIND> binds(n);
        for (unsigned i = 0; i < n; ++i) bind_result(fields[i], columns[i], binds[i]);
        if (n > 0 && mysql_stmt_bind_result(stmt_, binds.data()) != 0) fail();

        std::vector<Row> rows;
        rows.reserve(mysql_stmt_num_rows(stmt_));
        for (;;) {
            const int status = mysql_stmt_fetch(stmt_);
            if (status == MYSQL_NO_DATA) break;
            if (status == 1) fail();
            Row row(n);
            for (unsigned i = 0; i < n; ++i) row[i] = cell(columns[i], binds[i], i);
            rows.push_back(std::move(row));
        }
        return rows;
    }

    static void bind_result(const MYSQL_FIELD& field, ResultColumn& column, MYSQL_BIND& bind) {
        column.type = field.type;
        column.is_unsigned = (field.flags & UNSIGNED_FLAG) != 0;
        if (is_time_type(field.type)) {
            bind.buffer_type = MYSQL_TYPE_DATETIME;
            bind.buffer = &column.time;
            bind.buffer_length = sizeof column.time;
        } else if (is_integer_type(field.type)) {
            bind.buffer_type = MYSQL_TYPE_LONGLONG;
            bind.buffer = &column.integer;
            bind.is_unsigned = column.is_unsigned;
        } else {
            column.text.resize(std::max<unsigned long>(field.max_length, 16) + 1);
            bind.buffer_type = MYSQL_TYPE_STRING;
            bind.buffer = column.text.data();
            bind.buffer_length = column.text.size();
        }
        bind.length = &column.length;
        bind.is_null = &column.is_null;
        bind.error = &column.error;
    }

    std::optional<std::string> cell(ResultColumn& column, MYSQL_BIND& bind, unsigned index) {
        if (column.is_null) return std::nullopt;
        if (bind.buffer_type == MYSQL_TYPE_DATETIME) return format_time(column.time);
        if (bind.buffer_type == MYSQL_TYPE_LONGLONG)
            return column.is_unsigned
                       ? std::to_string(static_cast<unsigned long long>(column.integer))
                       : std::to_string(column.integer);
        if (column.length <= column.text.size())
            return std::string(column.text.data(), column.length);
        // Longer than max_length promised: fetch this cell again into a buffer that fits.
        std::string text(column.length, '\0');
        MYSQL_BIND again{};
        unsigned long length = 0;
        again.buffer_type = MYSQL_TYPE_STRING;
        again.buffer = text.data();
        again.buffer_length = text.size();
        again.length = &length;
        if (mysql_stmt_fetch_column(stmt_, &again, index, 0) != 0) fail();
        return text;
    }

    [[noreturn]] void fail() { throw MysqlError(mysql_stmt_errno(stmt_), mysql_stmt_error(stmt_)); }

    MYSQL_STMT* stmt_;
};

Connection::Connection(const MysqlConfig& config) {
    library_init_once();
    handle_ = mysql_init(nullptr);
    if (handle_ == nullptr) throw MysqlError(CR_OUT_OF_MEMORY, "mysql_init failed");
    mysql_options(handle_, MYSQL_OPT_CONNECT_TIMEOUT, &kConnectTimeoutSeconds);
    mysql_options(handle_, MYSQL_OPT_READ_TIMEOUT, &kReadWriteTimeoutSeconds);
    mysql_options(handle_, MYSQL_OPT_WRITE_TIMEOUT, &kReadWriteTimeoutSeconds);
    mysql_options(handle_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    // Reconnecting behind our back would silently drop the transaction and statements.
    const my_bool no_reconnect = 0;
    mysql_options(handle_, MYSQL_OPT_RECONNECT, &no_reconnect);
    if (config.unix_socket.empty()) {
        const unsigned tcp = MYSQL_PROTOCOL_TCP;
        mysql_options(handle_, MYSQL_OPT_PROTOCOL, &tcp);
    }
    if (mysql_real_connect(handle_, config.host.c_str(), config.user.c_str(),
                           config.password.c_str(), config.database.c_str(), config.port,
                           config.unix_socket.empty() ? nullptr : config.unix_socket.c_str(),
                           0) == nullptr) {
        MysqlError error(mysql_errno(handle_), mysql_error(handle_));
        mysql_close(handle_);
        throw error;
    }
    try {
        // UTC session: NOW() and any TIMESTAMP conversion agree with the stored UTC
        // wall-clock values. Strict mode: a value that does not fit is an error (and
        // the row goes to dead_letters) rather than silently truncated.
        execute(
            "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,"
            "NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
        const auto settings =
            query("SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment");
        autoinc_lock_mode_ = std::stoi(settings.at(0).at(0).value_or("1"));
        auto_increment_increment_ = std::stoll(settings.at(0).at(1).value_or("1"));
    } catch (...) {
        statements_.clear();
        mysql_close(handle_);
        throw;
    }
}

Connection::~Connection() {
    statements_.clear();  // statements before their connection
    mysql_close(handle_);
}

void Connection::fail(std::string_view what) {
    throw MysqlError(mysql_errno(handle_), std::string(what) + ": " + mysql_error(handle_));
}

void Connection::execute(std::string_view sql) {
    if (mysql_real_query(handle_, sql.data(), sql.size()) != 0) fail(sql.substr(0, 60));
    // Drain any result so the connection stays usable (e.g. SELECT GET_LOCK by text).
    if (MYSQL_RES* result = mysql_store_result(handle_))
        mysql_free_result(result);
    else if (mysql_field_count(handle_) != 0)
        fail("store result");
}

Statement& Connection::prepared(const std::string& sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return *it->second;
    if (statements_.size() >= kMaxCachedStatements) statements_.clear();
    auto statement = std::make_unique<Statement>(handle_, sql);
    return *statements_.emplace(sql, std::move(statement)).first->second;
}

std::vector<Row> Connection::query(const std::string& sql, std::span<const Param> params) {
    auto& statement = prepared(sql);
    statement.execute(params);
    return statement.fetch_all();
}

Connection::Change Connection::change(const std::string& sql, std::span<const Param> params) {
    auto& statement = prepared(sql);
    statement.execute(params);
    return statement.change();
}

std::optional<std::string> Connection::scalar(const std::string& sql,
                                              std::span<const Param> params) {
    const auto rows = query(sql, params);
    if (rows.empty() || rows.front().empty()) return std::nullopt;
    return rows.front().front();
}

std::int64_t Connection::count(const std::string& sql, std::span<const Param> params) {
    const auto value = scalar(sql, params);
    return value ? std::stoll(*value) : 0;
}

}  // namespace decnet::store::mysql
