#include "honeypot/services/postgres/postgres_sql.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "honeypot/services/mysql/mysql_sql.hpp"

namespace decnet::honeypot::postgres {
namespace {

constexpr std::size_t kMaxStatements = 64;
constexpr std::string_view kSystemDatabases[] = {"postgres", "template0", "template1"};

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Statements separated by ';' outside quotes, blanks and `--` comments off.
std::vector<std::string_view> statements(std::string_view sql) {
    std::vector<std::string_view> out;
    char quote = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= sql.size() && out.size() < kMaxStatements; ++i) {
        const char c = i < sql.size() ? sql[i] : ';';
        if (quote) {
            if (c == quote) quote = 0;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const auto end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() - 1 : end;
        } else if (c == ';') {
            auto s = trim(sql.substr(start, i - start), " \t\r\n");
            while (s.starts_with("--")) {
                const auto end = s.find('\n');
                s = end == std::string_view::npos ? std::string_view{}
                                                  : trim(s.substr(end + 1), " \t\r\n");
            }
            if (!s.empty()) out.push_back(s);
            start = i + 1;
        }
    }
    return out;
}

std::string first_word(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size() && !is_blank(s[n]) && s[n] != '(' && s[n] != ';') ++n;
    return ascii_lower(s.substr(0, n));
}

std::string second_word(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size() && !is_blank(s[n])) ++n;
    return first_word(trim(s.substr(n), " \t\r\n"));
}

Result error(std::string code, std::string message) {
    Result r;
    r.kind = Result::error;
    r.code = std::move(code);
    r.message = std::move(message);
    return r;
}

Result command(std::string tag, std::string capture = {}) {
    Result r;
    r.tag = std::move(tag);
    r.capture = std::move(capture);
    return r;
}

Result one_value(std::string name, std::optional<std::string> value) {
    Result r;
    r.kind = Result::row_set;
    r.columns = {{std::move(name), 25}};
    r.values = {{std::move(value)}};
    r.tag = "SELECT 1";
    return r;
}

// The `AS "Alias"` names of a catalog query, in order (what psql prints as headers).
std::vector<std::string> aliases(std::string_view sql) {
    std::vector<std::string> out;
    const auto lower = ascii_lower(sql);
    for (std::size_t at = lower.find("as \""); at != std::string::npos && out.size() < 32;
         at = lower.find("as \"", at + 4)) {
        const auto end = sql.find('"', at + 4);
        if (end == std::string_view::npos) break;
        out.emplace_back(sql.substr(at + 4, end - at - 4));
    }
    return out;
}

std::vector<std::string> database_names(const Server& server) {
    std::vector<std::string> names;
    for (const auto& d : server.databases) names.push_back(d.name);
    for (const auto d : kSystemDatabases) names.emplace_back(d);
    std::sort(names.begin(), names.end());
    return names;
}

const DbSchema* app_database(const Server& server, std::string_view name) {
    for (const auto& d : server.databases)
        if (d.name == name) return &d;
    return nullptr;
}

// psql's \l: one row per database, each column named by the query's aliases.
Result list_databases(const Server& server, std::string_view sql) {
    Result r;
    r.kind = Result::row_set;
    auto names = aliases(sql);
    if (names.empty()) names = {"datname"};
    for (const auto& n : names) r.columns.push_back({n, 25});
    for (const auto& db : database_names(server)) {
        std::vector<std::optional<std::string>> row;
        const bool app = app_database(server, db) != nullptr;
        for (const auto& n : names) {
            if (n == "Name" || n == "datname")
                row.emplace_back(db);
            else if (n == "Owner")
                row.emplace_back(app ? "app" : "postgres");
            else if (n == "Encoding")
                row.emplace_back("UTF8");
            else if (n == "Collate" || n == "Ctype")
                row.emplace_back("en_US.UTF-8");
            else if (n == "Locale Provider" || n == "Locale provider")
                row.emplace_back("libc");
            else if (n == "Access privileges")
                row.push_back(db.starts_with("template")
                                  ? std::optional<std::string>("=c/postgres\npostgres=CTc/postgres")
                                  : std::nullopt);
            else if (n == "Size")
                row.emplace_back(app ? "48 MB" : "7453 kB");
            else if (n == "Tablespace")
                row.emplace_back("pg_default");
            else
                row.emplace_back(std::nullopt);
        }
        r.values.push_back(std::move(row));
    }
    r.tag = "SELECT " + std::to_string(r.values.size());
    return r;
}

