#include "honeypot/services/mysql/mysql_sql.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <tuple>

#include "core/text.hpp"

namespace decnet::honeypot::mysql {
namespace {

constexpr std::size_t kMaxItems = 64;  // select-list items, LIKE pattern work, …

Answer ok(std::uint64_t affected = 0, std::string capture = {}) {
    Answer a;
    a.affected = affected;
    a.capture = std::move(capture);
    return a;
}

Answer error(std::uint16_t code, std::string state, std::string message) {
    Answer a;
    a.kind = Answer::error;
    a.code = code;
    a.state = std::move(state);
    a.message = std::move(message);
    return a;
}

Answer rows(std::vector<Column> columns, std::vector<Row> result) {
    Answer a;
    a.kind = Answer::rows;
    a.columns = std::move(columns);
    a.result = std::move(result);
    return a;
}

Column text_column(std::string name, std::string table = {}, std::string schema = {}) {
    return Column{std::move(name), kTypeVarString, std::move(table), std::move(schema), 1024};
}

std::uint8_t wire_type(DbType type) {
    switch (type) {
        case DbType::integer:
            return kTypeLong;
        case DbType::decimal:
            return kTypeNewDecimal;
        case DbType::datetime:
            return kTypeDatetime;
        case DbType::text:
            break;
    }
    return kTypeVarString;
}

std::string sql_type(DbType type) {
    switch (type) {
        case DbType::integer:
            return "int(11)";
        case DbType::decimal:
            return "decimal(10,2)";
        case DbType::datetime:
            return "datetime";
        case DbType::text:
            break;
    }
    return "varchar(255)";
}

// Leading blanks and /* … */ comments off, trailing blanks and semicolons off.
std::string_view strip(std::string_view sql) {
    for (;;) {
        sql = trim(sql, " \t\r\n");
        if (!sql.starts_with("/*")) break;
        const auto end = sql.find("*/", 2);
        if (end == std::string_view::npos) return {};
        sql.remove_prefix(end + 2);
    }
    while (!sql.empty() && (sql.back() == ';' || sql.back() == ' ' || sql.back() == '\t' ||
                            sql.back() == '\r' || sql.back() == '\n'))
        sql.remove_suffix(1);
    return sql;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The first word (lower-case) and the rest (trimmed).
std::pair<std::string, std::string_view> first_word(std::string_view s) {
    s = trim(s, " \t\r\n");
    std::size_t n = 0;
    while (n < s.size() && !is_blank(s[n]) && s[n] != '(' && s[n] != ';') ++n;
    return {ascii_lower(s.substr(0, n)), trim(s.substr(n), " \t\r\n")};
}

// `db`.`table` → {db, table}; quotes off.
std::string unquote_identifier(std::string_view s) {
    s = trim(s, " \t\r\n");
    if (s.size() >= 2 &&
        ((s.front() == '`' && s.back() == '`') || (s.front() == '"' && s.back() == '"') ||
         (s.front() == '\'' && s.back() == '\'')))
        s = s.substr(1, s.size() - 2);
    return std::string(s);
}

std::pair<std::string, std::string> qualified(std::string_view s) {
    std::size_t dot = std::string_view::npos;
    bool quoted = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '`') quoted = !quoted;
        if (s[i] == '.' && !quoted) {
            dot = i;
            break;
        }
    }
    if (dot == std::string_view::npos) return {"", unquote_identifier(s)};
    return {unquote_identifier(s.substr(0, dot)), unquote_identifier(s.substr(dot + 1))};
}

// Splits at `sep` outside quotes and parentheses (at most kMaxItems pieces).
std::vector<std::string_view> split_top(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    int depth = 0;
    char quote = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size() && out.size() < kMaxItems; ++i) {
        const char c = s[i];
        if (quote) {
            if (c == '\\' && quote != '`')
                ++i;
            else if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"' || c == '`') {
            quote = c;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')') {
            depth = std::max(0, depth - 1);
        } else if (c == sep && depth == 0) {
            out.push_back(trim(s.substr(start, i - start), " \t\r\n"));
            start = i + 1;
        }
    }
    if (out.size() < kMaxItems) out.push_back(trim(s.substr(std::min(start, s.size())), " \t\r\n"));
    return out;
}

