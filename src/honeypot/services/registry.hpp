// The service modules decnet has (one line each in registry.cpp), and the deploy-time check
// of every decky's persona against them.
#pragma once

#include <span>
#include <string_view>

#include "honeypot/services/module.hpp"

namespace decnet {
struct Event;
}

namespace decnet::honeypot {

std::span<const ServiceModule* const> service_modules();
// nullptr when the slug has no emulator (yet).
const ServiceModule* find_module(std::string_view slug);
bool has_emulator(std::string_view slug);

// Each module's registration (services/<slug>/<slug>.cpp).
const ServiceModule& conpot_module();
const ServiceModule& docker_api_module();
const ServiceModule& elasticsearch_module();
const ServiceModule& ftp_module();
const ServiceModule& http_module();
const ServiceModule& imap_module();
const ServiceModule& k8s_module();
const ServiceModule& ldap_module();
const ServiceModule& llmnr_module();
const ServiceModule& mongodb_module();
const ServiceModule& mqtt_module();
const ServiceModule& mssql_module();
const ServiceModule& mysql_module();
const ServiceModule& pop3_module();
const ServiceModule& postgres_module();
const ServiceModule& rdp_module();
const ServiceModule& redis_module();
const ServiceModule& sip_module();
const ServiceModule& smb_module();
const ServiceModule& smtp_module();
const ServiceModule& smtp_relay_module();
const ServiceModule& snmp_module();
const ServiceModule& ssh_module();
const ServiceModule& telnet_module();
const ServiceModule& tftp_module();
const ServiceModule& vnc_module();

// "" when `event` (emitted by `module`'s emulator) uses a declared type and only declared
// fields; else what is wrong. The runtime's own events (runtime_events()) count as declared.
std::string undeclared(const ServiceModule& module, const Event& event);

// Every decky's persona keys, checked and parsed as `deploy` would: unknown keys (those the
// operator wrote in a [decky.service] section) and bad values throw ConfigError naming the
// decky, the service and the key, at the INI file and line when known.
void check_personas(const DeploymentConfig& config);
void check_personas(const DeckyConfig& decky);
// Only the keys (no module parses the values): for docker mode's reference images.
void check_persona_keys(const DeckyConfig& decky);

// The settings of `slug` on `decky` (nullptr when the module has none); throws as above.
std::shared_ptr<const ServiceSettings> configure_service(const ServiceModule& module,
                                                         const DeckyConfig& decky);

}  // namespace decnet::honeypot
