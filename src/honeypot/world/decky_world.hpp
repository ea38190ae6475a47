// DeckyWorld: the one fake host a decky is, shared by every protocol it serves — its
// identity (hostname, distro, archetype, OS family, address), its filesystem, its TLS
// identity. Built once when the decky is added (make_decky_world), immutable afterwards,
// kept alive by the listeners and sessions that use it. Persistent parts (certificates,
// keys) live under <state dir>/deckies/<decky>/ so a restart shows the same host.
#pragma once

#include <memory>
#include <string>

#include "core/config.hpp"
#include "honeypot/world/host_profile.hpp"
#include "honeypot/world/persona_users.hpp"

namespace boost::asio::ssl {
class context;
}

namespace decnet::honeypot {

class FakeFilesystem;

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
    std::string state_dir;  // <state dir>/deckies/<decky>, empty when nothing is persisted

    std::string fs_dir;  // operator's override directory (DeckyConfig::fs_dir), or ""

    HostProfile host;          // kernel, CPU, memory, boot time: what uname and /proc say
    PersonaAccounts accounts;  // /etc/passwd's people and service accounts
    WorldPaths paths;
    std::shared_ptr<const FakeFilesystem> fs;        // the decky's files (never null once built)
    std::shared_ptr<boost::asio::ssl::context> tls;  // the decky's TLS server identity
};

// The world of `decky`; `state_dir` is the instance's state directory (empty: keep nothing).
std::shared_ptr<const DeckyWorld> make_decky_world(const DeckyConfig& decky,
                                                   const std::string& state_dir);

}  // namespace decnet::honeypot
