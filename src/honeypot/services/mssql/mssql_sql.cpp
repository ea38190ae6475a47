#include "honeypot/services/mssql/mssql_sql.hpp"

#include <algorithm>
#include <ctime>

#include "core/text.hpp"
#include "honeypot/services/mysql/mysql_sql.hpp"

namespace decnet::honeypot::mssql {
namespace {

constexpr std::size_t kMaxStatements = 64;
constexpr std::size_t kMaxItems = 32;
constexpr std::string_view kSystemDatabases[] = {"master", "tempdb", "model", "msdb"};
constexpr std::string_view kBlanks = " \t\r\n";

constexpr std::uint16_t kCmdSelect = 0xc1, kCmdInsert = 0xc3, kCmdDelete = 0xc4, kCmdUpdate = 0xc5,
                        kCmdExecute = 0xe0;

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool mentions(std::string_view lower, std::string_view word) {
    return lower.find(word) != std::string_view::npos;
}

// Statements separated by ';' outside quotes and brackets, `--` comments off.
std::vector<std::string_view> statements(std::string_view sql) {
    std::vector<std::string_view> out;
    char quote = 0;
    std::size_t start = 0;
    const auto flush = [&](std::size_t end) {
        auto s = trim(sql.substr(start, end - start), kBlanks);
        while (s.starts_with("--")) {
            const auto nl = s.find('\n');
            s = nl == std::string_view::npos ? std::string_view{} : trim(s.substr(nl + 1), kBlanks);
        }
        if (!s.empty() && out.size() < kMaxStatements) out.push_back(s);
    };
    for (std::size_t i = 0; i < sql.size() && out.size() < kMaxStatements; ++i) {
        const char c = sql[i];
        if (quote) {
            if (c == quote) quote = 0;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '[') {
            quote = ']';
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const auto end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() - 1 : end;
        } else if (c == ';') {
            flush(i);
            start = i + 1;
        }
    }
    flush(sql.size());
    return out;
}

std::string first_word(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size() && !is_blank(s[n]) && s[n] != '(' && s[n] != ';' && s[n] != '\'') ++n;
    return ascii_lower(s.substr(0, n));
}

std::string_view after_word(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size() && !is_blank(s[n])) ++n;
    return trim(s.substr(n), kBlanks);
}

// "[master].[sys].[xp_cmdshell]" → "xp_cmdshell".
std::string object_name(std::string_view s) {
    std::string name;
    for (const char c : s) {
        if (is_blank(c) || c == '\'' || c == ',' || c == '(' || c == ';') break;
        if (c != '[' && c != ']') name += c;
    }
    const auto dot = name.rfind('.');
    if (dot != std::string::npos) name.erase(0, dot + 1);
    return name.substr(0, 128);
}

std::string now_text() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S.000", &tm);
    return text;
}

tds::Message message(std::int32_t number, std::uint8_t severity, std::uint8_t state,
                     std::string text, const Server& server, std::string procedure = {},
                     std::int32_t line = 1) {
    return tds::Message{
        number, state, severity, std::move(text), server.server_name, std::move(procedure), line};
}

Result error(tds::Message m, std::string capture = {}) {
    Result r;
    r.kind = Result::error;
    r.message = std::move(m);
    r.capture = std::move(capture);
    return r;
}

Result done(std::string capture = {}, bool counted = false, std::uint64_t count = 0,
            std::uint16_t command = 0) {
    Result r;
    r.capture = std::move(capture);
    r.counted = counted;
    r.count = count;
    r.command = command;
    return r;
}

Result rows(std::vector<tds::Column> columns,
            std::vector<std::vector<std::optional<std::string>>> values) {
    Result r;
    r.kind = Result::rows;
    r.columns = std::move(columns);
    r.values = std::move(values);
    r.counted = true;
    r.count = r.values.size();
    r.command = kCmdSelect;
    return r;
}

Result syntax_error(const Server& server, std::string_view near) {
    return error(message(
        102, 15, 1, "Incorrect syntax near '" + std::string(near.substr(0, 64)) + "'.", server));
}

