// STIX 2.1 bundle: per attacker IP an ipv4-addr/ipv6-addr and a network-traffic SCO, an
// observed-data, an indicator with the pattern [ipv4-addr:value = '...']; one
// attack-pattern per ATT&CK technique (external_references mitre-attack) and an
// `indicates` relationship from each indicator to its techniques. Ids are UUIDv5, SCOs by
// the spec's own rule (§2.9: namespace 00abedb4-..., canonical JSON of the id-contributing
// properties), SDOs by decnet's name, so exporting the same data twice gives the same ids.
#include <arpa/inet.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "intel/export/export.hpp"
#include "intel/uuid_v5.hpp"

namespace decnet::intel::exporting {
namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view kScoNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";
constexpr std::string_view kDecnetNamespace = "9b1c6e2d-4f3a-5c8e-b7d1-2a6f0e9c4d31";
// ATT&CK objects are facts about the technique, not about this export: fixed times keep
// them identical from one export to the next (ATT&CK v15's release day).
constexpr const char* kAttackTime = "2024-04-23T00:00:00.000Z";

std::string sdo_id(const char* type, const std::string& name) {
    return std::string(type) + "--" + uuid_v5(kDecnetNamespace, std::string(type) + ":" + name);
}

// §2.9: the UUIDv5 of the JSON (keys sorted, no spaces) of the id-contributing properties.
std::string sco_id(const char* type, const nlohmann::json& contributing) {
    return std::string(type) + "--" + uuid_v5(kScoNamespace, contributing.dump());
}

// A STIX pattern string literal: ' and \ escaped (STIX 2.1 Patterning §9.3).
std::string pattern_literal(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

// "ipv4-addr" / "ipv6-addr" for an address in canonical text, else "" (left out).
const char* address_type(const std::string& ip) {
    unsigned char buffer[16];
    if (inet_pton(AF_INET, ip.c_str(), buffer) == 1) return "ipv4-addr";
    if (inet_pton(AF_INET6, ip.c_str(), buffer) == 1) return "ipv6-addr";
    return "";
}

std::string technique_url(const std::string& id) {
    // T1059.004 → techniques/T1059/004/
    std::string path = id;
    if (const auto dot = path.find('.'); dot != std::string::npos) path[dot] = '/';
    return "https://attack.mitre.org/techniques/" + path + "/";
}

json common(const char* type, const std::string& id, const std::string& created,
            const std::string& modified) {
    return {{"type", type},
            {"spec_version", "2.1"},
            {"id", id},
            {"created", created},
            {"modified", modified}};
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

}  // namespace

std::string to_stix(const ExportData& data) {
    json objects = json::array();
    const auto decnet = sdo_id("identity", "decnet");
    objects.push_back(common("identity", decnet, kAttackTime, kAttackTime));
    objects.back()["name"] = "decnet";
    objects.back()["identity_class"] = "system";
    objects.back()["description"] = "decnet honeypot fleet";

    std::map<std::string, std::string> patterns;  // technique id → attack-pattern id
    json techniques = json::array();
    json relationships = json::array();
    for (const auto& a : data.attackers) {
        const char* type = address_type(a.row.ip);
        const auto created = stix_time(a.row.first_seen);
        auto modified = stix_time(a.row.last_seen);
        if (!*type || created.empty() || modified.empty()) continue;
        if (modified < created) modified = created;
        const auto address = sco_id(type, {{"value", a.row.ip}});
        json sco = {{"type", type}, {"spec_version", "2.1"}, {"id", address}, {"value", a.row.ip}};
        objects.push_back(std::move(sco));
        const nlohmann::json traffic_key = {
            {"end", modified}, {"protocols", {"tcp"}}, {"src_ref", address}, {"start", created}};
        const auto traffic = sco_id("network-traffic", traffic_key);
        objects.push_back({{"type", "network-traffic"},
                           {"spec_version", "2.1"},
                           {"id", traffic},
                           {"start", created},
                           {"end", modified},
                           {"src_ref", address},
                           {"protocols", {"tcp"}}});

        auto observed = common("observed-data", sdo_id("observed-data", a.row.ip + "@" + created),
                               created, modified);
        observed["created_by_ref"] = decnet;
        observed["first_observed"] = created;
        observed["last_observed"] = modified;
        observed["number_observed"] = std::clamp<std::int64_t>(a.row.event_count, 1, 999999999);
        observed["object_refs"] = {address, traffic};
        objects.push_back(std::move(observed));

        const auto indicator_id = sdo_id("indicator", a.row.ip);
        auto indicator = common("indicator", indicator_id, created, modified);
        indicator["created_by_ref"] = decnet;
        indicator["name"] = "decnet attacker " + a.row.ip;
        indicator["description"] = "Touched decnet deckies (" + joined(a.deckies) + ") over " +
                                   joined(a.services) + "; " + std::to_string(a.row.event_count) +
                                   " events, " + std::to_string(a.credentials.size()) +
                                   " credentials tried.";
        indicator["indicator_types"] = {"malicious-activity"};
        indicator["pattern"] =
            "[" + std::string(type) + ":value = '" + pattern_literal(a.row.ip) + "']";
        indicator["pattern_type"] = "stix";
        indicator["valid_from"] = created;
        if (a.identity_id) indicator["labels"] = {"decnet-identity:" + *a.identity_id};
        objects.push_back(std::move(indicator));

        for (const auto& t : a.techniques) {
            auto [it, added] = patterns.try_emplace(t.id, sdo_id("attack-pattern", t.id));
            if (added) {
                auto pattern = common("attack-pattern", it->second, kAttackTime, kAttackTime);
                pattern["name"] = t.name.empty() ? t.id : t.name;
                pattern["external_references"] = {
                    {{"source_name", t.id.starts_with("T0") ? "mitre-ics-attack" : "mitre-attack"},
                     {"external_id", t.id},
                     {"url", technique_url(t.id)}}};
                techniques.push_back(std::move(pattern));
            }
            auto relationship =
                common("relationship", sdo_id("relationship", indicator_id + ">" + it->second),
                       created, modified);
            relationship["created_by_ref"] = decnet;
            relationship["relationship_type"] = "indicates";
            relationship["source_ref"] = indicator_id;
            relationship["target_ref"] = it->second;
            relationships.push_back(std::move(relationship));
        }
    }
    for (auto& t : techniques) objects.push_back(std::move(t));
    for (auto& r : relationships) objects.push_back(std::move(r));
    // The bundle's id follows its content: the same objects, the same bundle.
    std::string ids;
    for (const auto& o : objects)
        ids += o["id"].get<std::string>() + "|" + o.value("modified", "") + "\n";
    json bundle = {{"type", "bundle"},
                   {"id", "bundle--" + uuid_v5(kDecnetNamespace, "bundle:" + ids)},
                   {"objects", std::move(objects)}};
    return bundle.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string stix_time(const std::string& store_time) {
    // "YYYY-MM-DD HH:MM:SS[.ffffff]"
    if (store_time.size() < 19 || store_time[10] != ' ') return {};
    for (const std::size_t i : {4u, 7u})
        if (store_time[i] != '-') return {};
    for (const std::size_t i : {13u, 16u})
        if (store_time[i] != ':') return {};
    for (std::size_t i = 0; i < 19; ++i)
        if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 &&
            (store_time[i] < '0' || store_time[i] > '9'))
            return {};
    std::string millis = "000";
    if (store_time.size() > 20 && store_time[19] == '.')
        for (std::size_t i = 0; i < 3 && 20 + i < store_time.size(); ++i)
            if (store_time[20 + i] >= '0' && store_time[20 + i] <= '9')
                millis[i] = store_time[20 + i];
    return store_time.substr(0, 10) + "T" + store_time.substr(11, 8) + "." + millis + "Z";
}

}  // namespace decnet::intel::exporting
