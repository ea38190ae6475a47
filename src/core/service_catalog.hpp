// The service catalogue: every emulated protocol decnet offers, as data (engine.md §4.6,
// services.md §0). One entry per service; nothing else in the code switches on a slug.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace decnet {

enum class Transport { tcp, udp };
std::string_view to_string(Transport t);

struct ServicePort {
    std::uint16_t port;
    Transport transport;
    // Implicit TLS (443, 636, 993, 995, 2376, 6443): the runtime starts TLS with the decky's
    // certificate (Session::start_tls) before the emulator sees the bytes.
    bool tls = false;
    // Another service whose emulator answers this port (conpot's SNMP agent and web front
    // are snmp's and http's, describing the PLC): when the decky runs that service too, its
    // own listener serves the port and this one is not bound.
    std::string_view served_by = {};
};

// A persona setting from an INI [decky.service] subsection, with the environment
// variable the reference's container read it from (kept for compose export).
struct PersonaKey {
    std::string_view key;
    std::string_view env;
    std::string_view default_value;  // "{node}" stands for the decky's hostname
};

// How the reference's Docker image of the service is built and run (engine.md §6.5), for the
// compose export: facts about images, kept with the service instead of in the exporter.
struct ComposeFacts {
    std::string_view build_context;  // template directory; empty: the slug
    std::string_view base_image;     // BASE_IMAGE build arg pinned by the image; empty: none
    bool bind_service_cap = false;   // binds a port < 1024 as non-root: NET_BIND_SERVICE
    bool login_shell = false;        // a real login daemon: no NODE_NAME, root password set
    std::vector<std::pair<std::string_view, std::string_view>> env;  // fixed variables
};

struct ServiceInfo {
    std::string_view slug;
    std::vector<ServicePort> ports;
    std::string_view description;
    std::vector<PersonaKey> persona;
    bool fleet_wide = false;    // the sniffer: one per fleet, never a per-decky service
    std::string_view log_name;  // syslog APP-NAME when it differs from the slug
    ComposeFacts compose;

    // The APP-NAME its events carry (smtp_relay logs as smtp, as the reference does).
    std::string_view app_name() const { return log_name.empty() ? slug : log_name; }
    // Whether `key` is one of its persona keys.
    const PersonaKey* find_persona_key(std::string_view key) const;
};

// Every service, per-decky and fleet-wide, sorted by slug.
std::span<const ServiceInfo> all_services();
// nullptr when unknown.
const ServiceInfo* find_service(std::string_view slug);
// The 27 per-decky slugs, sorted (what --services accepts and random draws pick from).
const std::vector<std::string>& per_decky_service_slugs();
// Two of the services would listen on the same port (smtp and smtp_relay, both on 25): one
// decky can't run both.
bool services_share_a_port(const std::vector<std::string>& services);
// "21/tcp" / "5060/udp, 5060/tcp"
std::string format_ports(const ServiceInfo& service);
// Python-style list literal used by the reference's messages: ['a', 'b'].
std::string python_list(std::span<const std::string> items);

}  // namespace decnet
