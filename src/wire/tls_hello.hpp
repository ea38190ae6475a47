// TLS hellos as a passive observer reads them (RFC 8446 §4.1.2–4.1.3, RFC 5246 §7.4.1): the
// record layer of one direction of a connection cut into handshake messages (a message may
// span records, a record may hold several messages), and ClientHello / ServerHello bodies
// decoded into what fingerprints need (JA3/JA4, JA3S/JA4S, JARM). Read by the sniffer and the
// prober. No Boost, no I/O, no hashing; every count and length is bounded by the input.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::wire::tls {

// GREASE code points (RFC 8701): 0x0A0A, 0x1A1A, … 0xFAFA.
constexpr bool is_grease(std::uint16_t value) {
    return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
}

enum ContentType : std::uint8_t { kChangeCipherSpec = 20, kAlert = 21, kHandshake = 22 };
enum HandshakeType : std::uint8_t {
    kClientHello = 1,
    kServerHello = 2,
    kCertificate = 11,
};
enum ExtensionType : std::uint16_t {
    kServerName = 0,
    kSupportedGroups = 10,
    kEcPointFormats = 11,
    kSignatureAlgorithms = 13,
    kAlpn = 16,
    kSessionTicket = 35,
    kPreSharedKey = 41,
    kEarlyData = 42,
    kSupportedVersions = 43,
    kKeyShare = 51,
};

// A record's payload is at most 2^14 + 2048 bytes (RFC 5246 §6.2.3); a handshake message
// we reassemble is capped well above any real hello (post-quantum key shares are ~1.2 KiB)
// and large enough for a certificate chain.
constexpr std::size_t kMaxRecord = (1u << 14) + 2048;
constexpr std::size_t kMaxHandshakeMessage = 64 * 1024;
constexpr std::size_t kMaxMessages = 8;

struct HandshakeMessage {
    std::uint8_t type = 0;
    std::string body;  // without its 4-byte header
};

struct HandshakeScan {
    std::vector<HandshakeMessage> messages;  // complete messages, in order
    bool need_more = false;  // the bytes end inside a record or a message: feed more
    bool invalid = false;    // not TLS handshake records (or over a bound): stop feeding
    // Bytes of `stream` covered by the records read (the next record starts there).
    std::size_t consumed = 0;
};

// Reads records from the start of `stream` (the first bytes one side sent), joining the
// fragments of handshake records into messages, until max_messages are complete, the bytes
// end, or a record that is not a handshake (ChangeCipherSpec, Alert, encrypted data) starts.
HandshakeScan read_handshakes(std::string_view stream, std::size_t max_messages = kMaxMessages);

struct Extension {
    std::uint16_t type = 0;
    std::string data;
};

struct ClientHello {
    std::uint16_t legacy_version = 0;  // the body's version (0x0303 for TLS 1.2 and 1.3)
    std::uint16_t record_version = 0;  // of the first record (0 when parsed from a body)
    std::array<std::uint8_t, 32> random{};
    std::string session_id;
    std::vector<std::uint16_t> cipher_suites;  // wire order, GREASE included
    std::string compression_methods;
    bool has_extensions_block = false;
    std::vector<Extension> extensions;  // wire order, GREASE and duplicates included
    // Decoded extensions (GREASE kept: fingerprints drop it themselves).
    bool has_server_name = false;
    std::string server_name;  // the first host_name entry
    std::vector<std::string> alpn;
    std::vector<std::uint16_t> supported_versions, signature_algorithms, supported_groups;
    std::string ec_point_formats;
};

struct ServerHello {
    std::uint16_t legacy_version = 0;
    std::uint16_t record_version = 0;
    std::array<std::uint8_t, 32> random{};
    std::string session_id;
    std::uint16_t cipher_suite = 0;
    std::uint8_t compression_method = 0;
    bool has_extensions_block = false;
    std::vector<Extension> extensions;
    std::optional<std::uint16_t> selected_version;  // supported_versions (TLS 1.3)
    std::string alpn;                               // the protocol the server chose
    bool hello_retry_request = false;               // RFC 8446 §4.1.3's special random
};

// A ClientHello / ServerHello handshake body (after the 4-byte handshake header); nullopt
// when malformed (a length past its container, trailing bytes inside a vector).
std::optional<ClientHello> parse_client_hello(std::string_view body);
std::optional<ServerHello> parse_server_hello(std::string_view body);

// The first handshake message of `stream` when it is a ClientHello / ServerHello (record
// version filled in). Bytes that end too early give nullopt: use read_handshakes to know
// whether more may come.
std::optional<ClientHello> client_hello_from_records(std::string_view stream);
std::optional<ServerHello> server_hello_from_records(std::string_view stream);

// The DER certificates of a Certificate message body (TLS 1.2 layout; a TLS 1.3 body with
// its request context and per-entry extensions is read too when `tls13`), at most max_certs.
std::vector<std::string> certificate_list(std::string_view body, bool tls13 = false,
                                          std::size_t max_certs = 16);

// "TLS 1.2", "SSL 3.0", … or "0xabcd" (intel.md's `tls_version` text).
std::string version_text(std::uint16_t version);

}  // namespace decnet::wire::tls