const DbSchema* app_database(const Server& server, std::string_view name) {
    for (const auto& d : server.databases)
        if (iequals(d.name, name)) return &d;
    return nullptr;
}

// Top-level comma-separated items of a select list.
std::vector<std::string_view> items(std::string_view list) {
    std::vector<std::string_view> out;
    int depth = 0;
    char quote = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= list.size() && out.size() < kMaxItems; ++i) {
        const char c = i < list.size() ? list[i] : ',';
        if (quote) {
            if (c == quote) quote = 0;
            continue;
        }
        if (c == '\'') quote = c;
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (c == ',' && depth <= 0) {
            out.push_back(trim(list.substr(start, i - start), kBlanks));
            start = i + 1;
        }
    }
    return out;
}

// "expr AS name", "name = expr", "expr"; the name SQL Server gives an unnamed one is "".
std::pair<std::string_view, std::string> split_alias(std::string_view item) {
    const auto lower = ascii_lower(item);
    if (const auto as = lower.rfind(" as ");
        as != std::string::npos && lower.find('\'', as) == std::string::npos) {
        auto alias = trim(item.substr(as + 4), kBlanks);
        std::string name;
        for (const char c : alias)
            if (c != '[' && c != ']' && c != '\'' && c != '"') name += c;
        return {trim(item.substr(0, as), kBlanks), name};
    }
    if (const auto eq = item.find('='); eq != std::string_view::npos && item[0] != '@' &&
                                        item.find('(') > eq && item.find('\'') > eq) {
        return {trim(item.substr(eq + 1), kBlanks), std::string(trim(item.substr(0, eq), kBlanks))};
    }
    return {item, {}};
}

std::optional<std::string> quoted_argument(std::string_view call) {
    const auto open = call.find('\'');
    if (open == std::string_view::npos) return std::nullopt;
    const auto close = call.find('\'', open + 1);
    if (close == std::string_view::npos) return std::nullopt;
    return std::string(call.substr(open + 1, close - open - 1));
}

std::optional<std::string> server_property(const Server& server, std::string_view name) {
    const auto n = ascii_lower(name);
    if (n == "productversion") return server.product_version;
    if (n == "productlevel") return server.product_level;
    if (n == "productmajorversion")
        return server.product_version.substr(0, server.product_version.find('.'));
    if (n == "edition") return server.edition;
    if (n == "engineedition")
        return server.edition.starts_with("Enterprise") || server.edition.starts_with("Developer")
                   ? "3"
               : server.edition.starts_with("Express") ? "4"
                                                       : "2";
    if (n == "machinename" || n == "servername" || n == "computernamephysicalnetbios")
        return server.server_name;
    if (n == "collation") return "SQL_Latin1_General_CP1_CI_AS";
    if (n == "isclustered" || n == "isintegratedsecurityonly" || n == "ishadrenabled" ||
        n == "issingleuser")
        return "0";
    if (n == "isfulltextinstalled") return "1";
    return std::nullopt;
}

// One item of a SELECT without FROM: its value and whether it is an integer, or an error.
struct Value {
    std::optional<std::string> text;
    bool integer = false;
    std::optional<tds::Message> error;
};

