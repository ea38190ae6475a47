// NTLMSSP messages (MS-NLMP §2.2): NEGOTIATE, CHALLENGE and AUTHENTICATE, read and written,
// their AV pairs (the target info a CHALLENGE carries), UTF-16LE as NTLM uses it, and the
// hashcat lines a captured response becomes (NetNTLMv2: mode 5600, NetNTLMv1: mode 5500).
// Shared by every protocol that offers NTLM (smb, rdp, http, smtp, ldap, ...) through the
// acceptor in honeypot/auth/ntlm_acceptor. No Boost, no I/O, no crypto (fuzz targets link it
// alone). Bounds: a message of at most kMaxMessage bytes; every (length, offset) field is
// checked against the message; strings of at most kMaxName bytes, responses of at most
// kMaxResponse bytes, at most kMaxAvPairs AV pairs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::wire::ntlm {

constexpr std::size_t kMaxMessage = 16 * 1024;
constexpr std::size_t kMaxName = 512;       // a user, domain or workstation name (bytes)
constexpr std::size_t kMaxResponse = 4096;  // an LM or NT challenge response
constexpr std::size_t kMaxAvPairs = 32;

// NEGOTIATE_FLAGS (MS-NLMP §2.2.2.5).
enum Flag : std::uint32_t {
    kUnicode = 0x00000001,
    kOem = 0x00000002,
    kRequestTarget = 0x00000004,
    kSign = 0x00000010,
    kSeal = 0x00000020,
    kLmKey = 0x00000080,
    kNtlm = 0x00000200,
    kAnonymous = 0x00000800,
    kOemDomainSupplied = 0x00001000,
    kOemWorkstationSupplied = 0x00002000,
    kAlwaysSign = 0x00008000,
    kTargetTypeDomain = 0x00010000,
    kTargetTypeServer = 0x00020000,
    kExtendedSessionSecurity = 0x00080000,
    kIdentify = 0x00100000,
    kTargetInfo = 0x00800000,
    kVersion = 0x02000000,
    k128 = 0x20000000,
    kKeyExchange = 0x40000000,
    k56 = 0x80000000,
};

enum class MessageType : std::uint32_t { negotiate = 1, challenge = 2, authenticate = 3 };

// The VERSION structure: what Windows build a peer claims to be.
struct Version {
    std::uint8_t major = 10, minor = 0;
    std::uint16_t build = 0;
    std::uint8_t revision = 15;  // NTLMSSP_REVISION_W2K3
    std::string text() const;    // "10.0.19045"
};

struct Negotiate {
    std::uint32_t flags = 0;
    std::string domain, workstation;  // OEM-supplied names, when sent
    std::optional<Version> version;
};

// The identity a server's CHALLENGE advertises (MsvAvNb*/MsvAvDns*), UTF-8 here.
struct TargetInfo {
    std::string nb_computer, nb_domain, dns_computer, dns_domain, dns_tree;
    std::optional<std::uint64_t> timestamp;  // FILETIME
    std::optional<std::uint32_t> av_flags;   // MsvAvFlags (0x2: a MIC follows)
    std::string target_name;                 // MsvAvTargetName (an SPN, in AUTHENTICATE)
    bool channel_bindings = false;           // MsvAvChannelBindings present
};

struct Challenge {
    std::uint32_t flags = 0;
    std::string target_name;  // UTF-8
    std::array<std::uint8_t, 8> server_challenge{};
    TargetInfo target_info;
    Version version;
};

struct Authenticate {
    std::uint32_t flags = 0;
    std::string lm_response, nt_response;   // raw bytes
    std::string domain, user, workstation;  // UTF-8 (decoded from UTF-16LE or OEM)
    std::string session_key;                // EncryptedRandomSessionKey, raw
    std::optional<Version> version;
    std::string mic;  // 16 raw bytes when present
};

// "NTLMSSP\0" followed by a known type; nullopt otherwise.
std::optional<MessageType> message_type(std::string_view message);

std::optional<Negotiate> parse_negotiate(std::string_view message);
std::optional<Challenge> parse_challenge(std::string_view message);
std::optional<Authenticate> parse_authenticate(std::string_view message);

std::string build_negotiate(const Negotiate& negotiate);
// Target name and AV pairs in UTF-16LE (the UNICODE flag is expected in `flags`).
std::string build_challenge(const Challenge& challenge);
// With the MIC when `mic` has its 16 bytes (what tests and the bench's client need).
std::string build_authenticate(const Authenticate& authenticate);

// AV pairs from / to their wire form (MsvAvEOL-terminated); nullopt when malformed.
std::optional<TargetInfo> parse_av_pairs(std::string_view bytes);
std::string build_av_pairs(const TargetInfo& info);

// A NetNTLMv2 response's blob (NTLMv2_CLIENT_CHALLENGE, after the 16-byte NTProofStr):
// its client timestamp and AV pairs, when it parses.
struct ClientBlob {
    std::uint64_t timestamp = 0;
    std::array<std::uint8_t, 8> client_challenge{};
    TargetInfo info;
};
std::optional<ClientBlob> parse_client_blob(std::string_view nt_response);

// Is this NT response NTLMv2 (longer than the 24 bytes of NTLMv1)?
inline bool is_v2(std::string_view nt_response) {
    return nt_response.size() > 24;
}

// hashcat 5600: user::domain:server_challenge:ntproofstr:blob (hex, lower case).
std::string netntlmv2_line(std::string_view user, std::string_view domain,
                           const std::array<std::uint8_t, 8>& server_challenge,
                           std::string_view nt_response);
// hashcat 5500: user::domain:lm_response:nt_response:server_challenge.
std::string netntlmv1_line(std::string_view user, std::string_view domain,
                           const std::array<std::uint8_t, 8>& server_challenge,
                           std::string_view lm_response, std::string_view nt_response);

// UTF-8 ↔ UTF-16LE; invalid sequences become U+FFFD; output bounded by the input's size.
std::string utf16le(std::string_view utf8);
std::string from_utf16le(std::string_view bytes);

}  // namespace decnet::wire::ntlm
