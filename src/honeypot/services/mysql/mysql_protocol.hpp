// mysql wire details (client/server protocol 10, as MySQL 8.0 and MariaDB 10.x send them):
// packet headers, the greeting, the client's HandshakeResponse41 and SSL request, OK / ERR /
// EOF packets, text result sets, and the two password scrambles. Pure functions (no I/O),
// bounded by their input, unit-tested and fuzzed on their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::honeypot::mysql {

// Capability flags (include/mysql_com.h).
inline constexpr std::uint32_t kClientLongPassword = 0x1;
inline constexpr std::uint32_t kClientConnectWithDb = 0x8;
inline constexpr std::uint32_t kClientProtocol41 = 0x200;
inline constexpr std::uint32_t kClientSsl = 0x800;
inline constexpr std::uint32_t kClientSecureConnection = 0x8000;
inline constexpr std::uint32_t kClientPluginAuth = 0x80000;
inline constexpr std::uint32_t kClientConnectAttrs = 0x100000;
inline constexpr std::uint32_t kClientPluginAuthLenenc = 0x200000;
inline constexpr std::uint32_t kClientDeprecateEof = 0x1000000;

inline constexpr std::uint16_t kStatusAutocommit = 0x0002;

// The largest payload one packet carries (a longer one continues in the next packet).
inline constexpr std::size_t kMaxPayload = 0xffffff;

// The 4-byte header: payload length (3 bytes LE) and sequence id.
struct Header {
    std::size_t length = 0;
    std::uint8_t seq = 0;
};
Header parse_header(std::string_view four_bytes);  // exactly 4 bytes
// Header + payload (payload ≤ kMaxPayload).
std::string packet(std::uint8_t seq, std::string_view payload);

// Length-encoded integers and strings.
std::string lenenc_int(std::uint64_t value);
std::string lenenc_str(std::string_view text);

// The server's first packet (Protocol::HandshakeV10).
struct Greeting {
    std::string version;  // "8.0.40", "5.5.5-10.11.19-MariaDB-0+deb12u1"
    std::uint32_t connection_id = 1;
    std::string scramble;  // 20 bytes, none NUL
    std::uint32_t capabilities = 0;
    std::uint8_t charset = 0xff;
    std::uint16_t status = kStatusAutocommit;
    std::string plugin;  // default authentication plugin
    // MariaDB's extended capabilities, in the last 4 of the 10 reserved bytes (sent when
    // CLIENT_LONG_PASSWORD, its "MySQL" bit, is clear); 0 for MySQL.
    std::uint32_t mariadb_capabilities = 0;
};
std::string greeting_payload(const Greeting& greeting);

// The client's answer to the greeting (HandshakeResponse41), or its SSL request (the same
// first 32 bytes, nothing after).
struct HandshakeResponse {
    std::uint32_t capabilities = 0;
    std::uint32_t max_packet = 0;
    std::uint8_t charset = 0;
    bool ssl_request = false;  // 32 bytes with CLIENT_SSL: TLS comes next
    std::string user;
    std::string auth_response;
    std::string database;
    std::string plugin;
    std::vector<std::pair<std::string, std::string>> attributes;  // at most 64
};
// nullopt: not a 4.1 handshake response (MySQL answers "Bad handshake").
std::optional<HandshakeResponse> parse_handshake_response(std::string_view payload);

std::string ok_payload(std::uint64_t affected_rows = 0, std::uint64_t insert_id = 0,
                       std::uint16_t status = kStatusAutocommit, std::uint16_t warnings = 0,
                       std::string_view info = {}, bool eof_header = false);
// ERR with a SQL state ("28000") — a message longer than MySQL's 512 bytes is cut.
std::string err_payload(std::uint16_t code, std::string_view sql_state, std::string_view message);
std::string eof_payload(std::uint16_t status = kStatusAutocommit);
// AuthSwitchRequest: 0xfe, plugin, scramble, NUL.
std::string auth_switch_payload(std::string_view plugin, std::string_view scramble);

// A text result set.
inline constexpr std::uint8_t kTypeLong = 0x03;
inline constexpr std::uint8_t kTypeLongLong = 0x08;
inline constexpr std::uint8_t kTypeDatetime = 0x0c;
inline constexpr std::uint8_t kTypeNewDecimal = 0xf6;
inline constexpr std::uint8_t kTypeVarString = 0xfd;

struct Column {
    std::string name;
    std::uint8_t type = kTypeVarString;
    std::string table;
    std::string schema;
    std::uint32_t length = 1024;
};
using Row = std::vector<std::optional<std::string>>;  // nullopt: SQL NULL

// The payloads of one result set in order (column count, definitions, [EOF], rows, EOF or
// OK-with-0xfe when CLIENT_DEPRECATE_EOF was agreed).
std::vector<std::string> resultset_payloads(const std::vector<Column>& columns,
                                            const std::vector<Row>& rows, bool deprecate_eof,
                                            std::uint16_t status = kStatusAutocommit);

// What a client sends for `password` under each plugin (for checking a persona's logins):
// mysql_native_password: SHA1(pw) XOR SHA1(scramble ‖ SHA1(SHA1(pw))); caching_sha2_password:
// SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) ‖ scramble). Empty for an empty password.
std::string native_password_response(std::string_view password, std::string_view scramble);
std::string caching_sha2_response(std::string_view password, std::string_view scramble);

// The crackable forms: hashcat 11200 / John `mysqlna` "$mysqlna$<scramble hex>*<response
// hex>", and "$mysql-sha2$<scramble hex>*<response hex>" for caching_sha2_password's scramble
// (no hashcat mode takes it; a candidate is checked with caching_sha2_response).
std::string native_password_hash(std::string_view scramble, std::string_view response);
std::string caching_sha2_hash(std::string_view scramble, std::string_view response);

}  // namespace decnet::honeypot::mysql