Value evaluate(const Server& server, const Connection& c, std::string_view expr) {
    std::string item = ascii_lower(expr);
    std::erase_if(item, [](char ch) { return is_blank(ch); });
    const auto text = [](std::optional<std::string> v) { return Value{std::move(v), false, {}}; };
    const auto number = [](std::string v) { return Value{std::move(v), true, {}}; };
    if (item == "@@version") return text(server.banner);
    if (item == "@@servername") return text(server.server_name);
    if (item == "@@servicename") return text("MSSQLSERVER");
    if (item == "@@spid") return number(std::to_string(c.spid));
    if (item == "@@language") return text("us_english");
    if (item == "@@trancount" || item == "@@rowcount" || item == "@@error") return number("0");
    if (item == "@@microsoftversion") {
        const auto major = std::atoi(server.product_version.c_str());
        const auto rest = server.product_version.substr(server.product_version.find('.') + 1);
        const auto build = std::atoi(rest.substr(rest.find('.') + 1).c_str());
        return number(std::to_string((major << 24) | build));
    }
    if (item == "db_name()") return text(c.database);
    if (item == "system_user" || item == "suser_sname()" || item == "suser_name()" ||
        item == "original_login()" || item == "session_user")
        return text(c.login);
    if (item == "user_name()" || item == "current_user" || item == "user")
        return text(c.sysadmin() ? "dbo" : c.login);
    if (item == "host_name()") return text(c.client_host);
    if (item == "app_name()") return text(c.app);
    if (item == "getdate()" || item == "current_timestamp" || item == "sysdatetime()" ||
        item == "getutcdate()")
        return text(now_text());
    if (item.starts_with("is_srvrolemember(") || item.starts_with("is_member("))
        return number(c.sysadmin() ? "1" : "0");
    if (item.starts_with("serverproperty(")) {
        const auto name = quoted_argument(expr);
        return text(name ? server_property(server, *name) : std::nullopt);
    }
    if (!item.empty() && item.find_first_not_of("0123456789") == std::string::npos)
        return number(item.substr(0, 18));
    if (item.size() >= 2 && item.front() == '\'' && item.back() == '\'') {
        const auto t = trim(expr, kBlanks);
        return text(std::string(t.substr(1, t.size() - 2)));
    }
    if (item.size() >= 3 && item[0] == 'n' && item[1] == '\'' && item.back() == '\'') {
        const auto t = trim(expr, kBlanks);
        return text(std::string(t.substr(2, t.size() - 3)));
    }
    const auto paren = item.find('(');
    if (paren != std::string::npos && paren > 0)
        return Value{{},
                     false,
                     message(195, 15, 10,
                             "'" + std::string(trim(expr, kBlanks).substr(0, paren)) +
                                 "' is not a recognized built-in function name.",
                             server)};
    return Value{
        {},
        false,
        message(207, 16, 1,
                "Invalid column name '" + std::string(trim(expr, kBlanks).substr(0, 128)) + "'.",
                server)};
}

Result select_values(const Server& server, const Connection& c, std::string_view list) {
    std::vector<tds::Column> columns;
    std::vector<std::optional<std::string>> row;
    for (const auto item : items(list)) {
        const auto [expr, name] = split_alias(item);
        auto v = evaluate(server, c, expr);
        if (v.error) return error(std::move(*v.error));
        columns.push_back({name, v.integer});
        row.push_back(std::move(v.text));
    }
    return rows(std::move(columns), {std::move(row)});
}

// sys.databases, master..sysdatabases, sp_databases: the items each query names.
Result list_databases(const Server& server, std::string_view list) {
    std::vector<std::string> names;
    for (const auto item : items(list)) names.push_back(ascii_lower(split_alias(item).first));
    if (names.empty() || names[0] == "*") names = {"name", "database_id", "create_date"};
    std::vector<tds::Column> columns;
    for (const auto& n : names)
        columns.push_back({n.substr(n.rfind('.') + 1), n.ends_with("database_id") ||
                                                           n.ends_with("dbid") ||
                                                           n.ends_with("compatibility_level")});
    std::vector<std::vector<std::optional<std::string>>> values;
    const auto all = database_names(server);
    const auto level = std::to_string(std::atoi(server.product_version.c_str()) * 10);
    for (std::size_t i = 0; i < all.size(); ++i) {
        std::vector<std::optional<std::string>> row;
        for (const auto& n : names) {
            if (n.ends_with("name"))
                row.emplace_back(all[i]);
            else if (n.ends_with("database_id") || n.ends_with("dbid"))
                row.emplace_back(std::to_string(i + 1));
            else if (n.ends_with("create_date") || n.ends_with("crdate"))
                row.emplace_back(i < 4 ? "2003-04-08 09:13:36.390" : "2023-03-14 10:22:41.817");
            else if (n.ends_with("state_desc"))
                row.emplace_back("ONLINE");
            else if (n.ends_with("compatibility_level"))
                row.emplace_back(level);
            else if (n.ends_with("collation_name"))
                row.emplace_back("SQL_Latin1_General_CP1_CI_AS");
            else
                row.emplace_back(std::nullopt);
        }
        values.push_back(std::move(row));
    }
    return rows(std::move(columns), std::move(values));
}

