// The service catalogue data. To add a service: add one entry here (kept sorted) and
// register its emulator under src/honeypot/services/.
#include "core/service_catalog.hpp"

#include <algorithm>
#include <set>

// Entries name only the fields that differ from the defaults (most services have no
// compose facts, no separate log name).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace decnet {
namespace {

constexpr auto tcp = Transport::tcp;
constexpr auto udp = Transport::udp;

const std::vector<PersonaKey> kHttpPersona = {
    {"server_header", "SERVER_HEADER", "Apache/2.4.54 (Debian)"},
    {"response_code", "RESPONSE_CODE", "403"},
    {"fake_app", "FAKE_APP", ""},
    {"extra_headers", "EXTRA_HEADERS", "{}"},
    {"custom_body", "CUSTOM_BODY", ""},
    {"files", "FILES_DIR", ""},
    // Path prefixes that ask for NTLM/Negotiate like IIS (docs/CONFIG.md); empty: none.
    {"ntlm_paths", "NTLM_PATHS", ""},
    // The certificate of its TLS port (443) when not the decky's own (docs/CONFIG.md).
    {"tls_cert", "TLS_CERT", ""},
    {"tls_key", "TLS_KEY", ""},
    {"tls_cn", "TLS_CN", ""},
};

// https: the reference's container defaults for its certificate files (compose export).
std::vector<PersonaKey> https_persona() {
    auto keys = kHttpPersona;
    for (auto& key : keys) {
        if (key.key == "tls_cert") key.default_value = "/opt/tls/cert.pem";
        if (key.key == "tls_key") key.default_value = "/opt/tls/key.pem";
        if (key.key == "tls_cn") key.default_value = "{node}";
    }
    return keys;
}

// The mail servers: product "" = by the decky's OS (Exchange on Windows, else Postfix and
// Dovecot); the login policy of ssh (docs/CONFIG.md); their TLS ports' certificate.
std::vector<PersonaKey> smtp_persona(std::string_view accept) {
    return {
        // Only a banner the operator writes replaces the product's own (docs/CONFIG.md).
        {"banner", "SMTP_BANNER", "220 {node} ESMTP Postfix (Debian/GNU)"},
        {"mta", "SMTP_MTA", "{node}"},
        {"product", "SMTP_PRODUCT", ""},
        {"message_size_limit", "SMTP_MESSAGE_SIZE_LIMIT", ""},
        {"auth_mechanisms", "SMTP_AUTH_MECHANISMS", ""},
        {"accept", "SMTP_ACCEPT", accept},
        {"logins", "SMTP_LOGINS", ""},
        {"tls_cert", "TLS_CERT", ""},
        {"tls_key", "TLS_KEY", ""},
        {"tls_cn", "TLS_CN", ""},
    };
}

const std::vector<PersonaKey> kImapPersona = {
    {"product", "IMAP_PRODUCT", ""}, {"accept", "IMAP_ACCEPT", "never"},
    {"logins", "IMAP_LOGINS", ""},   {"tls_cert", "TLS_CERT", ""},
    {"tls_key", "TLS_KEY", ""},      {"tls_cn", "TLS_CN", ""},
};

const std::vector<PersonaKey> kPop3Persona = {
    {"product", "POP3_PRODUCT", ""}, {"accept", "POP3_ACCEPT", "never"},
    {"logins", "POP3_LOGINS", ""},   {"apop", "POP3_APOP", "no"},
    {"tls_cert", "TLS_CERT", ""},    {"tls_key", "TLS_KEY", ""},
    {"tls_cn", "TLS_CN", ""},
};

const std::vector<ServiceInfo> kServices = {
    {"conpot",
     {{502, tcp}, {102, tcp}, {47808, udp}, {161, udp, false, "snmp"}, {80, tcp, false, "http"}},
     "ICS/SCADA node: Modbus, S7comm, BACnet and SNMP like a PLC",
     // "" = drawn from the decky's seed (docs/ICS.md).
     {{"model", "CONPOT_MODEL", ""},
      {"serial", "CONPOT_SERIAL", ""},
      {"plant", "CONPOT_PLANT", ""},
      {"station", "CONPOT_STATION", ""},
      {"location", "CONPOT_LOCATION", ""}},
     false,
     {},
     {.base_image = "honeynet/conpot:latest", .env = {{"CONPOT_TEMPLATE", "default"}}}},
    {"docker_api",
     {{2375, tcp}, {2376, tcp, true}},
     "Docker Engine API that records container and exec reconnaissance",
     // version: one of the releases docs/CONFIG.md lists; start_error "" = a cgroup failure.
     {{"version", "DOCKER_VERSION", "24.0.5"}, {"start_error", "DOCKER_START_ERROR", ""}}},
    {"elasticsearch",
     {{9200, tcp}},
     "Elasticsearch REST API answering cluster and index recon",
     // version: 6.8.23, 7.10.2, 7.17.9 or 8.13.4; security "" = on from 8.0 (docs/CLOUD_IOT.md).
     {{"version", "ES_VERSION", "7.17.9"},
      {"cluster_name", "ES_CLUSTER_NAME", "elasticsearch"},
      {"security", "ES_SECURITY", ""},
      {"accept", "ES_ACCEPT", "never"},
      {"logins", "ES_LOGINS", "elastic:changeme,elastic:elastic"}}},
    {"ftp", {{21, tcp}}, "FTP server (vsFTPd) capturing logins, downloads and uploads", {}},
    {"http",
     {{80, tcp}, {443, tcp, true}},
     "Web server with persona pages; logs requests and captures login forms",
     kHttpPersona},
    {"https", {{443, tcp, true}}, "TLS web server with the same persona as http", https_persona()},
    {"imap",
     {{143, tcp}, {993, tcp, true}},
     "IMAP4rev1 server (Dovecot, Exchange) capturing logins; bait mail",
     kImapPersona},
    {"k8s",
     {{6443, tcp, true}, {8080, tcp}},
     "Kubernetes API server answering cluster recon",
     // access: open (anonymous reads all but secrets), token or locked (docs/CONFIG.md).
     {{"version", "K8S_VERSION", "v1.27.4"}, {"access", "K8S_ACCESS", "open"}}},
    {"ldap",
     {{389, tcp}, {636, tcp, true}},
     "LDAP directory as Active Directory or OpenLDAP; captures binds",
     // product "" = Active Directory on Windows deckies, OpenLDAP elsewhere (docs/CONFIG.md).
     {{"product", "LDAP_PRODUCT", ""},
      {"accept", "LDAP_ACCEPT", "list"},
      {"logins", "LDAP_LOGINS", "administrator:P@ssw0rd,svc_backup:Backup2024!"}},
     false,
     {},
     {.bind_service_cap = true}},
    {"llmnr",
     {{5355, udp}, {5353, udp}},
     "LLMNR/mDNS responder for the decky's names; logs every query",
     {}},
    {"mongodb",
     {{27017, tcp}},
     "MongoDB capturing SCRAM logins; open instances serve bait databases",
     // version "" = what mongodb.org ships for the distro; auth no = open (docs/CONFIG.md).
     {{"version", "MONGODB_VERSION", ""},
      {"auth", "MONGODB_AUTH", "no"},
      {"accept", "MONGODB_ACCEPT", "never"},
      {"logins", "MONGODB_LOGINS", ""}}},
    {"mqtt",
     {{1883, tcp}, {8883, tcp, true}},
     "MQTT broker publishing fake telemetry",
     // persona: water_plant, smart_building or generic; custom_topics: JSON topic → value.
     {{"persona", "MQTT_PERSONA", "water_plant"},
      {"custom_topics", "MQTT_CUSTOM_TOPICS", ""},
      {"accept_all", "MQTT_ACCEPT_ALL", "1"},
      {"version", "MQTT_VERSION", "2.0.15"},
      {"interval", "MQTT_INTERVAL", "2"}}},
    {"mssql",
     {{1433, tcp}},
     "Microsoft SQL Server (TDS) capturing logins, with bait databases",
     // version "" = 2019; edition "" = standard on Windows, developer on Linux.
     {{"version", "MSSQL_VERSION", ""},
      {"edition", "MSSQL_EDITION", ""},
      {"encryption", "MSSQL_ENCRYPTION", "off"},
      {"accept", "MSSQL_ACCEPT", "never"},
      {"logins", "MSSQL_LOGINS", ""}}},
    {"mysql",
     {{3306, tcp}},
     "MySQL/MariaDB capturing crackable logins, with bait databases",
     // version "" = the server the decky's distro ships (docs/CONFIG.md).
     {{"version", "MYSQL_VERSION", ""},
      {"tls", "MYSQL_TLS", "yes"},
      {"accept", "MYSQL_ACCEPT", "never"},
      {"logins", "MYSQL_LOGINS", ""}}},
    {"pop3",
     {{110, tcp}, {995, tcp, true}},
     "POP3 mailbox (Dovecot, Exchange) capturing logins, with bait mail",
     kPop3Persona},
    {"postgres",
     {{5432, tcp}},
     "PostgreSQL capturing crackable logins, with bait databases",
     // version "" = the distro's release; auth "" = scram-sha-256 from 14, md5 before.
     {{"version", "PG_VERSION", ""},
      {"auth", "PG_AUTH", ""},
      {"tls", "PG_TLS", "yes"},
      {"accept", "PG_ACCEPT", "never"},
      {"logins", "PG_LOGINS", ""}}},
    {"rdp",
     {{3389, tcp}},
     "Remote Desktop (RDP) with NLA capturing NetNTLMv2 logons",
     {{"security", "RDP_SECURITY", "nla"}}},
    {"redis",
     {{6379, tcp}},
     "Redis with a fake keyspace; captures AUTH and commands",
     {{"version", "REDIS_VERSION", "7.2.7"}, {"os_string", "REDIS_OS", "Linux 5.15.0"}}},
    {"sip",
     {{5060, udp}, {5060, tcp}},
     "SIP PBX (Asterisk, FreePBX) capturing digest logins and scans",
     {{"product", "SIP_PRODUCT", "asterisk"},
      {"version", "SIP_VERSION", ""},
      {"extensions", "SIP_EXTENSIONS", "100-120,200-205,1000-1010"},
      {"accept", "SIP_ACCEPT", "list"},
      {"logins", "SIP_LOGINS", "100:100,101:1234,1000:1000"}}},
    {"smb",
     {{445, tcp}, {139, tcp}},
     "SMB/CIFS file server with shares",
     // signing "" = required on a domain controller, else enabled; max_dialect "" = 3.1.1;
     // smb1 "" = off (a Windows persona drops SMB1 as Windows since 1709 does).
     {{"accept", "SMB_ACCEPT", "list"},
      {"logins", "SMB_LOGINS", ""},
      {"signing", "SMB_SIGNING", ""},
      {"max_dialect", "SMB_MAX_DIALECT", ""},
      {"smb1", "SMB_SMB1", ""}},
     false,
     {},
     {.bind_service_cap = true}},
    {"smtp",
     {{25, tcp}, {587, tcp}, {465, tcp, true}},
     "SMTP server (Postfix, Exim, Exchange) capturing AUTH; a closed relay",
     smtp_persona("never"),
     false,
     {},
     {.bind_service_cap = true}},
    {"smtp_relay",
     {{25, tcp}, {587, tcp}, {465, tcp, true}},
     "SMTP open relay that accepts and keeps every message, delivering none",
     smtp_persona("any"),
     false,
     "smtp",  // the reference logs the relay under the smtp APP-NAME
     {.build_context = "smtp", .bind_service_cap = true, .env = {{"SMTP_OPEN_RELAY", "1"}}}},
    {"sniffer", {}, "Passive sensor: TLS (JA3/JA4) and TCP fingerprints of attackers", {}, true},
    {"snmp",
     {{161, udp}},
     "SNMP v1/v2c agent logging community strings",
     {{"archetype", "SNMP_ARCHETYPE", "default"}}},
    {"ssh",
     {{22, tcp}},
     "SSH server capturing credentials and shell commands",
     {{"password", "SSH_ROOT_PASSWORD", "admin"},
      {"hostname", "SSH_HOSTNAME", ""},
      // "" = the OpenSSH release of the decky's distro (docs/SSH.md).
      {"ssh_version", "SSH_VERSION", ""},
      // pam_unix's delay after a failed password (Debian: 2 s).
      {"auth_delay_ms", "SSH_AUTH_DELAY_MS", "2000"},
      {"accept", "SSH_ACCEPT", "list"},
      {"logins", "SSH_LOGINS", ""},
      {"downloads", "SSH_DOWNLOADS", "record"},
      {"download_allow", "SSH_DOWNLOAD_ALLOW", ""}},
     false,
     {},
     {.bind_service_cap = true, .login_shell = true}},
    {"telnet",
     {{23, tcp}},
     "Telnet login and shell capturing credentials and commands",
     {{"password", "TELNET_ROOT_PASSWORD", "admin"},
      {"hostname", "TELNET_HOSTNAME", ""},
      {"accept", "TELNET_ACCEPT", "list"},
      {"logins", "TELNET_LOGINS", ""},
      {"downloads", "TELNET_DOWNLOADS", "record"},
      {"download_allow", "TELNET_DOWNLOAD_ALLOW", ""}},
     false,
     {},
     {.bind_service_cap = true, .login_shell = true}},
    {"tftp", {{69, udp}}, "TFTP server logging read and write requests", {}},
    {"vnc",
     {{5900, tcp}},
     "VNC (RFB) server capturing crackable authentication responses",
     // server "" = RealVNC on a Windows decky, x11vnc elsewhere (docs/CONFIG.md).
     {{"server", "VNC_SERVER", ""},
      {"auth", "VNC_AUTH", "vnc"},
      {"desktop_name", "VNC_DESKTOP_NAME", ""},
      {"geometry", "VNC_GEOMETRY", "1024x768"}}},
};

}  // namespace

