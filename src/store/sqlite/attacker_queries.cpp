// Attacker profile queries on SQLite (api.md §6.5). Every value is bound; only the
// ORDER BY text is chosen here, from a fixed list.
#include "store/sqlite/attacker_queries.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "store/log_search.hpp"
#include "store/sqlite/log_filter_sql.hpp"

namespace decnet::store::sqlite {
namespace {

constexpr int kMaxPageRows = 1000;
// SQLite's default bound on host parameters is 32766; a page has at most 1000 IPs.
constexpr std::size_t kMaxIpsPerQuery = 1000;

constexpr std::string_view kAttackerColumns =
    "uuid, ip, first_seen, last_seen, event_count, service_count, decky_count, services, "
    "deckies, traversal_path, is_traversal, bounty_count, credential_count, fingerprints, "
    "commands, updated_at, attack_techniques, country, country_name, asn, as_org";
constexpr std::string_view kBehaviorColumns =
    "b.attacker_uuid, b.os_guess, b.hop_distance, b.tcp_fingerprint, b.retransmit_count, "
    "b.behavior_class, b.beacon_interval_s, b.beacon_jitter_pct, b.tool_guesses, "
    "b.timing_stats, b.phase_sequence, b.updated_at";

AttackerRecord read_attacker(const Statement& s) {
    AttackerRecord a;
    a.uuid = s.column_text(0);
    a.ip = s.column_text(1);
    a.first_seen = s.column_text(2);
    a.last_seen = s.column_text(3);
    a.event_count = s.column_int64(4);
    a.service_count = s.column_int64(5);
    a.decky_count = s.column_int64(6);
    a.services = s.column_text(7);
    a.deckies = s.column_text(8);
    a.traversal_path = s.column_optional_text(9);
    a.is_traversal = s.column_int64(10) != 0;
    a.bounty_count = s.column_int64(11);
    a.credential_count = s.column_int64(12);
    a.fingerprints = s.column_text(13);
    a.commands = s.column_text(14);
    a.updated_at = s.column_text(15);
    a.attack_techniques = s.column_text(16);
    a.country = s.column_optional_text(17);
    a.country_name = s.column_optional_text(18);
    if (!s.column_is_null(19)) a.asn = s.column_int64(19);
    a.as_org = s.column_optional_text(20);
    return a;
}

std::optional<double> optional_real(const Statement& s, int column) {
    if (s.column_is_null(column)) return std::nullopt;
    const std::string text = s.column_text(column);
    return std::strtod(text.c_str(), nullptr);
}

// Columns from `first` on, in kBehaviorColumns order.
AttackerBehaviorRecord read_behavior(const Statement& s, int first) {
    AttackerBehaviorRecord b;
    b.attacker_uuid = s.column_text(first);
    b.os_guess = s.column_optional_text(first + 1);
    if (!s.column_is_null(first + 2)) b.hop_distance = s.column_int64(first + 2);
    b.tcp_fingerprint = s.column_text(first + 3);
    b.retransmit_count = s.column_int64(first + 4);
    b.behavior_class = s.column_optional_text(first + 5);
    b.beacon_interval_s = optional_real(s, first + 6);
    b.beacon_jitter_pct = optional_real(s, first + 7);
    b.tool_guesses = s.column_optional_text(first + 8);
    b.timing_stats = s.column_text(first + 9);
    b.phase_sequence = s.column_text(first + 10);
    b.updated_at = s.column_text(first + 11);
    return b;
}

void add_attacker_filter(Where& where, const AttackerFilter& filter) {
    if (filter.search)
        where.require("ip LIKE " +
                      where.bind("%" + std::string(clip_search(*filter.search)) + "%"));
    // The quoted element inside the JSON list text; instr() is an exact, case-sensitive
    // substring test (LIKE would fold case and treat % and _ as wildcards).
    if (filter.service)
        where.require("instr(services, " + where.bind("\"" + *filter.service + "\"") + ") > 0");
}

std::string_view order_by(AttackerSort sort) {
    switch (sort) {
        case AttackerSort::active:
            return " ORDER BY event_count DESC, uuid DESC";
        case AttackerSort::traversals:
            return " ORDER BY is_traversal DESC, last_seen DESC, uuid DESC";
        case AttackerSort::recent:
            break;
    }
    return " ORDER BY last_seen DESC, uuid DESC";
}

Param text_or_null(const std::optional<std::string>& value) {
    if (value) return *value;
    return nullptr;
}

Param real_or_null(const std::optional<double>& value) {
    if (!value) return nullptr;
    char text[64];
    const auto result = std::to_chars(text, text + sizeof text, *value);
    return std::string(text, result.ptr);  // REAL affinity stores it as a number
}

void run(Connection& c, const std::string& sql, const std::vector<Param>& params) {
    auto statement = c.prepare(sql);
    statement->bind_all(params);
    statement->step();
}

}  // namespace

std::vector<AttackerRecord> select_attackers(Connection& c, const AttackerFilter& filter,
                                             AttackerSort sort, int limit, int offset) {
    limit = std::clamp(limit, 0, kMaxPageRows);
    if (limit == 0) return {};
    Where where;
    add_attacker_filter(where, filter);
    std::string sql = "SELECT " + std::string(kAttackerColumns) + " FROM attackers" + where.sql();
    sql += order_by(sort);
    sql += " LIMIT " + where.bind(std::int64_t{limit});
    sql += " OFFSET " + where.bind(std::int64_t{std::max(offset, 0)});
    auto statement = c.prepare(sql);
    statement->bind_all(where.params());
    std::vector<AttackerRecord> rows;
    while (statement->step()) rows.push_back(read_attacker(*statement));
    return rows;
}

std::int64_t count_attackers(Connection& c, const AttackerFilter& filter) {
    Where where;
    add_attacker_filter(where, filter);
    return c.query_int64("SELECT COUNT(*) FROM attackers" + where.sql(), where.params())
        .value_or(0);
}

std::optional<AttackerRecord> select_attacker(Connection& c, const std::string& uuid) {
    auto statement =
        c.prepare("SELECT " + std::string(kAttackerColumns) + " FROM attackers WHERE uuid = ?1");
    statement->bind(1, std::string_view(uuid));
    if (!statement->step()) return std::nullopt;
    return read_attacker(*statement);
}

std::optional<AttackerRecord> select_attacker_by_ip(Connection& c, const std::string& ip) {
    auto statement = c.prepare("SELECT " + std::string(kAttackerColumns) +
                               " FROM attackers WHERE ip = ?1 ORDER BY last_seen DESC LIMIT 1");
    statement->bind(1, std::string_view(ip));
    if (!statement->step()) return std::nullopt;
    return read_attacker(*statement);
}

std::vector<std::pair<std::string, AttackerBehaviorRecord>> select_behaviors_by_ip(
    Connection& c, const std::vector<std::string>& ips) {
    std::vector<std::string> distinct = ips;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    distinct.resize(std::min(distinct.size(), kMaxIpsPerQuery));
    if (distinct.empty()) return {};
    Where where;
    std::string in;
    for (const auto& ip : distinct) in += (in.empty() ? "" : ", ") + where.bind(ip);
    const std::string sql = "SELECT a.ip, " + std::string(kBehaviorColumns) +
                            " FROM attackers a JOIN attacker_behavior b ON a.uuid = "
                            "b.attacker_uuid WHERE a.ip IN (" +
                            in + ")";
    auto statement = c.prepare(sql);
    statement->bind_all(where.params());
    std::vector<std::pair<std::string, AttackerBehaviorRecord>> rows;
    while (statement->step())
        rows.emplace_back(statement->column_text(0), read_behavior(*statement, 1));
    return rows;
}

std::optional<AttackerBehaviorRecord> select_behavior(Connection& c, const std::string& uuid) {
    auto statement = c.prepare("SELECT " + std::string(kBehaviorColumns) +
                               " FROM attacker_behavior b WHERE b.attacker_uuid = ?1");
    statement->bind(1, std::string_view(uuid));
    if (!statement->step()) return std::nullopt;
    return read_behavior(*statement, 0);
}

std::optional<std::string> select_attacker_commands(Connection& c, const std::string& uuid) {
    auto statement = c.prepare("SELECT commands FROM attackers WHERE uuid = ?1");
    statement->bind(1, std::string_view(uuid));
    if (!statement->step()) return std::nullopt;
    return statement->column_text(0);
}

void upsert_attacker(Connection& c, const AttackerRecord& a,
                     const std::optional<AttackerBehaviorRecord>& behavior) {
    in_transaction(c, [&] {
        // An upsert that updates in place: INSERT OR REPLACE deleted and re-inserted the row
        // under a new rowid, rewriting every index entry of it on every profile write.
        run(c,
            "INSERT INTO attackers (" + std::string(kAttackerColumns) +
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
                "?17, ?18, ?19, ?20, ?21) ON CONFLICT (uuid) DO UPDATE SET ip = excluded.ip, "
                "first_seen = "
                "excluded.first_seen, last_seen = excluded.last_seen, event_count = "
                "excluded.event_count, service_count = excluded.service_count, decky_count = "
                "excluded.decky_count, services = excluded.services, deckies = excluded.deckies, "
                "traversal_path = excluded.traversal_path, is_traversal = excluded.is_traversal, "
                "bounty_count = excluded.bounty_count, credential_count = "
                "excluded.credential_count, fingerprints = excluded.fingerprints, commands = "
                "excluded.commands, updated_at = excluded.updated_at, attack_techniques = "
                "excluded.attack_techniques, country = excluded.country, country_name = "
                "excluded.country_name, asn = excluded.asn, as_org = excluded.as_org",
            {a.uuid,
             a.ip,
             a.first_seen,
             a.last_seen,
             a.event_count,
             a.service_count,
             a.decky_count,
             a.services,
             a.deckies,
             text_or_null(a.traversal_path),
             std::int64_t{a.is_traversal},
             a.bounty_count,
             a.credential_count,
             a.fingerprints,
             a.commands,
             a.updated_at,
             a.attack_techniques,
             text_or_null(a.country),
             text_or_null(a.country_name),
             a.asn ? Param{*a.asn} : Param{nullptr},
             text_or_null(a.as_org)});
        if (!behavior) return;
        const auto& b = *behavior;
        Param hops = nullptr;
        if (b.hop_distance) hops = *b.hop_distance;
        run(c,
            "INSERT INTO attacker_behavior (attacker_uuid, os_guess, hop_distance, "
            "tcp_fingerprint, retransmit_count, behavior_class, beacon_interval_s, "
            "beacon_jitter_pct, tool_guesses, timing_stats, phase_sequence, updated_at) VALUES "
            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (attacker_uuid) DO "
            "UPDATE SET os_guess = excluded.os_guess, hop_distance = excluded.hop_distance, "
            "tcp_fingerprint = excluded.tcp_fingerprint, retransmit_count = "
            "excluded.retransmit_count, behavior_class = excluded.behavior_class, "
            "beacon_interval_s = excluded.beacon_interval_s, beacon_jitter_pct = "
            "excluded.beacon_jitter_pct, tool_guesses = excluded.tool_guesses, timing_stats = "
            "excluded.timing_stats, phase_sequence = excluded.phase_sequence, updated_at = "
            "excluded.updated_at",
            {a.uuid, text_or_null(b.os_guess), hops, b.tcp_fingerprint, b.retransmit_count,
             text_or_null(b.behavior_class), real_or_null(b.beacon_interval_s),
             real_or_null(b.beacon_jitter_pct), text_or_null(b.tool_guesses), b.timing_stats,
             b.phase_sequence, b.updated_at});
    });
}

}  // namespace decnet::store::sqlite