// sys.tables, sysobjects, INFORMATION_SCHEMA.TABLES of the current database.
Result list_tables(const Server& server, const Connection& c, std::string_view lower,
                   std::string_view list) {
    std::vector<std::string> names;
    for (const auto item : items(list)) names.push_back(ascii_lower(split_alias(item).first));
    const bool schema = mentions(lower, "information_schema");
    if (names.empty() || names[0] == "*")
        names = schema ? std::vector<std::string>{"table_catalog", "table_schema", "table_name",
                                                  "table_type"}
                       : std::vector<std::string>{"name", "object_id", "type_desc"};
    std::vector<tds::Column> columns;
    for (const auto& n : names) columns.push_back({n, false});
    if (schema)
        for (auto& col : columns) col.name = ascii_upper(col.name);
    std::vector<std::vector<std::optional<std::string>>> values;
    if (const auto* db = app_database(server, c.database)) {
        int id = 581577110;
        for (const auto& t : db->tables) {
            std::vector<std::optional<std::string>> row;
            for (const auto& n : names) {
                if (n == "table_catalog")
                    row.emplace_back(db->name);
                else if (n == "table_schema")
                    row.emplace_back("dbo");
                else if (n == "name" || n == "table_name")
                    row.emplace_back(t.name);
                else if (n == "table_type")
                    row.emplace_back("BASE TABLE");
                else if (n == "object_id" || n == "id")
                    row.emplace_back(std::to_string(id));
                else if (n == "type_desc")
                    row.emplace_back("USER_TABLE");
                else if (n == "xtype" || n == "type")
                    row.emplace_back("U");
                else
                    row.emplace_back(std::nullopt);
            }
            values.push_back(std::move(row));
            id += 16051;
        }
    }
    return rows(std::move(columns), std::move(values));
}

// A bait table through mysql_sql's engine: [brackets] and dbo. dropped, TOP n as LIMIT n.
Result select_table(const Server& server, Connection& c, std::string_view statement) {
    std::string sql;
    for (const char ch : statement)
        if (ch != '[' && ch != ']') sql += ch;
    for (auto at = ascii_lower(sql).find("dbo."); at != std::string::npos;
         at = ascii_lower(sql).find("dbo."))
        sql.erase(at, 4);
    for (auto at = sql.find(".."); at != std::string::npos; at = sql.find("..")) sql.erase(at, 1);
    std::string limit;
    const auto lower = ascii_lower(sql);
    if (const auto top = lower.find("top "); top != std::string::npos && top < 16) {
        std::size_t end = top + 4;
        while (end < sql.size() && is_blank(sql[end])) ++end;
        std::size_t digits = end;
        while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') ++digits;
        limit = sql.substr(end, std::min<std::size_t>(digits - end, 9));
        sql.erase(top, digits - top);
        if (!limit.empty()) sql += " LIMIT " + limit;
    }
    mysql::Server my{server.product_version, "", server.server_name, "Windows", false,
                     server.databases};
    mysql::Connection mc{c.login, c.client_ip, c.database, 1};
    const auto a = mysql::run_query(my, mc, sql);
    if (a.kind == mysql::Answer::error) {
        if (a.code == 1146 || a.code == 1049 || a.code == 1046) {
            auto from = ascii_lower(statement).find(" from ");
            const auto name = from == std::string::npos
                                  ? std::string("?")
                                  : object_name(after_word(statement.substr(from + 1)));
            return error(message(208, 16, 1, "Invalid object name '" + name + "'.", server));
        }
        if (a.code == 1054) {
            auto name = a.message.substr(a.message.find('\'') + 1);
            name = name.substr(0, name.find('\''));
            return error(message(207, 16, 1, "Invalid column name '" + name + "'.", server));
        }
        return syntax_error(server, first_word(statement));
    }
    std::vector<tds::Column> columns;
    for (const auto& col : a.columns)
        columns.push_back(
            {col.name, col.type == mysql::kTypeLong || col.type == mysql::kTypeLongLong});
    if (columns.size() == 1 && ascii_lower(columns[0].name).starts_with("count("))
        columns[0] = {"", true};
    return rows(std::move(columns), a.result);
}