// Position of the keyword `word` (lower-case, whole word) outside quotes and parentheses.
std::size_t find_keyword(std::string_view s, std::string_view word) {
    int depth = 0;
    char quote = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quote) {
            if (c == '\\' && quote != '`')
                ++i;
            else if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            quote = c;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')') {
            depth = std::max(0, depth - 1);
        } else if (depth == 0 && (i == 0 || is_blank(s[i - 1]) || s[i - 1] == ')') &&
                   s.size() - i >= word.size() && iequals(s.substr(i, word.size()), word) &&
                   (s.size() - i == word.size() || is_blank(s[i + word.size()]) ||
                    s[i + word.size()] == '(' || s[i + word.size()] == '`')) {
            return i;
        }
    }
    return std::string_view::npos;
}

// SQL LIKE with % and _ (case-insensitive), bounded: a pattern with more than a few `%`
// is compared literally.
bool like(std::string_view text, std::string_view pattern, int budget = 4096) {
    std::size_t t = 0, p = 0, star_p = std::string_view::npos, star_t = 0;
    while (t < text.size()) {
        if (--budget < 0) return false;
        if (p < pattern.size() &&
            (pattern[p] == '_' || ascii_lower(pattern[p]) == ascii_lower(text[t]))) {
            ++t;
            ++p;
        } else if (p < pattern.size() && pattern[p] == '%') {
            star_p = p++;
            star_t = t;
        } else if (star_p != std::string_view::npos) {
            p = star_p + 1;
            t = ++star_t;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '%') ++p;
    return p == pattern.size();
}

// "LIKE 'pattern'" at the end of a SHOW, or "" (everything).
std::optional<std::string> like_pattern(std::string_view rest) {
    const auto at = find_keyword(rest, "like");
    if (at == std::string_view::npos) return std::nullopt;
    return unquote_identifier(rest.substr(at + 4));
}

const std::array<std::string_view, 4> kSystemSchemas = {"information_schema", "mysql",
                                                        "performance_schema", "sys"};

bool schema_exists(const Server& server, std::string_view name) {
    for (const auto s : kSystemSchemas)
        if (iequals(s, name)) return true;
    for (const auto& s : server.schemas)
        if (iequals(s.name, name)) return true;
    return false;
}

std::uint64_t fnv(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : text) h = (h ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ULL;
    return h;
}

std::string fake_native_hash(std::string_view seed) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "*";
    std::uint64_t h = fnv(seed);
    for (int i = 0; i < 40; ++i) {
        h = h * 6364136223846793005ULL + 1442695040888963407ULL;
        out += kHex[(h >> 60) & 0xf];
    }
    return out;
}

// The system tables worth showing; nullopt for the rest.
std::optional<DbTable> system_table(const Server& server, std::string_view schema,
                                    std::string_view name) {
    if (iequals(schema, "information_schema") && iequals(name, "schemata")) {
        DbTable t{
            "SCHEMATA", {{"CATALOG_NAME"}, {"SCHEMA_NAME"}, {"DEFAULT_CHARACTER_SET_NAME"}}, {}};
        for (const auto s : kSystemSchemas) t.rows.push_back({"def", std::string(s), "utf8mb3"});
        for (const auto& s : server.schemas) t.rows.push_back({"def", s.name, "utf8mb4"});
        return t;
    }
    if (iequals(schema, "information_schema") && iequals(name, "tables")) {
        DbTable t{"TABLES",
                  {{"TABLE_CATALOG"},
                   {"TABLE_SCHEMA"},
                   {"TABLE_NAME"},
                   {"TABLE_TYPE"},
                   {"ENGINE"},
                   {"TABLE_ROWS", DbType::integer}},
                  {}};
        for (const auto& s : server.schemas)
            for (const auto& table : s.tables)
                t.rows.push_back({"def", s.name, table.name, "BASE TABLE", "InnoDB",
                                  std::to_string(table.rows.size())});
        return t;
    }
    if (iequals(schema, "mysql") && iequals(name, "user")) {
        DbTable t{"user", {{"Host"}, {"User"}, {"plugin"}, {"authentication_string"}}, {}};
        const std::string plugin =
            server.mariadb ? "mysql_native_password" : "caching_sha2_password";
        t.rows.push_back({"localhost", server.mariadb ? "mariadb.sys" : "mysql.sys",
                          "mysql_native_password", ""});
        t.rows.push_back({"localhost", "root", "mysql_native_password",
                          fake_native_hash(server.hostname + "root")});
        if (!server.schemas.empty()) {
            std::string app = server.schemas.front().name;
            if (app.ends_with("_prod")) app.resize(app.size() - 5);
            t.rows.push_back(
                {"%", app, "mysql_native_password", fake_native_hash(server.hostname + app)});
        }
        t.rows.push_back(
            {"%", "backup", "mysql_native_password", fake_native_hash(server.hostname + "bk")});
        return t;
    }
    return std::nullopt;
}

