// Archetype data, sorted by slug.
#include "core/archetypes.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace decnet {
namespace {

const std::vector<Archetype> kArchetypes = {
    {"database-server",
     "Database Server",
     {"mysql", "postgres", "redis"},
     {"debian", "ubuntu22"},
     "linux",
     "Data tier host: MySQL, PostgreSQL, Redis"},
    {"deaddeck",
     "Deaddeck (Entry Point)",
     {"ssh"},
     {"debian", "ubuntu22"},
     "linux",
     "Internet-facing entry point with real interactive SSH — no honeypot emulation"},
    {"devops-host",
     "DevOps Host",
     {"docker_api", "ssh", "k8s"},
     {"ubuntu22", "debian"},
     "linux",
     "CI/CD or container host: Docker API + SSH + K8s"},
    {"domain-controller",
     "Domain Controller",
     {"ldap", "smb", "rdp", "llmnr"},
     {"debian", "ubuntu22"},
     "windows",
     "Active Directory DC: LDAP, SMB, RDP, LLMNR"},
    {"file-server",
     "File Server",
     {"smb", "ftp", "ssh"},
     {"debian", "ubuntu22", "rocky9"},
     "linux",
     "SMB/FTP/SFTP file storage node"},
    {"industrial-control",
     "Industrial Control System",
     {"conpot", "snmp"},
     {"debian"},
     "embedded",
     "ICS/SCADA node: Conpot (Modbus/S7/DNP3) + SNMP"},
    {"iot-device",
     "IoT Device",
     {"mqtt", "snmp", "telnet"},
     {"alpine"},
     "embedded",
     "Embedded/IoT device: MQTT, SNMP, Telnet"},
    {"linux-server",
     "Linux Server",
     {"ssh", "http"},
     {"debian", "ubuntu22", "rocky9", "fedora"},
     "linux",
     "General-purpose Linux host: SSH + HTTP"},
    {"mail-server",
     "Mail Server",
     {"smtp", "pop3", "imap"},
     {"debian", "ubuntu22"},
     "linux",
     "SMTP/IMAP/POP3 mail relay"},
    {"monitoring-node",
     "Monitoring Node",
     {"snmp", "ssh"},
     {"debian", "rocky9"},
     "linux",
     "Infrastructure monitoring host: SNMP + SSH"},
    {"printer",
     "Network Printer",
     {"snmp", "ftp"},
     {"alpine", "debian"},
     "embedded",
     "Network-attached printer: SNMP + FTP"},
    {"voip-server",
     "VoIP Server",
     {"sip"},
     {"debian", "ubuntu22"},
     "linux",
     "SIP PBX / VoIP gateway"},
    {"web-server",
     "Web Server",
     {"http", "ftp"},
     {"debian", "ubuntu22", "ubuntu20"},
     "linux",
     "Public-facing web host: HTTP + FTP"},
    {"windows-server",
     "Windows Server",
     {"smb", "rdp", "ldap"},
     {"debian", "ubuntu22"},
     "windows",
     "Windows domain member: SMB, RDP, and LDAP directory"},
    {"windows-workstation",
     "Windows Workstation",
     {"smb", "rdp"},
     {"debian", "ubuntu22"},
     "windows",
     "Corporate Windows desktop: SMB shares + RDP access"},
};

}  // namespace

std::span<const Archetype> all_archetypes() {
    return kArchetypes;
}

const Archetype* find_archetype(std::string_view slug) {
    const auto it = std::find_if(kArchetypes.begin(), kArchetypes.end(),
                                 [&](const Archetype& a) { return a.slug == slug; });
    return it == kArchetypes.end() ? nullptr : &*it;
}

const Archetype& require_archetype(std::string_view slug) {
    if (const auto* a = find_archetype(slug)) return *a;
    std::string available;
    for (const auto& a : kArchetypes) {
        if (!available.empty()) available += ", ";
        available += a.slug;
    }
    throw ConfigError("Unknown archetype '" + std::string(slug) + "'. Available: " + available);
}

std::vector<std::string_view> archetypes_using(std::string_view service) {
    std::vector<std::string_view> out;
    for (const auto& a : kArchetypes)
        if (std::find(a.services.begin(), a.services.end(), service) != a.services.end())
            out.push_back(a.slug);
    return out;
}

}  // namespace decnet