Result xp_cmdshell(const Server& server, const Connection& c) {
    if (!c.sysadmin())
        return error(message(229, 14, 5,
                             "The EXECUTE permission was denied on the object 'xp_cmdshell', "
                             "database 'mssqlsystemresource', schema 'sys'.",
                             server),
                     "exploit");
    return error(
        message(15281, 16, 1,
                "SQL Server blocked access to procedure 'sys.xp_cmdshell' of component "
                "'xp_cmdshell' because this component is turned off as part of the security "
                "configuration for this server. A system administrator can enable the use of "
                "'xp_cmdshell' by using sp_configure. For more information about enabling "
                "'xp_cmdshell', search for 'xp_cmdshell' in SQL Server Books Online.",
                server, "xp_cmdshell"),
        "exploit");
}

Result ole_automation(const Server& server, std::string_view procedure) {
    return error(message(15281, 16, 1,
                         "SQL Server blocked access to procedure 'sys." + std::string(procedure) +
                             "' of component 'Ole Automation Procedures' because this component "
                             "is turned off as part of the security configuration for this "
                             "server. A system administrator can enable the use of 'Ole "
                             "Automation Procedures' by using sp_configure. For more information "
                             "about enabling 'Ole Automation Procedures', search for 'Ole "
                             "Automation Procedures' in SQL Server Books Online.",
                         server, std::string(procedure)),
                 "exploit");
}

Result sp_configure(const Server& server, std::string_view arguments) {
    if (!trim(arguments, kBlanks).empty())
        return error(message(15247, 16, 1, "User does not have permission to perform this action.",
                             server, "sp_configure", 105),
                     "exploit");
    std::vector<std::vector<std::optional<std::string>>> values;
    for (const auto* name :
         {"allow updates", "backup compression default", "clr enabled",
          "contained database authentication", "cross db ownership chaining", "default language",
          "filestream access level", "max text repl size (B)", "nested triggers", "remote access",
          "remote admin connections", "remote login timeout (s)", "remote proc trans",
          "remote query timeout (s)", "server trigger recursion", "show advanced options",
          "user options"}) {
        const std::string_view n = name;
        const char* value = n == "nested triggers" || n == "remote access" ? "1"
                            : n == "remote login timeout (s)"              ? "10"
                            : n == "remote query timeout (s)"              ? "600"
                            : n == "max text repl size (B)"                ? "65536"
                                                                           : "0";
        values.push_back(
            {std::string(n), "0", n.ends_with("(s)") ? "2147483647" : "1", value, value});
    }
    auto r = rows({{"name", false},
                   {"minimum", true},
                   {"maximum", true},
                   {"config_value", true},
                   {"run_value", true}},
                  std::move(values));
    r.command = kCmdExecute;
    return r;
}

