// The deployment model: what a decky is and what a deployment is (engine.md §2).
// Plain data; building it from flags or an INI lives in fleet_builder, persisting it in
// config_json.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet {

constexpr int kDefaultMutateIntervalMinutes = 30;

enum class DeployMode { loopback, netns, docker };
std::string_view to_string(DeployMode mode);

// Persona settings of one service on one decky: key (lower-case) → value, as written.
using PersonaConfig = std::map<std::string, std::string>;

// Where a setting was written, so a bad value is reported at its line.
struct SourceLine {
    std::string file;  // empty: an INI given as text (the API)
    int line = 0;
    bool operator==(const SourceLine&) const = default;
};
// Per service, per persona key written in its own [decky.service] section (not inherited
// from [DEFAULT]): where it was written.
using PersonaOrigins = std::map<std::string, std::map<std::string, SourceLine>>;

// A bring-your-own service from an INI [custom-<name>] section (engine.md §4.5).
struct CustomService {
    std::string name;
    std::string image;  // INI `binary`
    std::string exec;   // INI `exec`, a command line
    std::vector<std::uint16_t> ports;
};

struct DeckyConfig {
    std::string name;
    std::string ip;
    std::vector<std::string> services;
    std::string distro;
    std::string base_image;
    std::string build_base = "debian:bookworm-slim";
    std::string hostname;
    std::optional<std::string> archetype;
    std::map<std::string, PersonaConfig> service_config;
    PersonaOrigins persona_origins;      // INI only; not persisted (checked at deploy)
    std::string nmap_os = "linux";       // OS family as configured (may be unknown)
    std::optional<int> mutate_interval;  // minutes; unset → the deployment's
    double last_mutated = 0.0;           // epoch seconds
    double last_login_attempt = 0.0;
    std::string fs_dir;  // operator's files over the decky's fake filesystem (INI fs_dir=)
};

struct DeploymentConfig {
    DeployMode mode = DeployMode::loopback;
    std::string interface;  // empty in loopback mode
    std::string subnet;
    std::string gateway;  // empty when none applies
    std::string host_ip;  // empty when none applies
    std::vector<DeckyConfig> deckies;
    std::optional<std::string> log_file;
    std::optional<std::string> log_target;
    bool ipvlan = false;
    std::optional<int> mutate_interval;  // global, minutes; unset → 30
    std::vector<CustomService> custom_services;
    // The INI's [prober] section as written (key → value, and where), parsed and checked
    // by the prober when the instance starts (docs/PROBER.md). Empty: the prober is off.
    PersonaConfig prober;
    std::map<std::string, SourceLine> prober_origins;
    // The INI's [geoip] section (docs/PROFILES.md): country_db, asn_db — .mmdb paths read
    // by the profiler (intel/geoip). Empty: no enrichment unless the environment names them.
    PersonaConfig geoip;
    std::map<std::string, SourceLine> geoip_origins;
    // The INI's [alerts] and [alerts.<name>] sections (docs/ALERTS.md): webhook target name
    // ("default" for [alerts]) → its keys as written, and where ("" → the section header).
    // Parsed and checked by the alert dispatcher when the instance starts.
    std::map<std::string, PersonaConfig> alerts;
    std::map<std::string, std::map<std::string, SourceLine>> alerts_origins;

    // Precedence (fixing the reference's D4): decky's own > global > 30 minutes.
    int effective_mutate_interval(const DeckyConfig& decky) const;
};

// 1..128 characters of [A-Za-z0-9._-]; throws ConfigError otherwise.
void validate_decky_name(std::string_view name);

}  // namespace decnet