std::string_view to_string(Transport t) {
    return t == Transport::tcp ? "tcp" : "udp";
}

const PersonaKey* ServiceInfo::find_persona_key(std::string_view key) const {
    for (const auto& k : persona)
        if (k.key == key) return &k;
    return nullptr;
}

std::span<const ServiceInfo> all_services() {
    return kServices;
}

const ServiceInfo* find_service(std::string_view slug) {
    const auto it = std::find_if(kServices.begin(), kServices.end(),
                                 [&](const ServiceInfo& s) { return s.slug == slug; });
    return it == kServices.end() ? nullptr : &*it;
}

const std::vector<std::string>& per_decky_service_slugs() {
    static const std::vector<std::string> slugs = [] {
        std::vector<std::string> out;
        for (const auto& s : kServices)
            if (!s.fleet_wide) out.emplace_back(s.slug);
        std::sort(out.begin(), out.end());
        return out;
    }();
    return slugs;
}

bool services_share_a_port(const std::vector<std::string>& services) {
    const auto listed = [&](std::string_view slug) {
        return std::find(services.begin(), services.end(), slug) != services.end();
    };
    std::set<std::pair<std::uint16_t, Transport>> taken;
    for (const auto& slug : services)
        if (const auto* info = find_service(slug))
            for (const auto& p : info->ports) {
                // A port one service answers for another (conpot's 161) is that one's when
                // both are on the decky: no clash.
                if (!p.served_by.empty() && listed(p.served_by)) continue;
                if (!taken.insert({p.port, p.transport}).second) return true;
            }
    return false;
}

std::string format_ports(const ServiceInfo& service) {
    std::string out;
    for (const auto& p : service.ports) {
        if (!out.empty()) out += ", ";
        out += std::to_string(p.port) + "/" + std::string(to_string(p.transport));
    }
    return out.empty() ? "-" : out;
}

std::string python_list(std::span<const std::string> items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += "'" + items[i] + "'";
    }
    return out + "]";
}

}  // namespace decnet
