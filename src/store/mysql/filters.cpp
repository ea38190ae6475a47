// Log and bounty filters to SQL. Equalities are exact and case-sensitive like on SQLite:
// the plain comparison uses the (case-insensitive) column index, the binary one decides.
#include "store/mysql/filters.hpp"

#include "store/log_search.hpp"

namespace decnet::store::mysql {
namespace {

// `column` comes from a fixed list (log_search.cpp), never from the user.
void add_exact(Where& where, const std::string& column, const std::string& value) {
    where.add("(" + column + " = ? AND CAST(" + column + " AS BINARY) = ?)", {value, value});
}

void add_json_field(Where& where, const std::string& key, const std::string& value) {
    // Always the quoted path form: a key such as "1abc" is not a valid bare JSON path
    // member. The key holds only [A-Za-z0-9_] (sanitised), and is bound anyway.
    where.add("CAST(JSON_UNQUOTE(JSON_EXTRACT(`fields`, ?)) AS BINARY) = ?",
              {"$.\"" + key + "\"", value});
}

void add_log_substring(Where& where, const std::string& text) {
    const auto pattern = contains_pattern(text);
    where.add("(raw_line LIKE ? OR decky LIKE ? OR service LIKE ? OR attacker_ip LIKE ?)",
              {pattern, pattern, pattern, pattern});
}

}  // namespace

void Where::add(std::string_view clause, std::vector<Value> values) {
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += clause;
    for (auto& v : values) params.push_back(std::move(v));
}

std::string contains_pattern(std::string_view text) {
    std::string pattern = "%";
    for (char c : text) {
        if (c == '\\') pattern.push_back('\\');
        pattern.push_back(c);
    }
    pattern.push_back('%');
    return pattern;
}

Where log_where(const LogFilter& filter) {
    Where where;
    if (filter.start_time) where.add("`timestamp` >= ?", {*filter.start_time});
    if (filter.end_time) where.add("`timestamp` <= ?", {*filter.end_time});
    if (!filter.search) return where;
    for (const auto& term : parse_search(*filter.search)) {
        switch (term.kind) {
            case SearchTerm::Kind::column:
                add_exact(where, term.name, term.value);
                break;
            case SearchTerm::Kind::json_field:
                add_json_field(where, term.name, term.value);
                break;
            case SearchTerm::Kind::substring:
                add_log_substring(where, term.value);
                break;
            case SearchTerm::Kind::tag:
                // One whole id of the comma-separated list, case-sensitive.
                where.add("FIND_IN_SET(CAST(? AS BINARY), CAST(tags AS BINARY)) > 0", {term.value});
                break;
        }
    }
    return where;
}

Where bounty_where(const BountyFilter& filter) {
    Where where;
    if (filter.bounty_type) add_exact(where, "bounty_type", *filter.bounty_type);
    if (filter.decky) add_exact(where, "decky", *filter.decky);
    if (filter.service) add_exact(where, "service", *filter.service);
    if (filter.attacker_ip) add_exact(where, "attacker_ip", *filter.attacker_ip);
    if (filter.payload_contains)
        where.add("LOCATE(CAST(? AS BINARY), CAST(payload AS BINARY)) > 0",
                  {*filter.payload_contains});
    if (filter.start_time) where.add("`timestamp` >= ?", {*filter.start_time});
    if (filter.end_time) where.add("`timestamp` <= ?", {*filter.end_time});
    if (filter.search) {
        const auto pattern = contains_pattern(*filter.search);
        where.add("(decky LIKE ? OR service LIKE ? OR attacker_ip LIKE ? OR payload LIKE ?)",
                  {pattern, pattern, pattern, pattern});
    }
    return where;
}

}  // namespace decnet::store::mysql
