// SSH_MSG_KEXINIT (RFC 4253 §7.1): the ten algorithm lists both sides send first, read by
// the ssh server (negotiation), the sniffer (HASSH of either side) and the prober; and
// HASSH / HASSHServer's input strings (salesforce/hassh: "kex;enc;mac;cmp" of the
// client-to-server lists for a client, server-to-client for a server). No Boost, no I/O.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::wire::ssh {

struct KexInit {
    std::array<unsigned char, 16> cookie{};
    std::vector<std::string> kex, host_key;
    std::vector<std::string> enc_cs, enc_sc, mac_cs, mac_sc, cmp_cs, cmp_sc;
    std::vector<std::string> lang_cs, lang_sc;
    bool first_kex_follows = false;
};

// A KEXINIT payload (starting with its message byte 20); nullopt when malformed or when a
// list is over the bounds (kMaxNames names, kMaxString bytes).
std::optional<KexInit> parse_kexinit(std::string_view payload);
// The payload (message byte included), reserved uint32 0.
std::string build_kexinit(const KexInit& kexinit);

// HASSH algorithm string of a client (its client-to-server lists) and HASSHServer's of a
// server (its server-to-client lists): "kex;enc;mac;cmp".
std::string hassh_algorithms(const KexInit& kexinit);
std::string hassh_server_algorithms(const KexInit& kexinit);

// The first of `client`'s names that `server` also has (RFC 4253 §7.1), or "".
std::string negotiate(const std::vector<std::string>& client,
                      const std::vector<std::string>& server);

// "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" → its software part ("OpenSSH_9.2p1") etc.
struct VersionLine {
    std::string proto;     // "2.0" (or "1.99")
    std::string software;  // "OpenSSH_9.2p1"
    std::string comments;  // "Debian-2+deb12u3"
};
// A version line without CR LF; nullopt when it is not "SSH-<proto>-<software>[ <comments>]".
std::optional<VersionLine> parse_version(std::string_view line);

}  // namespace decnet::wire::ssh
