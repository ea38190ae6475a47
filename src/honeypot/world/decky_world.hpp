// DeckyWorld: the one fake host a decky is, shared by every protocol it serves — its
// identity (hostname, distro, archetype, OS family, address), its filesystem, its TLS
// identity. Built once when the decky is added (make_decky_world), immutable afterwards,
// kept alive by the listeners and sessions that use it. Persistent parts (certificates,
// keys) live under <state dir>/deckies/<decky>/ so a restart shows the same host.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "honeypot/world/host_profile.hpp"
#include "honeypot/world/persona_users.hpp"

namespace decnet::honeypot {

class FakeFilesystem;
class TlsIdentity;
struct PlcDevice;

// Where the protocols find their part of the tree (jails: FTP sees ftp_root as "/").
struct WorldPaths {
    std::string ftp_root = "/srv/ftp";
    std::string tftp_root = "/srv/tftp";
    std::string web_root = "/var/www/html";
    std::string home = "/root";  // the shell's home after a root login
};

struct DeckyWorld {
    std::string decky;      // internal name: never shown to an attacker
    std::string hostname;   // what every banner, prompt and certificate says
    std::string distro;     // distro slug (debian, ubuntu22, …)
    std::string archetype;  // archetype slug, empty when none
    std::string os_family;  // nmap_os: linux, windows, …
    std::string ip;
    // The DNS domain: the hostname's own (bravo43.localdomain), else corp.local for the
    // Windows archetypes that are domain members; empty for a standalone host.
    std::string domain;
    std::string state_dir;  // <state dir>/deckies/<decky>, empty when nothing is persisted

    std::string fs_dir;  // operator's override directory (DeckyConfig::fs_dir), or ""
    // The services it runs (catalogue slugs): what its `ss -tln` and `ps` show listening.
    std::vector<std::string> services;

    HostProfile host;          // kernel, CPU, memory, boot time: what uname and /proc say
    PersonaAccounts accounts;  // /etc/passwd's people and service accounts
    WorldPaths paths;
    std::shared_ptr<const FakeFilesystem> fs;  // the decky's files (never null once built)
    // The decky's certificate and key (world/certificates.hpp), made or loaded from
    // state_dir/tls on first use.
    std::shared_ptr<TlsIdentity> tls;
    // The controller it is when it runs conpot (world/plc_device.hpp): what its Modbus,
    // S7comm, BACnet, SNMP and web front all describe; null on any other decky.
    std::shared_ptr<const PlcDevice> plc;

    // hostname qualified with the domain (what `hostname -f` says).
    std::string fqdn() const;
};

// The world of `decky`; `state_dir` is the instance's state directory (empty: keep nothing).
std::shared_ptr<const DeckyWorld> make_decky_world(const DeckyConfig& decky,
                                                   const std::string& state_dir);

}  // namespace decnet::honeypot
