// From a parsed INI to deployment intent (engine.md §3.2–§3.4): the [general] section,
// decky sections with `amount` expansion, [decky.service] persona subsections and
// [custom-*] services. Fleet building (IPs, distros, random services) is in fleet_builder.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"

namespace decnet {

constexpr int kMaxAmount = 100;

struct GeneralSection {
    std::optional<std::string> net;        // subnet CIDR (checked when read)
    std::optional<std::string> gw;         // gateway (checked when read)
    std::optional<std::string> interface;  // host NIC
    int net_line = 0;                      // line of net=, for messages about it
};

struct DeckySpec {
    std::string name;                                  // after amount expansion
    std::optional<std::string> ip;                     // unset or empty → auto
    std::optional<std::vector<std::string>> services;  // items trimmed, empties kept
    std::optional<std::string> archetype;
    std::optional<std::string> nmap_os;   // `nmap_os` or `nmap-os`
    std::optional<int> mutate_interval;   // `mutate_interval` or `mutate-interval`
    std::optional<std::string> fs_dir;    // `fs_dir` or `fs-dir`: an existing directory, absolute
    std::optional<std::string> hostname;  // decnet's: the decky's host name (RFC 1123)
    std::optional<std::string> distro;    // decnet's: a distro slug (else by position)
    std::map<std::string, PersonaConfig> service_config;
    PersonaOrigins persona_origins;
    int line = 0;  // line of the section header
};

struct IniConfig {
    std::string source;  // file path, or empty for a string
    GeneralSection general;
    std::vector<DeckySpec> deckies;
    std::vector<CustomService> custom_services;
    PersonaConfig prober;  // the [prober] section's own keys (docs/PROBER.md)
    std::map<std::string, SourceLine> prober_origins;
    // [geoip] keys as written (country_db, asn_db), checked by intel/geoip.
    PersonaConfig geoip;
    std::map<std::string, SourceLine> geoip_origins;
    // [alerts] ("default") and [alerts.<name>]: each webhook target's own keys (docs/ALERTS.md)
    std::map<std::string, PersonaConfig> alerts;
    std::map<std::string, std::map<std::string, SourceLine>> alerts_origins;
};

// A document read up to its first problem, sections in file order. `error` is that problem;
// `config` then still holds [general] (unless the problem is in it: then no deckies at all),
// every [custom-*] section and the deckies of the sections before the problem, so that
// planning can check their addresses first and report problems in file order. Personas
// are attached only when there is no problem.
struct IniReading {
    IniConfig config;
    std::optional<ConfigError> error;
};

// Strict (duplicates rejected). Missing or unreadable → "Config file not found: <path>".
// Every error is a ConfigError carrying the file and, where known, the line.
IniConfig load_ini_file(const std::string& path);
// The same, keeping what comes before the first problem in a section; a missing file and
// syntax errors (the whole file unreadable) still throw.
IniReading read_ini_file(const std::string& path);
// Lenient (duplicates merge, last wins), as the API's deploy endpoint uses it.
IniConfig load_ini_string(std::string_view text);
// Shared by them: interpret an already parsed document (interpret_ini throws the first
// problem).
IniReading read_ini(const struct IniDocument& document, const std::string& source);
IniConfig interpret_ini(const struct IniDocument& document, const std::string& source);

}  // namespace decnet
