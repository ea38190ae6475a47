// The ten bounty rules of the reference, in its order and with its payload key order
// (byte-exact payloads matter: they are the dedup key), then decnet's own: artifacts.
#include "store/ingest/bounty.hpp"

#include <nlohmann/json.hpp>

namespace decnet::store {
namespace {

using json = nlohmann::ordered_json;

// Python truthiness of a JSON value: present and not null, "", 0, false, [] or {}.
bool truthy(const json& fields, const char* key) {
    const auto it = fields.find(key);
    if (it == fields.end() || it->is_null()) return false;
    if (it->is_string()) return !it->get_ref<const std::string&>().empty();
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_number()) return it->get<double>() != 0.0;
    return !it->empty();
}

json value_of(const json& fields, const char* key) {
    const auto it = fields.find(key);
    return it == fields.end() ? json(nullptr) : *it;
}

json value_or_null_if_falsy(const json& fields, const char* key) {
    return truthy(fields, key) ? fields[key] : json(nullptr);
}

BountyRecord make(const LogRecord& row, const char* type, const json& payload) {
    BountyRecord b;
    b.decky = row.decky;
    b.service = row.service;
    b.attacker_ip = row.attacker_ip;
    b.bounty_type = type;
    b.payload = payload.dump(-1, ' ', false, json::error_handler_t::replace);
    return b;
}

// The User-Agent of an http `headers` field given as an object or as JSON text.
std::optional<json> user_agent(const json& fields) {
    const auto it = fields.find("headers");
    if (it == fields.end()) return std::nullopt;
    json headers = *it;
    if (headers.is_string()) headers = json::parse(headers.get<std::string>(), nullptr, false);
    if (!headers.is_object()) return std::nullopt;
    for (const char* key : {"User-Agent", "user-agent"})
        if (truthy(headers, key)) return headers[key];
    return std::nullopt;
}

void sniffer_rules(const LogRecord& row, const json& f, std::vector<BountyRecord>& out) {
    if (truthy(f, "ja3")) {
        json p = {{"fingerprint_type", "ja3"}};
        for (const char* k : {"ja3", "ja3s", "ja4", "ja4s", "tls_version"}) p[k] = value_of(f, k);
        p["sni"] = value_or_null_if_falsy(f, "sni");
        p["alpn"] = value_or_null_if_falsy(f, "alpn");
        for (const char* k : {"dst_port", "raw_ciphers", "raw_extensions"}) p[k] = value_of(f, k);
        out.push_back(make(row, "fingerprint", p));
    }
    if (truthy(f, "ja4l_rtt_ms"))
        out.push_back(make(row, "fingerprint",
                           {{"fingerprint_type", "ja4l"},
                            {"rtt_ms", value_of(f, "ja4l_rtt_ms")},
                            {"client_ttl", value_of(f, "ja4l_client_ttl")}}));
    if (truthy(f, "resumption"))
        out.push_back(make(
            row, "fingerprint",
            {{"fingerprint_type", "tls_resumption"}, {"mechanisms", value_of(f, "resumption")}}));
    if (truthy(f, "subject_cn")) {
        json p = {{"fingerprint_type", "tls_certificate"}};
        for (const char* k :
             {"subject_cn", "issuer", "self_signed", "not_before", "not_after", "sans"})
            p[k] = value_of(f, k);
        p["sni"] = value_or_null_if_falsy(f, "sni");
        out.push_back(make(row, "fingerprint", p));
    }
    // decnet's own: the attacker's SSH client (HASSH), as the prober's hassh_server rule.
    if (truthy(f, "hassh"))
        out.push_back(make(row, "fingerprint",
                           {{"fingerprint_type", "hassh"},
                            {"hash", value_of(f, "hassh")},
                            {"algorithms", value_of(f, "hassh_algorithms")},
                            {"client_version", value_of(f, "client_version")}}));
}

void prober_rules(const LogRecord& row, const json& f, std::vector<BountyRecord>& out) {
    // The prober's events describe the attacker it probed: the bounty belongs to target_ip.
    const auto add = [&](const json& payload) {
        auto b = make(row, "fingerprint", payload);
        b.service = "prober";
        const auto it = f.find("target_ip");
        b.attacker_ip = it == f.end()     ? "Unknown"
                        : it->is_string() ? it->get<std::string>()
                                          : it->dump();
        out.push_back(std::move(b));
    };
    if (truthy(f, "jarm_hash"))
        add({{"fingerprint_type", "jarm"},
             {"hash", value_of(f, "jarm_hash")},
             {"target_ip", value_of(f, "target_ip")},
             {"target_port", value_of(f, "target_port")}});
    if (truthy(f, "hassh_server_hash")) {
        json p = {{"fingerprint_type", "hassh_server"}, {"hash", value_of(f, "hassh_server_hash")}};
        for (const char* k : {"target_ip", "target_port", "ssh_banner", "kex_algorithms",
                              "encryption_s2c", "mac_s2c", "compression_s2c"})
            p[k] = value_of(f, k);
        add(p);
    }
    if (truthy(f, "tcpfp_hash")) {
        json p = {{"fingerprint_type", "tcpfp"},
                  {"hash", value_of(f, "tcpfp_hash")},
                  {"raw", value_of(f, "tcpfp_raw")}};
        for (const char* k : {"target_ip", "target_port", "ttl", "window_size", "df_bit", "mss",
                              "window_scale", "sack_ok", "timestamp", "options_order"})
            p[k] = value_of(f, k);
        add(p);
    }
    // decnet's: the certificate of the attacker's own TLS service (tls_cert_fingerprint).
    if (truthy(f, "cert_sha256")) {
        json p = {{"fingerprint_type", "tls_certificate"}, {"hash", value_of(f, "cert_sha256")}};
        for (const char* k : {"target_ip", "target_port", "subject_cn", "issuer", "self_signed",
                              "not_before", "not_after", "sans"})
            p[k] = value_of(f, k);
        add(p);
    }
}

// Whether any rule could fire, judged from the JSON text without parsing it: most events
// (connects, commands) carry none of the trigger keys, and parsing every row cost more CPU
// than storing it. Exact, not a heuristic: a key spelled with escapes contains a
// backslash, which always takes the full path.
bool may_have_bounty(const LogRecord& row) {
    if (row.service == "sniffer" || row.service == "prober") return true;
    if (row.event_type == "file_captured") return true;
    const std::string_view f = row.fields;
    const auto has = [&](std::string_view quoted_key) {
        return f.find(quoted_key) != std::string_view::npos;
    };
    if (has("\\")) return true;
    return (has("\"username\"") && has("\"password\"")) || has("\"headers\"") ||
           (row.event_type == "version" && has("\"client_version\"")) ||
           (row.event_type == "client_version" && has("\"hassh\""));
}

// A decimal size as a JSON number ("1024" → 1024); anything else as it was.
json size_of(const json& fields) {
    const auto value = value_of(fields, "size");
    if (!value.is_string()) return value;
    const auto& text = value.get_ref<const std::string&>();
    if (text.empty() || text.size() > 18 ||
        text.find_first_not_of("0123456789") != std::string::npos)
        return value;
    return std::stoll(text);
}

// decnet's rule: a payload an emulator captured (the `file_captured` event), one row per
// attacker and content (and name it was given).
void artifact_rule(const LogRecord& row, const json& f, std::vector<BountyRecord>& out) {
    if (row.event_type != "file_captured" || !truthy(f, "sha256")) return;
    out.push_back(make(row, "artifact",
                       {{"sha256", f["sha256"]},
                        {"size", size_of(f)},
                        {"mime", value_of(f, "mime")},
                        {"origin", value_of(f, "origin")},
                        {"filename", value_of(f, "filename")}}));
}

}  // namespace