std::optional<DbTable> find_table(const Server& server, std::string_view schema,
                                  std::string_view name) {
    if (auto t = system_table(server, schema, name)) return t;
    for (const auto& s : server.schemas)
        if (iequals(s.name, schema))
            if (const auto* t = s.table(name)) return *t;
    return std::nullopt;
}

std::string now_text() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
    return buffer;
}

std::vector<std::pair<std::string, std::string>> variables(const Server& server) {
    return {
        {"autocommit", "ON"},
        {"basedir", "/usr"},
        {"character_set_server", "utf8mb4"},
        {"collation_server", server.mariadb ? "utf8mb4_general_ci" : "utf8mb4_0900_ai_ci"},
        {"datadir", "/var/lib/mysql/"},
        {"have_ssl", "YES"},
        {"hostname", server.hostname},
        {"interactive_timeout", "28800"},
        {"license", "GPL"},
        {"log_bin", "OFF"},
        {"lower_case_table_names", "0"},
        {"max_allowed_packet", "16777216"},
        {"max_connections", "151"},
        {"port", "3306"},
        {"protocol_version", "10"},
        {"secure_file_priv", server.mariadb ? "" : "/var/lib/mysql-files/"},
        {"server_id", "1"},
        {"socket", "/run/mysqld/mysqld.sock"},
        {"sql_mode", server.mariadb ? "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
                                      "NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"
                                    : "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,"
                                      "NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
                                      "NO_ENGINE_SUBSTITUTION"},
        {"system_time_zone", "UTC"},
        {"time_zone", "SYSTEM"},
        {"transaction_isolation", "REPEATABLE-READ"},
        {"tx_isolation", "REPEATABLE-READ"},
        {"version", display_version(server.version)},
        {"version_comment", server.version_comment},
        {"version_compile_machine", "x86_64"},
        {"version_compile_os", server.os},
        {"wait_timeout", "28800"},
    };
}

Answer syntax_error(const Server& server, std::string_view near) {
    return error(1064, "42000",
                 std::string("You have an error in your SQL syntax; check the manual that "
                             "corresponds to your ") +
                     (server.mariadb ? "MariaDB" : "MySQL") +
                     " server version for the right syntax to use near '" +
                     std::string(near.substr(0, 80)) + "' at line 1");
}

bool has_word(std::string_view lower, std::string_view word) {
    return lower.find(word) != std::string_view::npos;
}

bool ransom_words(std::string_view lower) {
    for (const auto w : {"bitcoin", "btc", "ransom", "recover", "restore", "decrypt", "readme",
                         "warning", "backup", "paid", "pay "})
        if (has_word(lower, w)) return true;
    return false;
}