// psql's \dt and \d: the bait tables of the current database.
Result list_relations(const Server& server, const Connection& c, std::string_view sql) {
    Result r;
    r.kind = Result::row_set;
    auto names = aliases(sql);
    if (names.empty()) names = {"relname"};
    for (const auto& n : names) r.columns.push_back({n, 25});
    if (const auto* db = app_database(server, c.database)) {
        for (const auto& t : db->tables) {
            std::vector<std::optional<std::string>> row;
            for (const auto& n : names) {
                if (n == "Schema")
                    row.emplace_back("public");
                else if (n == "Name" || n == "relname")
                    row.emplace_back(t.name);
                else if (n == "Type")
                    row.emplace_back("table");
                else if (n == "Owner")
                    row.emplace_back("app");
                else
                    row.emplace_back(std::nullopt);
            }
            r.values.push_back(std::move(row));
        }
    }
    r.tag = "SELECT " + std::to_string(r.values.size());
    return r;
}

std::string setting(const Server& server, const Connection& c, std::string_view name) {
    const auto n = ascii_lower(name);
    if (n == "server_version") return server.version;
    if (n == "server_encoding" || n == "client_encoding") return "UTF8";
    if (n == "data_directory") {
        const auto major = server.version.substr(0, server.version.find('.'));
        return "/var/lib/postgresql/" + major + "/main";
    }
    if (n == "port") return "5432";
    if (n == "listen_addresses") return "*";
    if (n == "timezone") return "Etc/UTC";
    if (n == "datestyle") return "ISO, MDY";
    if (n == "is_superuser") return "on";
    if (n == "ssl") return "on";
    if (n == "password_encryption") return "scram-sha-256";
    if (n == "search_path") return "\"$user\", public";
    if (n == "session_authorization") return c.user;
    return {};
}

// Table reads through mysql_sql's engine (the same bait, the same projection and LIMIT).
Result select_table(const Server& server, Connection& c, std::string_view statement) {
    std::string sql(statement);
    for (auto at = ascii_lower(sql).find("public."); at != std::string::npos;
         at = ascii_lower(sql).find("public."))
        sql.erase(at, 7);
    for (auto& ch : sql)
        if (ch == '"') ch = '`';
    mysql::Server my{server.version, "", server.hostname, "Linux", false, server.databases};
    mysql::Connection mc{c.user, c.client_ip, c.database, 1};
    const auto a = mysql::run_query(my, mc, sql);
    if (a.kind == mysql::Answer::error) {
        if (a.code == 1146 || a.code == 1049) {
            auto name = a.message.substr(a.message.find('.') + 1);
            name = name.substr(0, name.find('\''));
            return error("42P01", "relation \"" + name + "\" does not exist");
        }
        if (a.code == 1054) {
            auto name = a.message.substr(a.message.find('\'') + 1);
            name = name.substr(0, name.find('\''));
            return error("42703", "column \"" + name + "\" does not exist");
        }
        return error("42601", "syntax error at or near \"" + first_word(statement) + "\"");
    }
    Result r;
    r.kind = Result::row_set;
    for (const auto& col : a.columns)
        r.columns.push_back({col.name, col.type == mysql::kTypeLong         ? 23u
                                       : col.type == mysql::kTypeLongLong   ? 20u
                                       : col.type == mysql::kTypeNewDecimal ? 1700u
                                       : col.type == mysql::kTypeDatetime   ? 1114u
                                                                            : 25u});
    if (r.columns.size() == 1 && ascii_lower(r.columns[0].name).starts_with("count("))
        r.columns[0] = {"count", 20};
    for (const auto& row : a.result) r.values.push_back(row);
    r.tag = "SELECT " + std::to_string(r.values.size());
    return r;
}

bool mentions(std::string_view lower, std::string_view word) {
    return lower.find(word) != std::string_view::npos;
}

