// The OpenSSH release a decky's sshd claims, and what that release puts on the wire: its
// version line and its server KEXINIT lists in their exact order (what HASSHServer and
// ssh-audit judge), its server-sig-algs, its auth methods. Defaults follow the decky's
// distro (Debian 12 → OpenSSH_9.2p1 Debian-2+deb12u10); persona `ssh_version` picks another
// line, whose lists follow from its release and, for Debian 12, its point release (deb12u2
// added kex-strict, deb12u4 the sntrup761x25519-sha512 alias).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::ssh {

struct OpensshProfile {
    std::string version;  // "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10" (no CR LF)
    std::vector<std::string> kex, host_key, ciphers, macs, compression;
    std::string server_sig_algs;    // EXT_INFO value ("" = the release sends no EXT_INFO)
    bool hostbound_pubkey = false;  // publickey-hostbound@openssh.com=0 in EXT_INFO (8.9+)
};

// The default version line of a distro slug (debian, ubuntu22, ...).
std::string default_ssh_version(std::string_view distro);
// The profile of a version line; "" = the distro's default. Unknown software versions fall
// back to the closest release this server models.
OpensshProfile openssh_profile(std::string_view version_line, std::string_view distro);

}  // namespace decnet::honeypot::ssh
