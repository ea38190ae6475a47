// postgres wire details (protocol 3.0): the startup packet and its special codes
// (SSLRequest, GSSENCRequest, CancelRequest), backend messages (authentication requests,
// ParameterStatus, ErrorResponse with its fields, RowDescription, DataRow, CommandComplete),
// the md5 password and SCRAM-SHA-256 (RFC 5802/7677) messages and their crackable forms.
// Pure functions (no I/O), bounded by their input, unit-tested and fuzzed on their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::honeypot::postgres {

inline constexpr std::uint32_t kSslRequest = 80877103;
inline constexpr std::uint32_t kGssEncRequest = 80877104;
inline constexpr std::uint32_t kCancelRequest = 80877102;
inline constexpr std::uint32_t kProtocol3 = 196608;
// A startup packet is at most this long (PostgreSQL's MAX_STARTUP_PACKET_LENGTH).
inline constexpr std::size_t kMaxStartup = 10000;

std::uint32_t read32(std::string_view four_bytes);  // big-endian; 0 if shorter
std::string int32(std::uint32_t value);

struct StartupPacket {
    enum Kind { startup, ssl, gssenc, cancel, unsupported, invalid } kind = invalid;
    std::uint32_t code = 0;
    std::vector<std::pair<std::string, std::string>> params;  // at most 64
    std::string get(std::string_view key) const;
};
// `body` is the packet after its 4-byte length.
StartupPacket parse_startup(std::string_view body);

// A typed backend message: type, length (itself included), body.
std::string message(char type, std::string_view body);
std::string auth_request(std::uint32_t code, std::string_view extra = {});
std::string parameter_status(std::string_view name, std::string_view value);
std::string backend_key_data(std::uint32_t pid, std::uint32_t key);
std::string ready_for_query(char status = 'I');
std::string command_complete(std::string_view tag);

struct Field {
    char code;  // S V C M D H F L R …
    std::string value;
};
std::string error_response(const std::vector<Field>& fields, char type = 'E');

// Text-format columns: name and type OID (25 text, 23 int4, 20 int8, 1700 numeric,
// 1114 timestamp, 19 name).
struct Column {
    std::string name;
    std::uint32_t type = 25;
};
std::string row_description(const std::vector<Column>& columns);
std::string data_row(const std::vector<std::optional<std::string>>& values);

// md5: "md5" + md5hex(md5hex(password ‖ user) ‖ salt), and John's `postgres` format
// "$postgres$<user>*<salt hex>*<hash hex>".
std::string md5_response(std::string_view password, std::string_view user, std::string_view salt);
std::string md5_hash(std::string_view user, std::string_view salt, std::string_view response);

// SCRAM-SHA-256 client messages.
struct ScramClientFirst {
    std::string bare;   // "n=,r=<nonce>"
    std::string nonce;  // the client's
};
// SASLInitialResponse body: mechanism, int32 length, client-first-message.
struct SaslInitial {
    std::string mechanism;
    std::string data;
};
std::optional<SaslInitial> parse_sasl_initial(std::string_view body);
std::optional<ScramClientFirst> parse_client_first(std::string_view message);
struct ScramClientFinal {
    std::string without_proof;  // "c=biws,r=<nonce>"
    std::string nonce;
    std::string proof;  // decoded (32 bytes)
};
std::optional<ScramClientFinal> parse_client_final(std::string_view message);

// For a known password: the proof a client sends and the server's signature.
std::string scram_client_proof(std::string_view password, std::string_view salt, int iterations,
                               std::string_view auth_message);
std::string scram_server_signature(std::string_view password, std::string_view salt, int iterations,
                                   std::string_view auth_message);
// The crackable form: "$scram-sha-256$<iterations>$<salt b64>$<auth message b64>$<proof
// b64>" (a candidate is right when scram_client_proof gives the proof).
std::string scram_hash(std::string_view salt, int iterations, std::string_view auth_message,
                       std::string_view proof);

}  // namespace decnet::honeypot::postgres