// EXEC of a procedure (or a batch that starts with its name).
Result execute(const Server& server, Connection& c, std::string_view call) {
    const auto name = ascii_lower(object_name(call));
    const auto arguments = after_word(call);
    if (name == "xp_cmdshell") return xp_cmdshell(server, c);
    if (name == "sp_configure") return sp_configure(server, arguments);
    if (name.starts_with("sp_oa")) return ole_automation(server, object_name(call));
    if (name == "xp_dirtree" || name == "xp_subdirs" || name == "xp_fileexist") {
        // UNC paths here make the server authenticate to the attacker: a hash-leak attempt.
        auto r = rows({{"subdirectory", false}, {"depth", true}}, {});
        if (name == "xp_fileexist")
            r = rows({{"File Exists", true},
                      {"File is a Directory", true},
                      {"Parent Directory Exists", true}},
                     {{"0", "0", "0"}});
        r.capture = "exploit";
        return r;
    }
    if (name == "xp_regread" || name == "xp_regwrite" || name == "xp_servicecontrol" ||
        name == "sp_addextendedproc" || name == "xp_availablemedia")
        return error(message(229, 14, 5,
                             "The EXECUTE permission was denied on the object '" + name +
                                 "', database 'mssqlsystemresource', schema 'sys'.",
                             server),
                     "exploit");
    if (name == "sp_executesql" || name == "sp_sqlexec") {
        const auto inner = quoted_argument(arguments);
        if (inner && inner->size() < 4096) {
            auto results = run_batch(server, c, *inner);
            if (!results.empty()) return std::move(results.front());
        }
        return done();
    }
    if (name == "sp_databases") {
        std::vector<std::vector<std::optional<std::string>>> values;
        for (const auto& db : database_names(server)) values.push_back({db, "8192", std::nullopt});
        auto r = rows({{"DATABASE_NAME", false}, {"DATABASE_SIZE", true}, {"REMARKS", false}},
                      std::move(values));
        r.command = kCmdExecute;
        return r;
    }
    if (name == "sp_addlogin" || name == "sp_addsrvrolemember" || name == "sp_password" ||
        name == "sp_adduser" || name == "sp_addrolemember")
        return error(message(15247, 16, 1, "User does not have permission to perform this action.",
                             server, name, 1),
                     "write");
    if (name == "sp_who" || name == "sp_who2" || name == "sp_helpdb" || name == "sp_tables" ||
        name == "sp_columns" || name == "sp_server_info" || name == "sp_helplogins")
        return done({}, false, 0, kCmdExecute);
    return error(message(2812, 16, 62,
                         "Could not find stored procedure '" + object_name(call) + "'.", server));
}

Result run_select(const Server& server, Connection& c, std::string_view s) {
    const auto lower = ascii_lower(s);
    if (mentions(lower, "openrowset") || mentions(lower, "opendatasource"))
        return error(message(15281, 16, 1,
                             "SQL Server blocked access to STATEMENT 'OpenRowset/OpenDatasource' "
                             "of component 'Ad Hoc Distributed Queries' because this component "
                             "is turned off as part of the security configuration for this "
                             "server. A system administrator can enable the use of 'Ad Hoc "
                             "Distributed Queries' by using sp_configure. For more information "
                             "about enabling 'Ad Hoc Distributed Queries', search for 'Ad Hoc "
                             "Distributed Queries' in SQL Server Books Online.",
                             server),
                     "exploit");
    auto list = after_word(s);
    if (ascii_lower(list.substr(0, 4)) == "top ") list = after_word(after_word(list));
    const auto from = ascii_lower(list).find(" from ");
    const auto columns = from == std::string::npos ? list : list.substr(0, from);
    if (from == std::string::npos) return select_values(server, c, list);
    if (mentions(lower, "sys.databases") || mentions(lower, "sysdatabases"))
        return list_databases(server, columns);
    if (mentions(lower, "sys.tables") || mentions(lower, "sysobjects") ||
        mentions(lower, "sys.objects") || mentions(lower, "information_schema.tables"))
        return list_tables(server, c, lower, columns);
    if (mentions(lower, "sys.sql_logins") || mentions(lower, "sys.server_principals") ||
        mentions(lower, "syslogins")) {
        std::vector<std::vector<std::optional<std::string>>> values;
        for (const auto* login :
             {"sa", "##MS_PolicyEventProcessingLogin##", "##MS_PolicyTsqlExecutionLogin##",
              "NT AUTHORITY\\SYSTEM", "NT Service\\MSSQLSERVER"})
            values.push_back({std::string(login)});
        return rows({{"name", false}}, std::move(values));
    }
    return select_table(server, c, s);
}

