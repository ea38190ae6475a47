// CSV (RFC 4180, one row per attacker, formula-neutralised cells) and JSON exports.
#include <nlohmann/json.hpp>

#include "intel/export/export.hpp"
#include "store/attacker_records.hpp"

namespace decnet::intel::exporting {
namespace {

using json = nlohmann::ordered_json;

std::string iso(const std::string& store_time) {
    const auto t = stix_time(store_time);
    return t.empty() ? store_time : t;
}

template <class T, class F>
std::string joined(const std::vector<T>& items, F text, const char* separator = ";") {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += text(item);
    }
    return out;
}

}  // namespace

std::string csv_cell(const std::string& text) {
    std::string cell = text;
    // OWASP's CSV injection rule: = + - @ start a formula; tab and CR can hide one.
    if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                          cell[0] == '\t' || cell[0] == '\r'))
        cell.insert(cell.begin(), '\'');
    if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
    std::string quoted = "\"";
    for (const char c : cell) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

std::string to_csv(const ExportData& data) {
    std::string out =
        "uuid,ip,identity_id,first_seen,last_seen,event_count,services,deckies,is_traversal,"
        "traversal_path,credential_count,credentials,fingerprints,artifacts,attack_techniques,"
        "commands\r\n";
    const auto same = [](const std::string& s) { return s; };
    for (const auto& a : data.attackers) {
        const std::vector<std::string> cells{
            a.row.uuid,
            a.row.ip,
            a.identity_id.value_or(""),
            iso(a.row.first_seen),
            iso(a.row.last_seen),
            std::to_string(a.row.event_count),
            joined(a.services, same),
            joined(a.deckies, same),
            a.row.is_traversal ? "true" : "false",
            a.row.traversal_path.value_or(""),
            std::to_string(a.row.credential_count),
            joined(a.credentials, [](const auto& c) { return c.first + ":" + c.second; }),
            joined(a.fingerprints, [](const auto& f) { return f.type + "=" + f.value; }),
            joined(a.artifacts, [](const auto& x) { return x.sha256; }),
            joined(a.techniques, [](const auto& t) { return t.id; }),
            joined(a.commands, same, "\n"),
        };
        out += joined(
            cells, [](const std::string& c) { return csv_cell(c); }, ",");
        out += "\r\n";
    }
    return out;
}

std::string to_json(const ExportData& data) {
    json attackers = json::array();
    for (const auto& a : data.attackers) {
        json credentials = json::array();
        for (const auto& [user, password] : a.credentials)
            credentials.push_back({{"username", user}, {"password", password}});
        json fingerprints = json::array();
        for (const auto& f : a.fingerprints)
            fingerprints.push_back({{"type", f.type}, {"value", f.value}});
        json artifacts = json::array();
        for (const auto& x : a.artifacts)
            artifacts.push_back({{"sha256", x.sha256}, {"filename", x.filename}});
        json techniques = json::array();
        for (const auto& t : a.techniques)
            techniques.push_back({{"id", t.id}, {"name", t.name}, {"events", t.events}});
        attackers.push_back(
            {{"uuid", a.row.uuid},
             {"ip", a.row.ip},
             {"identity_id", a.identity_id ? json(*a.identity_id) : json(nullptr)},
             {"first_seen", iso(a.row.first_seen)},
             {"last_seen", iso(a.row.last_seen)},
             {"event_count", a.row.event_count},
             {"services", a.services},
             {"deckies", a.deckies},
             {"is_traversal", a.row.is_traversal},
             {"traversal_path", a.row.traversal_path ? json(*a.row.traversal_path) : json(nullptr)},
             {"credential_count", a.row.credential_count},
             {"credentials", std::move(credentials)},
             {"fingerprints", std::move(fingerprints)},
             {"artifacts", std::move(artifacts)},
             {"attack_techniques", std::move(techniques)},
             {"commands", a.commands}});
    }
    json out = {{"generator", "decnet"},
                {"generated_at", iso(data.generated_at)},
                {"since", data.since ? json(iso(*data.since)) : json(nullptr)},
                {"attackers", std::move(attackers)}};
    return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace decnet::intel::exporting
