// Identity rows on SQLite. Every value is bound.
#include "store/sqlite/identity_queries.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace decnet::store::sqlite {
namespace {

constexpr int kMaxPageRows = 1000;
constexpr std::size_t kMaxIpsPerQuery = 1000;
constexpr std::string_view kIdentitySelect =
    "SELECT id, confidence, members, evidence, first_seen, last_seen, updated_at "
    "FROM identities";

std::vector<std::string> parse_members(const std::string& text) {
    std::vector<std::string> out;
    const auto list = nlohmann::json::parse(text, nullptr, false);
    if (!list.is_array()) return out;
    for (const auto& ip : list)
        if (ip.is_string()) out.push_back(ip.get<std::string>());
    return out;
}

IdentityRecord read_identity(const Statement& s) {
    IdentityRecord r;
    r.id = s.column_text(0);
    r.confidence = std::strtod(s.column_text(1).c_str(), nullptr);
    r.members = parse_members(s.column_text(2));
    r.evidence = s.column_text(3);
    r.first_seen = s.column_text(4);
    r.last_seen = s.column_text(5);
    r.updated_at = s.column_text(6);
    return r;
}

std::string real_text(double value) {
    char text[64];
    const auto result = std::to_chars(text, text + sizeof text, value);
    return std::string(text, result.ptr);  // REAL affinity stores it as a number
}

}  // namespace

std::vector<BountyRecord> select_bounties_after_id(Connection& c, std::int64_t after_id,
                                                   int limit) {
    limit = std::clamp(limit, 0, 10000);
    std::vector<BountyRecord> rows;
    if (limit == 0) return rows;
    auto s = c.prepare(
        "SELECT id, timestamp, decky, service, attacker_ip, bounty_type, payload FROM bounty "
        "WHERE id > ?1 ORDER BY id LIMIT ?2");
    s->bind(1, after_id);
    s->bind(2, std::int64_t{limit});
    while (s->step()) {
        BountyRecord b;
        b.id = s->column_int64(0);
        b.timestamp = s->column_text(1);
        b.decky = s->column_text(2);
        b.service = s->column_text(3);
        b.attacker_ip = s->column_text(4);
        b.bounty_type = s->column_text(5);
        b.payload = s->column_text(6);
        rows.push_back(std::move(b));
    }
    return rows;
}

void replace_identities(Connection& c, const std::vector<IdentityRecord>& identities) {
    in_transaction(c, [&] {
        c.exec("DELETE FROM identity_members; DELETE FROM identities;");
        auto identity = c.prepare(
            "INSERT INTO identities (id, confidence, member_count, members, evidence, "
            "first_seen, last_seen, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        auto member = c.prepare(
            "INSERT OR REPLACE INTO identity_members (ip, identity_id) "
            "VALUES (?1, ?2)");
        for (const auto& r : identities) {
            identity->bind(1, std::string_view(r.id));
            identity->bind(2, Param(real_text(r.confidence)));
            identity->bind(3, static_cast<std::int64_t>(r.members.size()));
            identity->bind(4, std::string_view(nlohmann::json(r.members).dump()));
            identity->bind(5, std::string_view(r.evidence));
            identity->bind(6, std::string_view(r.first_seen));
            identity->bind(7, std::string_view(r.last_seen));
            identity->bind(8, std::string_view(r.updated_at));
            identity->step();
            identity->reset();
            for (const auto& ip : r.members) {
                member->bind(1, std::string_view(ip));
                member->bind(2, std::string_view(r.id));
                member->step();
                member->reset();
            }
        }
    });
}

std::vector<IdentityRecord> select_identities(Connection& c, int limit, int offset) {
    limit = std::clamp(limit, 0, kMaxPageRows);
    std::vector<IdentityRecord> rows;
    if (limit == 0) return rows;
    auto s = c.prepare(std::string(kIdentitySelect) +
                       " ORDER BY last_seen DESC, id DESC LIMIT ?1 OFFSET ?2");
    s->bind(1, std::int64_t{limit});
    s->bind(2, std::int64_t{std::max(offset, 0)});
    while (s->step()) rows.push_back(read_identity(*s));
    return rows;
}

std::int64_t count_identities(Connection& c) {
    return c.query_int64("SELECT COUNT(*) FROM identities").value_or(0);
}

std::optional<IdentityRecord> select_identity(Connection& c, const std::string& id) {
    auto s = c.prepare(std::string(kIdentitySelect) + " WHERE id = ?1");
    s->bind(1, std::string_view(id));
    if (!s->step()) return std::nullopt;
    return read_identity(*s);
}

std::vector<std::pair<std::string, std::string>> select_identity_ids_by_ip(
    Connection& c, const std::vector<std::string>& ips) {
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t first = 0; first < ips.size(); first += kMaxIpsPerQuery) {
        const auto n = std::min(kMaxIpsPerQuery, ips.size() - first);
        std::string sql = "SELECT ip, identity_id FROM identity_members WHERE ip IN (";
        for (std::size_t i = 0; i < n; ++i) sql += i == 0 ? "?" : ", ?";
        sql += ")";
        auto s = c.prepare(sql);
        for (std::size_t i = 0; i < n; ++i)
            s->bind(static_cast<int>(i + 1), std::string_view(ips[first + i]));
        while (s->step()) out.emplace_back(s->column_text(0), s->column_text(1));
    }
    return out;
}

}  // namespace decnet::store::sqlite
