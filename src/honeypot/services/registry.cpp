// The registry: every service module, one line each. Adding an emulator = a folder under
// services/ and one line here; nothing else in the code names a slug.
#include "honeypot/services/registry.hpp"

#include <array>

#include "core/error.hpp"
#include "core/service_catalog.hpp"
#include "events/event.hpp"

namespace decnet::honeypot {

std::span<const ServiceModule* const> service_modules() {
    static const std::array<const ServiceModule*, 26> modules = {
        &conpot_module(),  //
        &docker_api_module(),  //
        &elasticsearch_module(),  //
        &ftp_module(),  //
        &http_module(),  //
        &imap_module(),  //
        &k8s_module(),  //
        &ldap_module(),  //
        &llmnr_module(),  //
        &mongodb_module(),  //
        &mqtt_module(),  //
        &mssql_module(),  //
        &mysql_module(),  //
        &pop3_module(),  //
        &postgres_module(),  //
        &rdp_module(),  //
        &redis_module(),  //
        &sip_module(),  //
        &smb_module(),  //
        &smtp_module(),  //
        &smtp_relay_module(),  //
        &snmp_module(),  //
        &ssh_module(),  //
        &telnet_module(),  //
        &tftp_module(),  //
        &vnc_module(),  //
    };
    return modules;
}

const ServiceModule* find_module(std::string_view slug) {
    for (const auto* module : service_modules())
        if (module->slug == slug) return module;
    return nullptr;
}

bool has_emulator(std::string_view slug) {
    return find_module(slug) != nullptr;
}

std::span<const EventDecl> runtime_events() {
    static constexpr EventDecl kEvents[] = {
        {"session_error", "src_ip src_port error",
         "the emulator failed on this session (a bug); the session was closed"},
        {"tls_error", "src_ip src_port dst_port error",
         "a TLS handshake on a TLS port failed (e.g. plain text sent to 443)"},
    };
    return kEvents;
}

namespace {

const EventDecl* find_decl(std::span<const EventDecl> events, std::string_view type) {
    for (const auto& decl : events)
        if (decl.type == type) return &decl;
    return nullptr;
}

bool declares_field(const EventDecl& decl, std::string_view name) {
    std::string_view fields = decl.fields;
    while (!fields.empty()) {
        const auto space = fields.find(' ');
        auto field = fields.substr(0, space);
        if (field.ends_with('?')) field.remove_suffix(1);
        if (field == name) return true;
        if (space == std::string_view::npos) break;
        fields.remove_prefix(space + 1);
    }
    return false;
}

}  // namespace

std::string undeclared(const ServiceModule& module, const Event& event) {
    const auto* decl = find_decl(module.events, event.event_type);
    if (!decl) decl = find_decl(runtime_events(), event.event_type);
    if (!decl)
        return std::string(module.slug) + " emitted undeclared event type '" + event.event_type +
               "'";
    for (const auto& [name, value] : event.fields)
        if (!declares_field(*decl, name))
            return std::string(module.slug) + " event '" + event.event_type +
                   "' has undeclared field '" + name + "'";
    return {};
}

namespace {

// "decky-01: http: response_code: must be … (fleet.ini:12)" as a ConfigError at that line.
[[noreturn]] void refuse(const DeckyConfig& decky, std::string_view service, const std::string& key,
                         const std::string& why) {
    std::string message =
        decky.name + ": " + std::string(service) + ": persona key '" + key + "': " + why;
    if (const auto svc = decky.persona_origins.find(std::string(service));
        svc != decky.persona_origins.end())
        if (const auto at = svc->second.find(key); at != svc->second.end())
            throw ConfigError(message + " ([" + decky.name + "." + std::string(service) + "])",
                              at->second.file, at->second.line);
    throw ConfigError(message);
}

const PersonaConfig& persona_of(const DeckyConfig& decky, std::string_view slug) {
    static const PersonaConfig kNone;
    const auto it = decky.service_config.find(std::string(slug));
    return it == decky.service_config.end() ? kNone : it->second;
}

}  // namespace

std::shared_ptr<const ServiceSettings> configure_service(const ServiceModule& module,
                                                         const DeckyConfig& decky) {
    const auto* info = find_service(module.slug);
    if (!info || !module.configure) return nullptr;
    const PersonaReader reader(*info, decky, persona_of(decky, module.slug));
    try {
        return module.configure(reader);
    } catch (const PersonaError& e) {
        refuse(decky, module.slug, e.key(), e.what());
    }
}

void check_persona_keys(const DeckyConfig& decky) {
    for (const auto& [slug, origins] : decky.persona_origins) {
        const auto* info = find_service(slug);
        if (!info) continue;
        for (const auto& [key, where] : origins) {
            if (info->find_persona_key(key)) continue;
            std::string known;
            for (const auto& k : info->persona)
                known += (known.empty() ? "" : ", ") + std::string(k.key);
            refuse(decky, slug, key,
                   "unknown key (" +
                       (known.empty() ? std::string("this service has no persona keys")
                                      : "known: " + known) +
                       ")");
        }
    }
}

void check_personas(const DeckyConfig& decky) {
    check_persona_keys(decky);
    for (const auto& slug : decky.services)
        if (const auto* module = find_module(slug)) configure_service(*module, decky);
}

void check_personas(const DeploymentConfig& config) {
    for (const auto& decky : config.deckies) {
        // Docker mode runs the reference's images, which read the values themselves (a
        // `files` directory is relative to the INI there): only the keys are checked.
        if (config.mode == DeployMode::docker)
            check_persona_keys(decky);
        else
            check_personas(decky);
    }
}

}  // namespace decnet::honeypot