Result run_statement(const Server& server, Connection& c, std::string_view s) {
    const auto lower = ascii_lower(s);
    const auto verb = first_word(s);
    // Code execution and file access first: whatever the statement, it is an attempt.
    if (verb == "copy" && mentions(lower, "program")) {
        const bool from = mentions(lower, " from program");
        auto r = command(from ? "COPY 0" : "COPY 0", "exploit");
        return r;
    }
    if (verb == "create" && mentions(lower, "function") &&
        (mentions(lower, "language c") || mentions(lower, "language 'c'"))) {
        auto path = std::string("/tmp/lib.so");
        if (const auto as = lower.find(" as '"); as != std::string::npos) {
            const auto end = s.find('\'', as + 5);
            if (end != std::string_view::npos) path = std::string(s.substr(as + 5, end - as - 5));
        }
        auto r =
            error("58P01", "could not access file \"" + path + "\": No such file or directory");
        r.capture = "exploit";
        return r;
    }
    if (mentions(lower, "pg_read_file") || mentions(lower, "pg_read_binary_file") ||
        mentions(lower, "pg_ls_dir") || mentions(lower, "lo_import") ||
        mentions(lower, "lo_export") || mentions(lower, "dblink")) {
        auto r = error("58P01", "could not open file: Permission denied");
        r.capture = "exploit";
        return r;
    }
    if (verb == "select" || verb == "with") {
        if (mentions(lower, "pg_database")) return list_databases(server, s);
        if (mentions(lower, "pg_class") || mentions(lower, "information_schema.tables"))
            return list_relations(server, c, s);
        if (mentions(lower, "pg_roles") || mentions(lower, "pg_user") ||
            mentions(lower, "pg_namespace") || mentions(lower, "pg_catalog.")) {
            Result r;
            r.kind = Result::row_set;
            for (const auto& n : aliases(s)) r.columns.push_back({n, 25});
            if (r.columns.empty()) r.columns.push_back({"?column?", 25});
            r.tag = "SELECT 0";
            return r;
        }
        if (mentions(lower, " from ")) return select_table(server, c, s);
        auto item = ascii_lower(trim(s.substr(std::min(s.size(), verb.size())), " \t\r\n"));
        std::erase_if(item, [](char ch) { return is_blank(ch); });
        if (item == "version()") return one_value("version", version_banner(server.version));
        if (item == "current_user" || item == "user" || item == "session_user" ||
            item == "current_user()")
            return one_value(item, c.user);
        if (item == "current_database()") return one_value("current_database", c.database);
        if (item == "inet_server_addr()") return one_value("inet_server_addr", std::nullopt);
        if (item == "pg_is_in_recovery()") return one_value("pg_is_in_recovery", "f");
        if (item.starts_with("current_setting('")) {
            const auto name = item.substr(17, item.find('\'', 17) - 17);
            return one_value("current_setting", setting(server, c, name));
        }
        if (!item.empty() && item.find_first_not_of("0123456789") == std::string::npos)
            return one_value("?column?", item);
        return error("42703",
                     "column \"" +
                         std::string(trim(s.substr(std::min(s.size(), verb.size())), " \t\r\n"))
                             .substr(0, 63) +
                         "\" does not exist");
    }
    if (verb == "show") {
        const auto name = second_word(s);
        const auto value = setting(server, c, name);
        if (value.empty())
            return error("42704", "unrecognized configuration parameter \"" + name + "\"");
        return one_value(name, value);
    }
    const bool ransom = mentions(lower, "bitcoin") || mentions(lower, "btc") ||
                        mentions(lower, "recover") || mentions(lower, "backup") ||
                        mentions(lower, "readme") || mentions(lower, "ransom");
    if (verb == "drop") return command("DROP " + ascii_upper(second_word(s)), "destructive");
    if (verb == "truncate") return command("TRUNCATE TABLE", "destructive");
    if (verb == "delete") return command("DELETE 11", "destructive");
    if (verb == "insert") return command("INSERT 0 1", ransom ? "ransom_note" : "write");
    if (verb == "update") return command("UPDATE 1", ransom ? "ransom_note" : "write");
    if (verb == "create" || verb == "alter")
        return command(ascii_upper(verb) + " " + ascii_upper(second_word(s)),
                       ransom ? "ransom_note" : "write");
    if (verb == "grant" || verb == "revoke") return command(ascii_upper(verb), "write");
    if (verb == "set" || verb == "reset") return command(ascii_upper(verb));
    if (verb == "begin" || verb == "start") return command("BEGIN");
    if (verb == "commit" || verb == "end") return command("COMMIT");
    if (verb == "rollback" || verb == "abort") return command("ROLLBACK");
    if (verb == "discard") return command("DISCARD ALL");
    return error("42601", "syntax error at or near \"" +
                              std::string(s.substr(0, std::min(s.size(), verb.size()))) + "\"");
}

}  // namespace

std::string version_banner(std::string_view version) {
    const bool debian = version.find("Debian") != std::string_view::npos;
    const bool ubuntu = version.find("Ubuntu") != std::string_view::npos;
    return "PostgreSQL " + std::string(version) + " on x86_64-pc-linux-gnu, compiled by " +
           (debian   ? "gcc (Debian 12.2.0-14) 12.2.0"
            : ubuntu ? "gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0"
                     : "gcc (GCC) 11.4.1 20231218 (Red Hat 11.4.1-3)") +
           ", 64-bit";
}

bool database_exists(const Server& server, std::string_view name) {
    for (const auto d : kSystemDatabases)
        if (d == name) return true;
    return app_database(server, name) != nullptr;
}

std::vector<Result> run_simple_query(const Server& server, Connection& c, std::string_view sql) {
    std::vector<Result> out;
    const auto list = statements(sql);
    if (list.empty()) {
        Result r;
        r.kind = Result::empty;
        out.push_back(std::move(r));
        return out;
    }
    for (const auto s : list) {
        auto r = run_statement(server, c, s);
        r.statement = std::string(s.substr(0, 4096));
        const bool failed = r.kind == Result::error;
        out.push_back(std::move(r));
        if (failed) break;
    }
    return out;
}

}  // namespace decnet::honeypot::postgres
