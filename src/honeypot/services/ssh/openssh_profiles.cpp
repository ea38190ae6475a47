#include "honeypot/services/ssh/openssh_profiles.hpp"

#include <cstdlib>

#include "wire/ssh_codec.hpp"

namespace decnet::honeypot::ssh {
namespace {

using wire::ssh::split_names;

// The defaults of the upstream releases (sshd -T / ssh -Q, measured against Debian's own
// sshd for 9.2p1), before the host key list, which depends on the keys a host has.
constexpr std::string_view kCiphersModern =
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
    "aes256-gcm@openssh.com";
constexpr std::string_view kCiphers74 =
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
    "aes256-gcm@openssh.com,aes128-cbc,aes192-cbc,aes256-cbc,blowfish-cbc,cast128-cbc,3des-cbc";
constexpr std::string_view kMacsModern =
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
    "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
    "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";
// RHEL's crypto-policies DEFAULT (Rocky 9, Fedora).
constexpr std::string_view kCiphersRhel =
    "aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-ctr,aes128-gcm@openssh.com,"
    "aes128-ctr";
constexpr std::string_view kMacsRhel =
    "hmac-sha2-256-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-128-etm@openssh.com,"
    "hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha1,umac-128@openssh.com,hmac-sha2-512";
constexpr std::string_view kKexRhel =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
    "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256,"
    "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512";
constexpr std::string_view kKexEcdhDh =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
    "ecdh-sha2-nistp521";
constexpr std::string_view kKexDhTail =
    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";
constexpr std::string_view kSigAlgs92 =
    "ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
    "ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,"
    "webauthn-sk-ecdsa-sha2-nistp256@openssh.com,ssh-dss,ssh-rsa,rsa-sha2-256,rsa-sha2-512";

// "OpenSSH_9.2p1" → 92 (major*10 + minor); 0 when not OpenSSH.
int release_of(std::string_view software) {
    constexpr std::string_view prefix = "OpenSSH_";
    if (software.substr(0, prefix.size()) != prefix) return 0;
    software.remove_prefix(prefix.size());
    const int major = std::atoi(std::string(software).c_str());
    const auto dot = software.find('.');
    const int minor = dot == std::string_view::npos
                          ? 0
                          : std::atoi(std::string(software.substr(dot + 1)).c_str());
    return major * 10 + minor % 10;
}

// "Debian-2+deb12u4" → 4; -1 when not a Debian 12 point release.
int deb12_update(std::string_view comments) {
    const auto at = comments.find("+deb12u");
    if (at == std::string_view::npos) return -1;
    return std::atoi(std::string(comments.substr(at + 7)).c_str());
}

}  // namespace

std::string default_ssh_version(std::string_view distro) {
    if (distro == "ubuntu22") return "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.13";
    if (distro == "ubuntu20") return "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.13";
    if (distro == "rocky9") return "SSH-2.0-OpenSSH_8.7";
    if (distro == "centos7") return "SSH-2.0-OpenSSH_7.4";
    if (distro == "alpine") return "SSH-2.0-OpenSSH_9.6";
    if (distro == "fedora") return "SSH-2.0-OpenSSH_9.3";
    if (distro == "kali") return "SSH-2.0-OpenSSH_9.7p1 Debian-5";
    if (distro == "arch") return "SSH-2.0-OpenSSH_9.7";
    return "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10";
}

OpensshProfile openssh_profile(std::string_view version_line, std::string_view distro) {
    OpensshProfile p;
    p.version = version_line.empty() ? default_ssh_version(distro) : std::string(version_line);
    std::string software, comments;
    {
        std::string_view rest = p.version;
        if (rest.substr(0, 8) == "SSH-2.0-") rest.remove_prefix(8);
        const auto space = rest.find(' ');
        software = std::string(rest.substr(0, space));
        if (space != std::string_view::npos) comments = std::string(rest.substr(space + 1));
    }
    int release = release_of(software);
    if (release == 0) release = 92;  // another product's name: the lists of a common sshd
    const bool rhel =
        distro == "rocky9" || distro == "fedora" ||
        (comments.empty() && (software == "OpenSSH_8.7" || software == "OpenSSH_9.3"));
    const int deb12 = deb12_update(comments);
    // Terrapin (CVE-2023-48795) fixes: upstream 9.6, and the distributions' backports.
    const bool strict_kex =
        release >= 96 || (deb12 >= 2) || comments.find("ubuntu0.") != std::string::npos || rhel;

    std::string kex;
    if (release >= 99) {
        kex = "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,";
        kex += kKexEcdhDh;
        kex += ',';
        kex += kKexDhTail;
    } else if (release >= 90) {
        if (deb12 >= 4) kex = "sntrup761x25519-sha512,";
        kex += "sntrup761x25519-sha512@openssh.com,";
        kex += kKexEcdhDh;
        kex += ',';
        kex += kKexDhTail;
    } else if (rhel) {
        kex = kKexRhel;
    } else if (release >= 85) {
        kex = std::string(kKexEcdhDh) + ",sntrup761x25519-sha512@openssh.com," +
              std::string(kKexDhTail);
    } else if (release >= 78) {
        kex = std::string(kKexEcdhDh) + ',' + std::string(kKexDhTail);
    } else {
        kex =
            std::string(kKexEcdhDh) +
            ",diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
            "diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha1,"
            "diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,diffie-hellman-group1-sha1";
    }
    if (release >= 96) kex += ",ext-info-s";
    if (strict_kex) kex += ",kex-strict-s-v00@openssh.com";
    p.kex = split_names(kex);

    // sshd lists algorithms per host key it loaded, in HostKey order (rsa, ecdsa, ed25519);
    // ssh-rsa (SHA-1) left the defaults in 8.8.
    p.host_key =
        split_names(release >= 88 || rhel
                        ? "rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519"
                        : "rsa-sha2-512,rsa-sha2-256,ssh-rsa,ecdsa-sha2-nistp256,ssh-ed25519");
    p.ciphers = split_names(rhel ? kCiphersRhel : release < 76 ? kCiphers74 : kCiphersModern);
    p.macs = split_names(rhel ? kMacsRhel : kMacsModern);
    p.compression = split_names(rhel ? "none,zlib@openssh.com" : "none,zlib@openssh.com");
    p.server_sig_algs = release >= 73 ? std::string(kSigAlgs92) : "";
    p.hostbound_pubkey = release >= 89;
    return p;
}

}  // namespace decnet::honeypot::ssh