std::vector<BountyRecord> extract_bounties(const LogRecord& row) {
    std::vector<BountyRecord> out;
    if (!may_have_bounty(row)) return out;
    const json f = json::parse(row.fields, nullptr, false);
    if (!f.is_object()) return out;
    if (truthy(f, "username") && truthy(f, "password"))
        out.push_back(
            make(row, "credential", {{"username", f["username"]}, {"password", f["password"]}}));
    if (const auto ua = user_agent(f))
        out.push_back(make(row, "fingerprint",
                           {{"fingerprint_type", "http_useragent"},
                            {"value", *ua},
                            {"method", value_of(f, "method")},
                            {"path", value_of(f, "path")}}));
    if (truthy(f, "client_version") && row.event_type == "version")
        out.push_back(
            make(row, "fingerprint",
                 {{"fingerprint_type", "vnc_client_version"}, {"value", f["client_version"]}}));
    // decnet's: the SSH client HASSH the ssh emulator computed from the client's KEXINIT
    // (the same payload as the sniffer's, so a client seen by both is stored once).
    if (row.service == "ssh" && row.event_type == "client_version" && truthy(f, "hassh"))
        out.push_back(make(row, "fingerprint",
                           {{"fingerprint_type", "hassh"},
                            {"hash", value_of(f, "hassh")},
                            {"algorithms", value_of(f, "hassh_algorithms")},
                            {"client_version", value_of(f, "client_version")}}));
    if (row.service == "sniffer") sniffer_rules(row, f, out);
    if (row.service == "prober") prober_rules(row, f, out);
    artifact_rule(row, f, out);
    return out;
}

}  // namespace decnet::store
