// Collecting an export: attacker rows newest first down to --since, each with its bounty
// rows (credentials, fingerprints, artifacts), ATT&CK techniques and identity.
#include <map>
#include <nlohmann/json.hpp>

#include "intel/attack/attack_tags.hpp"
#include "intel/export/export.hpp"

namespace decnet::intel::exporting {
namespace {

using json = nlohmann::json;

std::vector<std::string> string_list(const std::string& text, std::size_t max) {
    std::vector<std::string> out;
    const auto list = json::parse(text, nullptr, false);
    if (!list.is_array()) return out;
    for (const auto& item : list) {
        if (out.size() >= max) break;
        if (item.is_string()) out.push_back(item.get<std::string>());
    }
    return out;
}

std::string string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

const std::map<std::string, std::string>& technique_names() {
    static const auto names = [] {
        std::map<std::string, std::string> out;
        for (const auto& t : attack::RuleSet::builtin().techniques()) out.emplace(t.id, t.name);
        return out;
    }();
    return names;
}

void add_bounties(store::Repository& repository, ExportAttacker& a, const ExportLimits& limits) {
    store::BountyFilter filter;
    filter.attacker_ip = a.row.ip;
    const auto max = static_cast<int>(limits.max_items);
    filter.bounty_type = "credential";
    for (const auto& b : repository.bounties(filter, max, 0)) {
        const auto p = json::parse(b.payload, nullptr, false);
        if (p.is_object())
            a.credentials.emplace_back(string_field(p, "username"), string_field(p, "password"));
    }
    filter.bounty_type = "fingerprint";
    for (const auto& b : repository.bounties(filter, max, 0)) {
        const auto p = json::parse(b.payload, nullptr, false);
        if (!p.is_object()) continue;
        const auto type = string_field(p, "fingerprint_type");
        if (type == "ja3") {
            // JA3 and JA4 of the same ClientHello: two fingerprints.
            if (const auto ja3 = string_field(p, "ja3"); !ja3.empty())
                a.fingerprints.push_back({"ja3", ja3});
            if (const auto ja4 = string_field(p, "ja4"); !ja4.empty())
                a.fingerprints.push_back({"ja4", ja4});
            continue;
        }
        std::string value;
        for (const char* key : {"hash", "value", "mechanisms", "subject_cn"})
            if (value = string_field(p, key); !value.empty()) break;
        if (!value.empty()) a.fingerprints.push_back({type, value});
    }
    filter.bounty_type = "artifact";
    for (const auto& b : repository.bounties(filter, max, 0)) {
        const auto p = json::parse(b.payload, nullptr, false);
        if (p.is_object())
            a.artifacts.push_back({string_field(p, "sha256"), string_field(p, "filename")});
    }
}

}  // namespace

ExportData collect(store::Repository& repository, const std::optional<std::string>& since,
                   const ExportLimits& limits) {
    ExportData data;
    data.generated_at = store::now_timestamp();
    data.since = since;
    constexpr int kPage = 500;
    bool done = false;
    for (int offset = 0; !done && data.attackers.size() < limits.max_attackers; offset += kPage) {
        const auto rows = repository.attackers({}, store::AttackerSort::recent, kPage, offset);
        for (const auto& row : rows) {
            if (since && row.last_seen < *since) {
                done = true;  // newest first: the rest are older still
                break;
            }
            if (data.attackers.size() >= limits.max_attackers) break;
            ExportAttacker a;
            a.row = row;
            a.services = string_list(row.services, limits.max_items);
            a.deckies = string_list(row.deckies, limits.max_items);
            const auto commands = json::parse(row.commands, nullptr, false);
            if (commands.is_array())
                for (const auto& c : commands) {
                    if (a.commands.size() >= limits.max_items) break;
                    if (c.is_object()) a.commands.push_back(string_field(c, "command"));
                }
            const auto techniques = json::parse(row.attack_techniques, nullptr, false);
            if (techniques.is_object())
                for (const auto& [id, events] : techniques.items()) {
                    const auto it = technique_names().find(id);
                    a.techniques.push_back(
                        {id, it == technique_names().end() ? "" : it->second,
                         events.is_number_integer() ? events.get<std::int64_t>() : 0});
                }
            add_bounties(repository, a, limits);
            data.attackers.push_back(std::move(a));
        }
        if (rows.size() < static_cast<std::size_t>(kPage)) break;
    }
    // Identities, one query per page of IPs.
    std::vector<std::string> ips;
    for (const auto& a : data.attackers) ips.push_back(a.row.ip);
    std::map<std::string, std::string> identity_of;
    for (std::size_t first = 0; first < ips.size(); first += 1000) {
        const std::vector<std::string> page(
            ips.begin() + static_cast<std::ptrdiff_t>(first),
            ips.begin() + static_cast<std::ptrdiff_t>(std::min(first + 1000, ips.size())));
        for (auto& [ip, id] : repository.identity_ids_by_ip(page)) identity_of[ip] = id;
    }
    for (auto& a : data.attackers)
        if (const auto it = identity_of.find(a.row.ip); it != identity_of.end())
            a.identity_id = it->second;
    return data;
}

}  // namespace decnet::intel::exporting
