// Identity rows on MySQL/MariaDB, the same shape and answers as SQLite's.
#include "store/mysql/identity_queries.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace decnet::store::mysql {
namespace {

constexpr int kMaxPageRows = 1000;
constexpr std::size_t kMaxIpsPerQuery = 1000;
constexpr const char* kIdentitySelect =
    "SELECT id, confidence, members, evidence, first_seen, last_seen, updated_at "
    "FROM identities";

std::string text(const std::optional<std::string>& cell) {
    return cell.value_or("");
}

IdentityRecord to_identity(const Row& row) {
    IdentityRecord r;
    r.id = text(row[0]);
    r.confidence = std::strtod(text(row[1]).c_str(), nullptr);
    const auto list = nlohmann::json::parse(text(row[2]), nullptr, false);
    if (list.is_array())
        for (const auto& ip : list)
            if (ip.is_string()) r.members.push_back(ip.get<std::string>());
    r.evidence = text(row[3]);
    r.first_seen = text(row[4]);
    r.last_seen = text(row[5]);
    r.updated_at = text(row[6]);
    return r;
}

}  // namespace

std::vector<BountyRecord> select_bounties_after_id(Connection& c, std::int64_t after_id,
                                                   int limit) {
    limit = std::clamp(limit, 0, 10000);
    std::vector<BountyRecord> out;
    if (limit == 0) return out;
    const Param params[] = {after_id, std::int64_t{limit}};
    for (auto& row : c.query("SELECT id, `timestamp`, decky, service, attacker_ip, bounty_type, "
                             "payload FROM bounty WHERE id > ? ORDER BY id LIMIT ?",
                             params)) {
        BountyRecord b;
        b.id = row[0] ? std::stoll(*row[0]) : 0;
        b.timestamp = text(row[1]);
        b.decky = text(row[2]);
        b.service = text(row[3]);
        b.attacker_ip = text(row[4]);
        b.bounty_type = text(row[5]);
        b.payload = text(row[6]);
        out.push_back(std::move(b));
    }
    return out;
}

void replace_identity_rows(Connection& c, const std::vector<IdentityRecord>& identities) {
    c.change("DELETE FROM identity_members");
    c.change("DELETE FROM identities");
    for (const auto& r : identities) {
        char number[64];
        const auto end = std::to_chars(number, number + sizeof number, r.confidence).ptr;
        const std::string members = nlohmann::json(r.members).dump();
        const Param params[] = {std::string_view(r.id),
                                std::string_view(number, static_cast<std::size_t>(end - number)),
                                static_cast<std::int64_t>(r.members.size()),
                                std::string_view(members),
                                std::string_view(r.evidence),
                                std::string_view(r.first_seen),
                                std::string_view(r.last_seen),
                                std::string_view(r.updated_at)};
        c.change(
            "INSERT INTO identities (id, confidence, member_count, members, evidence, "
            "first_seen, last_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            params);
        for (const auto& ip : r.members) {
            const Param member[] = {std::string_view(ip), std::string_view(r.id)};
            c.change("REPLACE INTO identity_members (ip, identity_id) VALUES (?, ?)", member);
        }
    }
}

std::vector<IdentityRecord> select_identities(Connection& c, int limit, int offset) {
    limit = std::clamp(limit, 0, kMaxPageRows);
    std::vector<IdentityRecord> out;
    if (limit == 0) return out;
    const Param params[] = {std::int64_t{limit}, std::int64_t{std::max(offset, 0)}};
    for (const auto& row : c.query(
             std::string(kIdentitySelect) + " ORDER BY last_seen DESC, id DESC LIMIT ? OFFSET ?",
             params))
        out.push_back(to_identity(row));
    return out;
}

std::int64_t count_identities(Connection& c) {
    return c.count("SELECT COUNT(*) FROM identities");
}

std::optional<IdentityRecord> select_identity(Connection& c, const std::string& id) {
    const Param params[] = {std::string_view(id)};
    const auto rows = c.query(std::string(kIdentitySelect) + " WHERE id = ?", params);
    if (rows.empty()) return std::nullopt;
    return to_identity(rows.front());
}

std::vector<std::pair<std::string, std::string>> select_identity_ids_by_ip(
    Connection& c, const std::vector<std::string>& ips) {
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t first = 0; first < ips.size(); first += kMaxIpsPerQuery) {
        const auto n = std::min(kMaxIpsPerQuery, ips.size() - first);
        std::string sql = "SELECT ip, identity_id FROM identity_members WHERE ip IN (";
        std::vector<Param> params;
        for (std::size_t i = 0; i < n; ++i) {
            sql += i == 0 ? "?" : ", ?";
            params.emplace_back(std::string_view(ips[first + i]));
        }
        sql += ")";
        for (const auto& row : c.query(sql, params)) out.emplace_back(text(row[0]), text(row[1]));
    }
    return out;
}

}  // namespace decnet::store::mysql
