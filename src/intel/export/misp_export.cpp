// MISP event JSON (the format MISP's "Add event from JSON" and PyMISP read): one Event
// with an Attribute per indicator — ip-src, ja3-fingerprint-md5, hassh-md5, sha256 and
// text (JA4, credentials) — and the ATT&CK galaxy tags
// misp-galaxy:mitre-attack-pattern="<name> - <id>" on the event and on each IP.
// Uuids are UUIDv5, so re-importing an export updates instead of duplicating.
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "intel/correlation/iso_time.hpp"
#include "intel/export/export.hpp"
#include "intel/uuid_v5.hpp"

namespace decnet::intel::exporting {
namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view kMispNamespace = "2c8f4a61-93d7-5e0b-a4c2-7f1e6d5b8a90";

std::string unix_time(const std::string& store_time) {
    const auto t = parse_store_time(store_time);
    return std::to_string(t ? t->utc_micros / 1000000 : 0);
}

std::string galaxy_tag(const ExportTechnique& t) {
    return "misp-galaxy:mitre-attack-pattern=\"" + (t.name.empty() ? t.id : t.name) + " - " + t.id +
           "\"";
}

}  // namespace

std::string to_misp(const ExportData& data) {
    json attributes = json::array();
    std::set<std::string> event_tags;
    const auto add = [&](const std::string& ip, const char* type, const char* category,
                         const std::string& value, bool to_ids, const std::string& comment,
                         const std::string& seen, json tags = json::array()) {
        json a = {{"uuid", uuid_v5(kMispNamespace, ip + "|" + type + "|" + value)},
                  {"type", type},
                  {"category", category},
                  {"value", value},
                  {"to_ids", to_ids},
                  {"comment", comment},
                  {"timestamp", unix_time(seen)},
                  {"distribution", "5"}};
        if (!tags.empty()) a["Tag"] = std::move(tags);
        attributes.push_back(std::move(a));
    };
    for (const auto& a : data.attackers) {
        const auto& ip = a.row.ip;
        json tags = json::array();
        for (const auto& t : a.techniques) {
            tags.push_back({{"name", galaxy_tag(t)}});
            event_tags.insert(galaxy_tag(t));
        }
        std::string services;
        for (const auto& s : a.services) services += (services.empty() ? "" : ",") + s;
        add(ip, "ip-src", "Network activity", ip, true,
            "decnet attacker; services " + services + "; " + std::to_string(a.row.event_count) +
                " events" + (a.identity_id ? "; identity " + *a.identity_id : ""),
            a.row.last_seen, std::move(tags));
        for (const auto& f : a.fingerprints) {
            if (f.type == "ja3")
                add(ip, "ja3-fingerprint-md5", "Network activity", f.value, false, "JA3 of " + ip,
                    a.row.last_seen);
            else if (f.type == "hassh" || f.type == "hassh_server")
                add(ip, "hassh-md5", "Network activity", f.value, false,
                    (f.type == "hassh" ? "SSH client HASSH of " : "SSH server HASSH of ") + ip,
                    a.row.last_seen);
            else
                add(ip, "text", "Other", f.value, false, f.type + " of " + ip, a.row.last_seen);
        }
        for (const auto& art : a.artifacts)
            add(ip, "sha256", "Payload delivery", art.sha256, true,
                "captured from " + ip + (art.filename.empty() ? "" : " as " + art.filename),
                a.row.last_seen);
        for (const auto& [user, password] : a.credentials)
            add(ip, "text", "Other", user + ":" + password, false, "credential tried by " + ip,
                a.row.last_seen);
    }
    json tags = json::array({{{"name", "tlp:amber"}}});
    for (const auto& t : event_tags) tags.push_back({{"name", t}});
    const auto date = data.generated_at.substr(0, 10);
    json event = {{"Event",
                   {{"uuid", uuid_v5(kMispNamespace,
                                     "event:" + date + (data.since ? "|" + *data.since : ""))},
                    {"info", "decnet honeypot export " + date},
                    {"date", date},
                    {"timestamp", unix_time(data.generated_at)},
                    {"threat_level_id", "3"},
                    {"analysis", "2"},
                    {"distribution", "0"},
                    {"published", false},
                    {"Tag", std::move(tags)},
                    {"Attribute", std::move(attributes)}}}};
    return event.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace decnet::intel::exporting
