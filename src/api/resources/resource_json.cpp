// Row → JSON for the read resources. Key order follows the tables of api.md (model field
// order), which clients should not depend on but the reference emits.
#include "api/resources/resource_json.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "store/repository.hpp"

namespace decnet::api {
namespace {

using ordered = nlohmann::ordered_json;

// logs.tags "T1110,T1078" as the API's list.
std::vector<std::string_view> tag_list(std::string_view tags) {
    std::vector<std::string_view> out;
    while (!tags.empty()) {
        const auto comma = tags.find(',');
        const auto tag = tags.substr(0, comma);
        if (!tag.empty()) out.push_back(tag);
        if (comma == std::string_view::npos) break;
        tags.remove_prefix(comma + 1);
    }
    return out;
}

ordered nullable(const std::optional<std::string>& value) {
    return value ? ordered(*value) : ordered(nullptr);
}

// Fingerprint entries are bounty objects; their payload may have been stored as text.
ordered fingerprints_json(const std::string& text) {
    ordered list = parse_or_raw(text);
    if (!list.is_array()) return list;
    for (auto& entry : list) {
        if (!entry.is_object()) continue;
        auto payload = entry.find("payload");
        if (payload != entry.end() && payload->is_string())
            *payload = parse_or_raw(payload->get<std::string>());
    }
    return list;
}

ordered object_or_empty(const std::string& text) {
    ordered value = parse_or_raw(text);
    return value.is_object() ? value : ordered::object();
}

// tool_guesses: null or unparseable → [], a non-list value → wrapped in a list (§5.2).
ordered tool_guesses_json(const std::optional<std::string>& text) {
    if (!text) return ordered::array();
    ordered value = ordered::parse(*text, nullptr, false);
    if (value.is_discarded() || value.is_null()) return ordered::array();
    if (value.is_array()) return value;
    return ordered::array({std::move(value)});
}

}  // namespace

std::string iso_timestamp(std::string_view stored) {
    std::string out(stored);
    if (out.size() > 10 && out[10] == ' ') out[10] = 'T';
    const auto dot = out.find('.');
    if (dot != std::string::npos && out.find_first_not_of('0', dot + 1) == std::string::npos)
        out.erase(dot);
    return out;
}

std::string dump_json(const ordered& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ordered parse_or_raw(const std::string& text) {
    ordered value = ordered::parse(text, nullptr, false);
    if (value.is_discarded()) return ordered(text);
    return value;
}

ordered log_json(const store::LogRecord& r) {
    ordered tags = ordered::array();
    for (const auto tag : tag_list(r.tags)) tags.push_back(std::string(tag));
    return {
        {"id", r.id},
        {"timestamp", iso_timestamp(r.timestamp)},
        {"decky", r.decky},
        {"service", r.service},
        {"event_type", r.event_type},
        {"attacker_ip", r.attacker_ip},
        {"raw_line", r.raw_line},
        {"fields", r.fields},
        {"msg", nullable(r.msg)},
        {"trace_id", nullable(r.trace_id)},
        {"span_id", nullable(r.span_id)},
        {"tags", std::move(tags)},
    };
}

void append_json_string(std::string& out, std::string_view text) {
    const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
        return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
    });
    if (!plain) {
        out += dump_json(ordered(std::string(text)));
        return;
    }
    out += '"';
    out += text;
    out += '"';
}

void append_log_json(std::string& out, const store::LogRecord& r) {
    const auto field = [&](std::string_view name, std::string_view value) {
        out += name;
        append_json_string(out, value);
    };
    const auto optional = [&](std::string_view name, const std::optional<std::string>& value) {
        out += name;
        if (value)
            append_json_string(out, *value);
        else
            out += "null";
    };
    out += "{\"id\":";
    out += std::to_string(r.id);
    field(",\"timestamp\":", iso_timestamp(r.timestamp));
    field(",\"decky\":", r.decky);
    field(",\"service\":", r.service);
    field(",\"event_type\":", r.event_type);
    field(",\"attacker_ip\":", r.attacker_ip);
    field(",\"raw_line\":", r.raw_line);
    field(",\"fields\":", r.fields);
    optional(",\"msg\":", r.msg);
    optional(",\"trace_id\":", r.trace_id);
    optional(",\"span_id\":", r.span_id);
    out += ",\"tags\":[";
    bool first = true;
    for (const auto tag : tag_list(r.tags)) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, tag);
    }
    out += "]}";
}

ordered bounty_json(const store::BountyRecord& b) {
    return {
        {"id", b.id},
        {"timestamp", iso_timestamp(b.timestamp)},
        {"decky", b.decky},
        {"service", b.service},
        {"attacker_ip", b.attacker_ip},
        {"bounty_type", b.bounty_type},
        {"payload", parse_or_raw(b.payload)},
    };
}

// {"T1110": 12, ...}; rows written before the column existed (or NULL in MariaDB) are {}.
static ordered techniques_json(const std::string& text) {
    ordered value = ordered::parse(text, nullptr, false);
    return value.is_object() ? value : ordered::object();
}

ordered attacker_json(const store::AttackerRecord& a) {
    return {
        {"uuid", a.uuid},
        {"ip", a.ip},
        {"first_seen", iso_timestamp(a.first_seen)},
        {"last_seen", iso_timestamp(a.last_seen)},
        {"event_count", a.event_count},
        {"service_count", a.service_count},
        {"decky_count", a.decky_count},
        {"services", parse_or_raw(a.services)},
        {"deckies", parse_or_raw(a.deckies)},
        {"traversal_path", nullable(a.traversal_path)},
        {"is_traversal", a.is_traversal},
        {"bounty_count", a.bounty_count},
        {"credential_count", a.credential_count},
        {"fingerprints", fingerprints_json(a.fingerprints)},
        {"commands", parse_or_raw(a.commands)},
        {"updated_at", iso_timestamp(a.updated_at)},
        {"attack_techniques", techniques_json(a.attack_techniques)},
        {"country", nullable(a.country)},
        {"country_name", nullable(a.country_name)},
        {"asn", a.asn ? ordered(*a.asn) : ordered(nullptr)},
        {"as_org", nullable(a.as_org)},
    };
}

ordered behavior_json(const store::AttackerBehaviorRecord& b) {
    const auto real = [](const std::optional<double>& v) {
        return v ? ordered(*v) : ordered(nullptr);
    };
    return {
        {"attacker_uuid", b.attacker_uuid},
        {"os_guess", nullable(b.os_guess)},
        {"hop_distance", b.hop_distance ? ordered(*b.hop_distance) : ordered(nullptr)},
        {"tcp_fingerprint", object_or_empty(b.tcp_fingerprint)},
        {"retransmit_count", b.retransmit_count},
        {"behavior_class", nullable(b.behavior_class)},
        {"beacon_interval_s", real(b.beacon_interval_s)},
        {"beacon_jitter_pct", real(b.beacon_jitter_pct)},
        {"tool_guesses", tool_guesses_json(b.tool_guesses)},
        {"timing_stats", object_or_empty(b.timing_stats)},
        {"phase_sequence", object_or_empty(b.phase_sequence)},
        {"updated_at", iso_timestamp(b.updated_at)},
    };
}

std::string internal_validation_error_body() {
    return R"({"detail":"Internal data consistency error","type":"internal_validation_error"})";
}

}  // namespace decnet::api