Result run_statement(const Server& server, Connection& c, std::string_view s) {
    const auto lower = ascii_lower(s);
    const auto verb = first_word(s);
    if (verb == "exec" || verb == "execute") return execute(server, c, after_word(s));
    if (verb.starts_with("xp_") || verb.starts_with("sp_") || verb.starts_with("master.") ||
        verb.starts_with("[master]"))
        return execute(server, c, s);
    if (verb == "select") return run_select(server, c, s);
    if (verb == "use") {
        const auto name = object_name(after_word(s));
        if (!database_exists(server, name))
            return error(message(911, 16, 1,
                                 "Database '" + name +
                                     "' does not exist. Make sure that the name is entered "
                                     "correctly.",
                                 server));
        Result r;
        for (const auto d : kSystemDatabases)
            if (iequals(d, name)) r.database = std::string(d);
        if (const auto* db = app_database(server, name)) r.database = db->name;
        c.database = r.database;
        r.infos.push_back(
            message(5701, 0, 1, "Changed database context to '" + r.database + "'.", server));
        return r;
    }
    if (verb == "bulk" || mentions(lower, "openquery(")) {
        auto path = quoted_argument(s).value_or("");
        return error(message(4861, 16, 1,
                             "Cannot bulk load because the file \"" + path.substr(0, 256) +
                                 "\" could not be opened. Operating system error code 5(Access "
                                 "is denied.).",
                             server),
                     "exploit");
    }
    if (verb == "create" &&
        (mentions(lower, "assembly") || mentions(lower, "procedure") || mentions(lower, "trigger")))
        return done(mentions(lower, "assembly") ? "exploit" : "write");
    const bool ransom = mentions(lower, "bitcoin") || mentions(lower, "btc") ||
                        mentions(lower, "recover") || mentions(lower, "backup") ||
                        mentions(lower, "readme") || mentions(lower, "ransom");
    if (verb == "drop" || verb == "truncate") return done("destructive");
    if (verb == "delete") return done("destructive", true, 11, kCmdDelete);
    if (verb == "insert") return done(ransom ? "ransom_note" : "write", true, 1, kCmdInsert);
    if (verb == "update") return done(ransom ? "ransom_note" : "write", true, 1, kCmdUpdate);
    if (verb == "create" || verb == "alter" || verb == "grant" || verb == "revoke" ||
        verb == "deny")
        return done(ransom ? "ransom_note" : "write");
    if (verb == "shutdown")
        return error(message(6109, 14, 1, "SHUTDOWN permission denied on object 'master'.", server),
                     "destructive");
    if (verb == "set" || verb == "declare" || verb == "begin" || verb == "commit" ||
        verb == "rollback" || verb == "print" || verb == "waitfor" || verb == "reconfigure" ||
        verb == "if" || verb == "go" || verb == "dbcc" || verb == "save")
        return done();
    return syntax_error(server, s.substr(0, std::min(s.size(), verb.size())));
}

}  // namespace

bool Connection::sysadmin() const {
    return iequals(login, "sa");
}

std::vector<std::string> database_names(const Server& server) {
    std::vector<std::string> names;
    for (const auto d : kSystemDatabases) names.emplace_back(d);
    for (const auto& d : server.databases) names.push_back(d.name);
    return names;
}

bool database_exists(const Server& server, std::string_view name) {
    for (const auto d : kSystemDatabases)
        if (iequals(d, name)) return true;
    return app_database(server, name) != nullptr;
}

std::vector<Result> run_batch(const Server& server, Connection& c, std::string_view sql) {
    std::vector<Result> out;
    for (const auto s : statements(sql)) {
        auto r = run_statement(server, c, s);
        r.statement = std::string(s.substr(0, 4096));
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace decnet::honeypot::mssql