// One select-list item without FROM.
std::optional<Answer> evaluate(const Server& server, const Connection& c, std::string_view item,
                               std::optional<std::string>& value, std::string& capture) {
    auto e = ascii_lower(item);
    if (e.empty()) return syntax_error(server, item);
    if (e.find_first_not_of("0123456789.-") == std::string::npos) {
        value = std::string(item);
        return std::nullopt;
    }
    if ((item.front() == '\'' || item.front() == '"') && item.size() >= 2 &&
        item.back() == item.front()) {
        value = std::string(item.substr(1, item.size() - 2));
        return std::nullopt;
    }
    if (e.starts_with("@@")) {
        std::string name = e.substr(2);
        for (const auto scope : {"global.", "session.", "local."})
            if (name.starts_with(scope)) name = name.substr(std::string_view(scope).size());
        for (const auto& [k, v] : variables(server))
            if (k == name) {
                value = v;
                return std::nullopt;
            }
        return error(1193, "HY000", "Unknown system variable '" + name + "'");
    }
    std::erase_if(e, [](char ch) { return is_blank(ch); });
    if (e == "version()") {
        value = display_version(server.version);
    } else if (e == "database()" || e == "schema()") {
        if (!c.database.empty()) value = c.database;
    } else if (e == "user()" || e == "system_user()" || e == "session_user()") {
        value = c.user + "@" + c.client_ip;
    } else if (e == "current_user()" || e == "current_user") {
        value = c.user + "@%";
    } else if (e == "connection_id()") {
        value = std::to_string(c.id);
    } else if (e == "now()" || e == "current_timestamp()" || e == "current_timestamp" ||
               e == "sysdate()") {
        value = now_text();
    } else if (e.starts_with("load_file(")) {
        capture = "exploit";  // secure_file_priv: NULL
    } else if (e.starts_with("sleep(") || e.starts_with("benchmark(")) {
        value = "0";
    } else {
        return error(1054, "42S22", "Unknown column '" + std::string(item) + "' in 'field list'");
    }
    return std::nullopt;
}

// "expr AS alias" / "expr alias" → {expr, column name}.
std::pair<std::string_view, std::string> alias_of(std::string_view item) {
    const auto as = find_keyword(item, "as");
    if (as != std::string_view::npos)
        return {trim(item.substr(0, as), " \t\r\n"), unquote_identifier(item.substr(as + 2))};
    return {item, std::string(item)};
}

Answer select_without_from(const Server& server, const Connection& c, std::string_view list) {
    std::vector<Column> columns;
    Row row;
    std::string capture;
    for (const auto item : split_top(list, ',')) {
        const auto [expr, name] = alias_of(item);
        std::optional<std::string> value;
        if (auto failed = evaluate(server, c, expr, value, capture)) return *failed;
        columns.push_back(text_column(name));
        row.push_back(std::move(value));
    }
    auto a = rows(std::move(columns), {std::move(row)});
    a.capture = capture;
    return a;
}

std::size_t parse_count(std::string_view s) {
    s = trim(s, " \t\r\n");
    std::size_t n = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') break;
        n = std::min<std::size_t>(n * 10 + static_cast<std::size_t>(c - '0'), 1u << 30);
    }
    return n;
}

