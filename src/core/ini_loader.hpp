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

namespace decnet {

constexpr int kMaxAmount = 100;

struct GeneralSection {
    std::optional<std::string> net;        // subnet CIDR
    std::optional<std::string> gw;         // gateway
    std::optional<std::string> interface;  // host NIC
};

struct DeckySpec {
    std::string name;                                  // after amount expansion
    std::optional<std::string> ip;                     // unset or empty → auto
    std::optional<std::vector<std::string>> services;  // items trimmed, empties kept
    std::optional<std::string> archetype;
    std::optional<std::string> nmap_os;  // `nmap_os` or `nmap-os`
    std::optional<int> mutate_interval;  // `mutate_interval` or `mutate-interval`
    std::optional<std::string> fs_dir;   // `fs_dir` or `fs-dir`: an existing directory, absolute
    std::map<std::string, PersonaConfig> service_config;
    int line = 0;  // line of the section header
};

struct IniConfig {
    std::string source;  // file path, or empty for a string
    GeneralSection general;
    std::vector<DeckySpec> deckies;
    std::vector<CustomService> custom_services;
};

// Strict (duplicates rejected). Missing or unreadable → "Config file not found: <path>".
// Every error is a ConfigError carrying the file and, where known, the line.
IniConfig load_ini_file(const std::string& path);
// Lenient (duplicates merge, last wins), as the API's deploy endpoint uses it.
IniConfig load_ini_string(std::string_view text);
// Shared by both: interpret an already parsed document.
IniConfig interpret_ini(const struct IniDocument& document, const std::string& source);

}  // namespace decnet
