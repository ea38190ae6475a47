// Attacker profile queries on MySQL/MariaDB (api.md §6.5). Upserts use ON DUPLICATE KEY
// UPDATE, not REPLACE: REPLACE deletes first, which the attacker_behavior foreign key
// forbids once a behaviour row exists.
#include "store/mysql/attacker_queries.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "store/mysql/filters.hpp"

namespace decnet::store::mysql {
namespace {

constexpr int kMaxPageRows = 1000;
constexpr std::size_t kMaxIpsPerQuery = 1000;

constexpr const char* kAttackerSelect =
    "SELECT uuid, ip, first_seen, last_seen, event_count, service_count, decky_count, "
    "services, deckies, traversal_path, is_traversal, bounty_count, credential_count, "
    "fingerprints, commands, updated_at, attack_techniques, country, country_name, asn, as_org "
    "FROM attackers";
constexpr const char* kBehaviorColumns =
    "b.attacker_uuid, b.os_guess, b.hop_distance, b.tcp_fingerprint, b.retransmit_count, "
    "b.behavior_class, b.beacon_interval_s, b.beacon_jitter_pct, b.tool_guesses, "
    "b.timing_stats, b.phase_sequence, b.updated_at";

std::string text(const std::optional<std::string>& cell) {
    return cell.value_or("");
}
std::int64_t integer(const std::optional<std::string>& cell) {
    return cell ? std::stoll(*cell) : 0;
}

AttackerRecord to_attacker(Row& row) {
    AttackerRecord a;
    a.uuid = text(row[0]);
    a.ip = text(row[1]);
    a.first_seen = text(row[2]);
    a.last_seen = text(row[3]);
    a.event_count = integer(row[4]);
    a.service_count = integer(row[5]);
    a.decky_count = integer(row[6]);
    a.services = text(row[7]);
    a.deckies = text(row[8]);
    a.traversal_path = std::move(row[9]);
    a.is_traversal = integer(row[10]) != 0;
    a.bounty_count = integer(row[11]);
    a.credential_count = integer(row[12]);
    a.fingerprints = text(row[13]);
    a.commands = text(row[14]);
    a.updated_at = text(row[15]);
    a.attack_techniques = text(row[16]);
    a.country = std::move(row[17]);
    a.country_name = std::move(row[18]);
    if (row[19]) a.asn = integer(row[19]);
    a.as_org = std::move(row[20]);
    return a;
}

AttackerBehaviorRecord to_behavior(Row& row, std::size_t first) {
    AttackerBehaviorRecord b;
    b.attacker_uuid = text(row[first]);
    b.os_guess = std::move(row[first + 1]);
    if (row[first + 2]) b.hop_distance = integer(row[first + 2]);
    b.tcp_fingerprint = text(row[first + 3]);
    b.retransmit_count = integer(row[first + 4]);
    b.behavior_class = std::move(row[first + 5]);
    if (row[first + 6]) b.beacon_interval_s = std::strtod(row[first + 6]->c_str(), nullptr);
    if (row[first + 7]) b.beacon_jitter_pct = std::strtod(row[first + 7]->c_str(), nullptr);
    b.tool_guesses = std::move(row[first + 8]);
    b.timing_stats = text(row[first + 9]);
    b.phase_sequence = text(row[first + 10]);
    b.updated_at = text(row[first + 11]);
    return b;
}

Where attacker_where(const AttackerFilter& filter) {
    Where where;
    if (filter.search) where.add("ip LIKE ?", {contains_pattern(*filter.search)});
    // Exact, case-sensitive element match inside the JSON list text.
    if (filter.service)
        where.add("INSTR(CAST(services AS BINARY), CAST(? AS BINARY)) > 0",
                  {"\"" + *filter.service + "\""});
    return where;
}

const char* order_by(AttackerSort sort) {
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

Value optional_text(const std::optional<std::string>& value) {
    if (value) return *value;
    return nullptr;
}

Value optional_real(const std::optional<double>& value) {
    if (!value) return nullptr;
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, *value);
    return std::string(buffer, result.ptr);
}

}  // namespace

std::vector<AttackerRecord> select_attackers(Connection& c, const AttackerFilter& filter,
                                             AttackerSort sort, int limit, int offset) {
    limit = std::clamp(limit, 0, kMaxPageRows);
    if (limit == 0) return {};
    auto where = attacker_where(filter);
    auto values = where.params;
    values.emplace_back(std::int64_t{limit});
    values.emplace_back(std::int64_t{std::max(offset, 0)});
    const std::string sql =
        std::string(kAttackerSelect) + where.sql + order_by(sort) + " LIMIT ? OFFSET ?";
    auto rows = c.query(sql, borrow(values));
    std::vector<AttackerRecord> records;
    records.reserve(rows.size());
    for (auto& row : rows) records.push_back(to_attacker(row));
    return records;
}

std::int64_t count_attackers(Connection& c, const AttackerFilter& filter) {
    const auto where = attacker_where(filter);
    return c.count("SELECT COUNT(*) FROM attackers" + where.sql, borrow(where.params));
}

std::optional<AttackerRecord> select_attacker(Connection& c, const std::string& uuid) {
    const Param params[] = {std::string_view(uuid)};
    auto rows = c.query(std::string(kAttackerSelect) + " WHERE uuid = ?", params);
    if (rows.empty()) return std::nullopt;
    return to_attacker(rows.front());
}

std::optional<AttackerRecord> select_attacker_by_ip(Connection& c, const std::string& ip) {
    const Param params[] = {std::string_view(ip)};
    auto rows = c.query(
        std::string(kAttackerSelect) + " WHERE ip = ? ORDER BY last_seen DESC LIMIT 1", params);
    if (rows.empty()) return std::nullopt;
    return to_attacker(rows.front());
}

std::vector<std::pair<std::string, AttackerBehaviorRecord>> select_behaviors_by_ip(
    Connection& c, const std::vector<std::string>& ips) {
    std::vector<std::string> distinct = ips;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    distinct.resize(std::min(distinct.size(), kMaxIpsPerQuery));
    if (distinct.empty()) return {};
    std::string in;
    std::vector<Param> params;
    for (const auto& ip : distinct) {
        in += in.empty() ? "?" : ", ?";
        params.emplace_back(std::string_view(ip));
    }
    auto rows = c.query(std::string("SELECT a.ip, ") + kBehaviorColumns +
                            " FROM attackers a JOIN attacker_behavior b ON a.uuid = "
                            "b.attacker_uuid WHERE a.ip IN (" +
                            in + ")",
                        params);
    std::vector<std::pair<std::string, AttackerBehaviorRecord>> result;
    for (auto& row : rows) result.emplace_back(text(row[0]), to_behavior(row, 1));
    return result;
}

std::optional<AttackerBehaviorRecord> select_behavior(Connection& c, const std::string& uuid) {
    const Param params[] = {std::string_view(uuid)};
    auto rows = c.query(std::string("SELECT ") + kBehaviorColumns +
                            " FROM attacker_behavior b WHERE b.attacker_uuid = ?",
                        params);
    if (rows.empty()) return std::nullopt;
    return to_behavior(rows.front(), 0);
}

std::optional<std::string> select_attacker_commands(Connection& c, const std::string& uuid) {
    const Param params[] = {std::string_view(uuid)};
    auto rows = c.query("SELECT commands FROM attackers WHERE uuid = ?", params);
    if (rows.empty()) return std::nullopt;
    return text(rows.front()[0]);
}

void upsert_attacker_rows(Connection& c, const AttackerRecord& a,
                          const std::optional<AttackerBehaviorRecord>& behavior) {
    const std::vector<Value> attacker_values{a.uuid,
                                             a.ip,
                                             a.first_seen,
                                             a.last_seen,
                                             a.event_count,
                                             a.service_count,
                                             a.decky_count,
                                             a.services,
                                             a.deckies,
                                             optional_text(a.traversal_path),
                                             std::int64_t{a.is_traversal},
                                             a.bounty_count,
                                             a.credential_count,
                                             a.fingerprints,
                                             a.commands,
                                             a.updated_at,
                                             a.attack_techniques,
                                             optional_text(a.country),
                                             optional_text(a.country_name),
                                             a.asn ? Value{*a.asn} : Value{nullptr},
                                             optional_text(a.as_org)};
    c.change(
        "INSERT INTO attackers (uuid, ip, first_seen, last_seen, event_count, service_count, "
        "decky_count, services, deckies, traversal_path, is_traversal, bounty_count, "
        "credential_count, fingerprints, commands, updated_at, attack_techniques, country, "
        "country_name, asn, as_org) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?) ON DUPLICATE KEY UPDATE ip = VALUES(ip), "
        "first_seen = "
        "VALUES(first_seen), last_seen = VALUES(last_seen), event_count = VALUES(event_count), "
        "service_count = VALUES(service_count), decky_count = VALUES(decky_count), services = "
        "VALUES(services), deckies = VALUES(deckies), traversal_path = VALUES(traversal_path), "
        "is_traversal = VALUES(is_traversal), bounty_count = VALUES(bounty_count), "
        "credential_count = VALUES(credential_count), fingerprints = VALUES(fingerprints), "
        "commands = VALUES(commands), updated_at = VALUES(updated_at), attack_techniques = "
        "VALUES(attack_techniques), country = VALUES(country), country_name = "
        "VALUES(country_name), "
        "asn = VALUES(asn), as_org = VALUES(as_org)",
        borrow(attacker_values));
    if (!behavior) return;
    const auto& b = *behavior;
    Value hops = nullptr;
    if (b.hop_distance) hops = *b.hop_distance;
    const std::vector<Value> behavior_values{a.uuid,
                                             optional_text(b.os_guess),
                                             hops,
                                             b.tcp_fingerprint,
                                             b.retransmit_count,
                                             optional_text(b.behavior_class),
                                             optional_real(b.beacon_interval_s),
                                             optional_real(b.beacon_jitter_pct),
                                             optional_text(b.tool_guesses),
                                             b.timing_stats,
                                             b.phase_sequence,
                                             b.updated_at};
    c.change(
        "INSERT INTO attacker_behavior (attacker_uuid, os_guess, hop_distance, tcp_fingerprint, "
        "retransmit_count, behavior_class, beacon_interval_s, beacon_jitter_pct, tool_guesses, "
        "timing_stats, phase_sequence, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE os_guess = VALUES(os_guess), hop_distance = "
        "VALUES(hop_distance), tcp_fingerprint = VALUES(tcp_fingerprint), retransmit_count = "
        "VALUES(retransmit_count), behavior_class = VALUES(behavior_class), beacon_interval_s = "
        "VALUES(beacon_interval_s), beacon_jitter_pct = VALUES(beacon_jitter_pct), "
        "tool_guesses = VALUES(tool_guesses), timing_stats = VALUES(timing_stats), "
        "phase_sequence = VALUES(phase_sequence), updated_at = VALUES(updated_at)",
        borrow(behavior_values));
}

}  // namespace decnet::store::mysql