Answer select(const Server& server, Connection& c, std::string_view body) {
    const auto from = find_keyword(body, "from");
    if (from == std::string_view::npos) {
        auto list = body;
        if (const auto limit = find_keyword(list, "limit"); limit != std::string_view::npos)
            list = trim(list.substr(0, limit), " \t\r\n");
        return select_without_from(server, c, list);
    }
    const auto list = trim(body.substr(0, from), " \t\r\n");
    auto rest = trim(body.substr(from + 4), " \t\r\n");
    std::size_t n = 0;
    while (n < rest.size() && !is_blank(rest[n]) && rest[n] != ',') ++n;
    auto [schema, name] = qualified(rest.substr(0, n));
    if (schema.empty()) schema = c.database;
    if (schema.empty()) return error(1046, "3D000", "No database selected");
    const auto table = find_table(server, schema, name);
    if (!table) {
        if (!schema_exists(server, schema))
            return error(1049, "42000", "Unknown database '" + schema + "'");
        return error(1146, "42S02", "Table '" + schema + "." + name + "' doesn't exist");
    }
    std::size_t offset = 0, limit = table->rows.size();
    if (const auto at = find_keyword(rest, "limit"); at != std::string_view::npos) {
        const auto spec = rest.substr(at + 5);
        const auto parts = split_top(spec, ',');
        if (parts.size() >= 2) {
            offset = parse_count(parts[0]);
            limit = parse_count(parts[1]);
        } else {
            limit = parse_count(spec);
            if (const auto off = find_keyword(spec, "offset"); off != std::string_view::npos)
                offset = parse_count(spec.substr(off + 6));
        }
    }
    const auto items = split_top(list, ',');
    // COUNT(*) alone.
    if (items.size() == 1) {
        auto e = ascii_lower(items[0]);
        std::erase_if(e, [](char ch) { return is_blank(ch); });
        if (e.starts_with("count(")) {
            const auto [expr, alias] = alias_of(items[0]);
            Column col{alias, kTypeLongLong, {}, {}, 21};
            return rows({col}, {{std::to_string(table->rows.size())}});
        }
    }
    std::vector<std::size_t> picked;
    std::vector<Column> columns;
    for (const auto item : items) {
        const auto [expr, alias] = alias_of(item);
        auto field = std::string(expr);
        if (const auto dot = field.rfind('.'); dot != std::string::npos && field != "*")
            field = field.substr(dot + 1);
        field = unquote_identifier(field);
        if (field == "*") {
            for (std::size_t i = 0; i < table->columns.size() && picked.size() < 256; ++i) {
                picked.push_back(i);
                columns.push_back(Column{table->columns[i].name, wire_type(table->columns[i].type),
                                         table->name, schema, 255});
            }
            continue;
        }
        std::size_t index = table->columns.size();
        for (std::size_t i = 0; i < table->columns.size(); ++i)
            if (iequals(table->columns[i].name, field)) index = i;
        if (index == table->columns.size())
            return error(1054, "42S22", "Unknown column '" + field + "' in 'field list'");
        picked.push_back(index);
        columns.push_back(
            Column{alias, wire_type(table->columns[index].type), table->name, schema, 255});
    }
    std::vector<Row> result;
    for (std::size_t r = offset; r < table->rows.size() && result.size() < limit; ++r) {
        Row row;
        for (const auto i : picked)
            row.push_back(i < table->rows[r].size() ? std::optional(table->rows[r][i])
                                                    : std::nullopt);
        result.push_back(std::move(row));
    }
    return rows(std::move(columns), std::move(result));
}

std::vector<std::string> database_names(const Server& server) {
    std::vector<std::string> names(kSystemSchemas.begin(), kSystemSchemas.end());
    for (const auto& s : server.schemas) names.push_back(s.name);
    std::sort(names.begin(), names.end());
    return names;
}

const DbSchema* app_schema(const Server& server, std::string_view name) {
    for (const auto& s : server.schemas)
        if (iequals(s.name, name)) return &s;
    return nullptr;
}

Answer show(const Server& server, Connection& c, std::string_view rest) {
    auto [what, tail] = first_word(rest);
    const bool full = what == "full";
    if (full || what == "global" || what == "session") std::tie(what, tail) = first_word(tail);
    const auto pattern = like_pattern(tail);
    if (what == "databases" || what == "schemas") {
        std::vector<Row> result;
        for (const auto& name : database_names(server))
            if (!pattern || like(name, *pattern)) result.push_back({name});
        return rows({text_column("Database", "SCHEMATA", "information_schema")}, std::move(result));
    }
    if (what == "tables") {
        std::string schema = c.database;
        const auto [word, name] = first_word(tail);
        if (word == "from" || word == "in") schema = unquote_identifier(first_word(name).first);
        if (schema.empty()) return error(1046, "3D000", "No database selected");
        if (!schema_exists(server, schema))
            return error(1049, "42000", "Unknown database '" + schema + "'");
        std::vector<Column> columns = {text_column("Tables_in_" + schema)};
        if (full) columns.push_back(text_column("Table_type"));
        std::vector<Row> result;
        if (const auto* s = app_schema(server, schema))
            for (const auto& t : s->tables)
                if (!pattern || like(t.name, *pattern)) {
                    Row row{t.name};
                    if (full) row.emplace_back("BASE TABLE");
                    result.push_back(std::move(row));
                }
        return rows(std::move(columns), std::move(result));
    }
    if (what == "columns" || what == "fields") {
        const auto [word, name] = first_word(tail);
        if (word != "from" && word != "in") return syntax_error(server, rest);
        auto [schema, table_name] = qualified(first_word(name).first);
        if (schema.empty()) schema = c.database;
        if (schema.empty()) return error(1046, "3D000", "No database selected");
        const auto table = find_table(server, schema, table_name);
        if (!table)
            return error(1146, "42S02", "Table '" + schema + "." + table_name + "' doesn't exist");
        std::vector<Row> result;
        for (const auto& col : table->columns)
            result.push_back({col.name, sql_type(col.type), col.name == "id" ? "NO" : "YES",
                              col.name == "id" ? "PRI" : "", std::nullopt,
                              col.name == "id" ? "auto_increment" : ""});
        return rows({text_column("Field"), text_column("Type"), text_column("Null"),
                     text_column("Key"), text_column("Default"), text_column("Extra")},
                    std::move(result));
    }
    if (what == "variables" || what == "status") {
        std::vector<Row> result;
        if (what == "variables")
            for (const auto& [k, v] : variables(server))
                if (!pattern || like(k, *pattern)) result.push_back({k, v});
        return rows({text_column("Variable_name"), text_column("Value")}, std::move(result));
    }
    if (what == "grants") {
        const std::string who = "`" + c.user + "`@`%`";
        return rows({text_column("Grants for " + c.user + "@%")},
                    {{"GRANT ALL PRIVILEGES ON *.* TO " + who + " WITH GRANT OPTION"}});
    }
    if (what == "processlist") {
        return rows({text_column("Id"), text_column("User"), text_column("Host"), text_column("db"),
                     text_column("Command"), text_column("Time"), text_column("State"),
                     text_column("Info")},
                    {{std::to_string(c.id), c.user, c.client_ip,
                      c.database.empty() ? std::nullopt : std::optional(c.database), "Query", "0",
                      "starting", "SHOW PROCESSLIST"}});
    }
    if (what == "warnings" || what == "errors")
        return rows({text_column("Level"), text_column("Code"), text_column("Message")}, {});
    if (what == "engines" || what == "plugins" || what == "triggers" || what == "events" ||
        what == "slave" || what == "master" || what == "binary" || what == "privileges" ||
        what == "character" || what == "collation" || what == "procedure" || what == "function")
        return rows({text_column("Name"), text_column("Value")}, {});
    if (what == "create") {
        const auto [kind, name] = first_word(tail);
        if (kind == "database" || kind == "schema") {
            const auto db = unquote_identifier(name);
            if (!schema_exists(server, db))
                return error(1049, "42000", "Unknown database '" + db + "'");
            return rows(
                {text_column("Database"), text_column("Create Database")},
                {{db, "CREATE DATABASE `" + db + "` /*!40100 DEFAULT CHARACTER SET utf8mb4 */"}});
        }
        if (kind == "table") {
            auto [schema, table_name] = qualified(name);
            if (schema.empty()) schema = c.database;
            if (schema.empty()) return error(1046, "3D000", "No database selected");
            const auto table = find_table(server, schema, table_name);
            if (!table)
                return error(1146, "42S02",
                             "Table '" + schema + "." + table_name + "' doesn't exist");
            std::string ddl = "CREATE TABLE `" + table->name + "` (\n";
            for (const auto& col : table->columns)
                ddl += "  `" + col.name + "` " + sql_type(col.type) +
                       (col.name == "id" ? " NOT NULL AUTO_INCREMENT" : " DEFAULT NULL") + ",\n";
            ddl += "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
            return rows({text_column("Table"), text_column("Create Table")}, {{table->name, ddl}});
        }
    }
    return syntax_error(server, rest);
}

std::uint64_t rows_of(const Server& server, const Connection& c, std::string_view ref) {
    auto [schema, name] = qualified(first_word(ref).first);
    if (schema.empty()) schema = c.database;
    const auto t = find_table(server, schema, name);
    return t ? t->rows.size() : 0;
}

Answer write(const Server& server, Connection& c, const std::string& verb, std::string_view rest,
             std::string_view lower) {
    const bool ransom = ransom_words(lower);
    if (verb == "drop") {
        const auto [kind, name] = first_word(rest);
        if (kind == "database" || kind == "schema") {
            auto target = name;
            if (istarts_with(target, "if exists")) target = trim(target.substr(9), " \t\r\n");
            const auto* s = app_schema(server, unquote_identifier(target));
            return ok(s ? s->tables.size() : 0, "destructive");
        }
        return ok(0, "destructive");
    }
    if (verb == "delete") {
        const auto from = find_keyword(rest, "from");
        const auto n =
            from == std::string_view::npos ? 0 : rows_of(server, c, rest.substr(from + 4));
        return ok(n, "destructive");
    }
    if (verb == "truncate") return ok(0, "destructive");
    if (verb == "update") {
        const bool all = find_keyword(rest, "where") == std::string_view::npos;
        return ok(all ? rows_of(server, c, rest) : 1, ransom ? "ransom_note" : "write");
    }
    if (verb == "insert" || verb == "replace") {
        std::uint64_t n = 1;
        for (std::size_t at = lower.find("),"); at != std::string_view::npos && n < 1000000;
             at = lower.find("),", at + 2))
            ++n;
        return ok(n, ransom ? "ransom_note" : "write");
    }
    if (verb == "create") {
        const auto [kind, name] = first_word(rest);
        if (const auto at = lower.find("soname"); at != std::string_view::npos) {
            const auto library = unquote_identifier(first_word(lower.substr(at + 6)).first);
            return error(1126, "HY000",
                         "Can't open shared library '" + library +
                             "' (errno: 2, cannot open shared object file: No such file or "
                             "directory)");
        }
        return ok(kind == "database" || kind == "schema" ? 1 : 0, ransom ? "ransom_note" : "write");
    }
    return ok(0, "write");  // alter, rename, grant, revoke, flush, set password
}

}  // namespace

std::string display_version(std::string_view version) {
    if (version.starts_with("5.5.5-")) version.remove_prefix(6);
    return std::string(version);
}

Answer use_database(const Server& server, Connection& c, std::string_view name) {
    const auto db = unquote_identifier(name);
    if (!schema_exists(server, db)) return error(1049, "42000", "Unknown database '" + db + "'");
    c.database = db;
    return ok();
}

Answer run_query(const Server& server, Connection& c, std::string_view sql) {
    const auto statement = strip(sql);
    if (statement.empty()) return error(1065, "42000", "Query was empty");
    const auto lower = ascii_lower(statement);
    const auto [verb, rest] = first_word(statement);
    const bool file_access = has_word(lower, "into outfile") || has_word(lower, "into dumpfile") ||
                             verb == "load" || verb == "install";
    if (file_access) {
        auto a = error(1290, "HY000",
                       std::string("The ") + (server.mariadb ? "MariaDB" : "MySQL") +
                           " server is running with the --secure-file-priv option so it "
                           "cannot execute this statement");
        a.capture = "exploit";
        return a;
    }
    if (verb == "select") {
        auto a = select(server, c, rest);
        if (has_word(lower, "sys_exec") || has_word(lower, "sys_eval")) a.capture = "exploit";
        return a;
    }
    if (verb == "show") return show(server, c, rest);
    if (verb == "use") return use_database(server, c, first_word(rest).first);
    if (verb == "describe" || verb == "desc" || verb == "explain") {
        std::string show_columns = "columns from " + std::string(first_word(rest).first);
        return show(server, c, show_columns);
    }
    if (verb == "drop" || verb == "delete" || verb == "truncate" || verb == "update" ||
        verb == "insert" || verb == "replace" || verb == "create" || verb == "alter" ||
        verb == "rename" || verb == "grant" || verb == "revoke" || verb == "flush") {
        auto a = write(server, c, verb, rest, lower);
        if (verb == "create" && a.kind == Answer::error) a.capture = "exploit";
        return a;
    }
    if (verb == "set" || verb == "begin" || verb == "start" || verb == "commit" ||
        verb == "rollback" || verb == "savepoint" || verb == "lock" || verb == "unlock" ||
        verb == "do" || verb == "kill" || verb == "analyze" || verb == "optimize" ||
        verb == "reset" || verb == "xa")
        return ok();
    return syntax_error(server, statement);
}

}  // namespace decnet::honeypot::mysql
