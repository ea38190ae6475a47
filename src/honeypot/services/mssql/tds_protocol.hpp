// TDS 7.x wire details (MS-TDS) as SQL Server speaks them: the 8-byte packet header and the
// splitting of a message into packets, PRELOGIN (the client's options, the server's answer
// nmap reads the version from), LOGIN7 (every offset and length checked, the password
// de-obfuscated), the SQL batch text, and the server's tokens (ERROR, INFO, LOGINACK,
// ENVCHANGE, FEATUREEXTACK, SSPI, COLMETADATA, ROW, DONE). Pure functions (no I/O), bounded
// by their input, unit-tested and fuzzed on their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::tds {

// Packet types.
inline constexpr std::uint8_t kSqlBatch = 0x01;
inline constexpr std::uint8_t kRpc = 0x03;
inline constexpr std::uint8_t kTabular = 0x04;  // every server answer
inline constexpr std::uint8_t kAttention = 0x06;
inline constexpr std::uint8_t kLogin7 = 0x10;
inline constexpr std::uint8_t kSspi = 0x11;
inline constexpr std::uint8_t kPrelogin = 0x12;  // also carries the TLS handshake

inline constexpr std::uint8_t kStatusEom = 0x01;
inline constexpr std::size_t kHeaderSize = 8;
// The largest packet SQL Server negotiates; a header claiming more is a lie.
inline constexpr std::size_t kMaxPacket = 32767;
// Before the login the packet size is 4096.
inline constexpr std::size_t kDefaultPacket = 4096;

// PRELOGIN encryption values.
inline constexpr std::uint8_t kEncryptOff = 0x00;
inline constexpr std::uint8_t kEncryptOn = 0x01;
inline constexpr std::uint8_t kEncryptNotSup = 0x02;
inline constexpr std::uint8_t kEncryptReq = 0x03;

struct Header {
    std::uint8_t type = 0;
    std::uint8_t status = 0;
    std::uint16_t length = 0;  // the whole packet, header included
    std::uint16_t spid = 0;
    std::uint8_t packet_id = 0;
};
// nullopt when shorter than a header or the length is below 8 (a lie no reader can follow).
std::optional<Header> parse_header(std::string_view eight_bytes);
// A message as packets of at most `packet_size` bytes (EOM on the last one), packet ids
// counting from 1.
std::string packets(std::uint8_t type, std::string_view payload, std::uint16_t spid = 0,
                    std::size_t packet_size = kDefaultPacket);

// ---- PRELOGIN ---------------------------------------------------------------------------

struct Version {
    std::uint8_t major = 0, minor = 0;
    std::uint16_t build = 0, subbuild = 0;
};
std::string version_text(const Version& v);  // "15.0.2000.0"

struct Prelogin {
    std::optional<Version> version;
    std::optional<std::uint8_t> encryption;
    std::string instance;  // "MSSQLServer" as most clients send it
    bool has_instance = false;
    bool has_thread_id = false;
    bool mars = false;  // the client sent the MARS option
    bool has_mars = false;
    bool fedauth = false;  // the client sent FEDAUTHREQUIRED
    int options = 0;
};
// The option table and the data it points to; nullopt when an option points outside the
// payload, the table has no terminator, or it lists more than 16 options.
std::optional<Prelogin> parse_prelogin(std::string_view payload);

struct PreloginReply {
    Version version;
    std::uint8_t encryption = kEncryptOff;
    bool instance_ok = true;
    bool mars = false;      // answer the MARS option (only when the client sent it)
    bool fedauth = false;   // answer FEDAUTHREQUIRED (idem)
    bool thread_id = true;  // SQL Server answers THREADID with no data
};
// The PRELOGIN payload SQL Server sends: VERSION, ENCRYPTION, INSTOPT, THREADID (empty),
// then MARS and FEDAUTHREQUIRED when asked.
std::string prelogin_reply(const PreloginReply& reply);

// ---- LOGIN7 -----------------------------------------------------------------------------

inline constexpr std::size_t kMaxLogin7 = 128 * 1024;

struct Login7 {
    std::uint32_t tds_version = 0;  // 0x74000004 for 7.4 (as the client sent it, LE)
    std::uint32_t packet_size = 0;
    std::uint32_t client_version = 0;
    std::uint32_t client_pid = 0;
    std::uint8_t option_flags1 = 0, option_flags2 = 0, type_flags = 0, option_flags3 = 0;
    std::string hostname, username, password, app_name, server_name, library, language, database,
        attach_file, change_password;
    std::string client_id;  // 6 bytes (the client's MAC address)
    std::string sspi;       // the SSPI (NTLMSSP or SPNEGO) token of an integrated login
    bool integrated() const { return (option_flags2 & 0x80) != 0; }
    bool extension() const { return (option_flags3 & 0x10) != 0; }
};
// Every (offset, length) pair is checked against the payload; strings are UTF-16LE turned
// into UTF-8 (at most 256 characters each, the password de-obfuscated); nullopt when the
// fixed part is short or a field lies outside.
std::optional<Login7> parse_login7(std::string_view payload);
// The password as sent: each byte's nibbles swapped, then XOR 0xA5 (and back).
std::string obfuscate_password(std::string_view utf16);
std::string deobfuscate_password(std::string_view bytes);
// "7.4", "7.3.B", … ("0x%08x" for one that is not).
std::string tds_version_name(std::uint32_t version);

// ---- SQL batch --------------------------------------------------------------------------

// The batch's text (UTF-8): the ALL_HEADERS block TDS 7.2+ puts first is skipped when its
// length fits; at most `max_chars` characters.
std::string sql_batch_text(std::string_view payload, std::size_t max_chars = 64 * 1024);

// ---- Tokens -----------------------------------------------------------------------------

std::string utf16(std::string_view utf8);
std::string b_varchar(std::string_view utf8);   // BYTE length + UTF-16LE
std::string us_varchar(std::string_view utf8);  // USHORT length + UTF-16LE

struct Message {
    std::int32_t number = 0;
    std::uint8_t state = 1;
    std::uint8_t severity = 0;  // "class"
    std::string text;
    std::string server;
    std::string procedure;
    std::int32_t line = 1;
};
// Tokens whose layout changed with TDS 7.2 take `tds72`: before it, a message's line number
// is a USHORT, DONE's row count a ULONG, COLMETADATA's user type a USHORT.
std::string error_token(const Message& m, bool tds72 = true);  // 0xAA
std::string info_token(const Message& m, bool tds72 = true);   // 0xAB

inline constexpr std::uint16_t kDoneFinal = 0x00;
inline constexpr std::uint16_t kDoneMore = 0x01;
inline constexpr std::uint16_t kDoneError = 0x02;
inline constexpr std::uint16_t kDoneCount = 0x10;
inline constexpr std::uint16_t kDoneAttn = 0x20;
std::string done_token(std::uint16_t status, std::uint16_t command = 0, std::uint64_t rows = 0,
                       bool tds72 = true);

// LOGINACK: interface SQL, the TDS version (big-endian on the wire), "Microsoft SQL Server".
std::string loginack_token(std::uint32_t tds_version, const Version& server);
// ENVCHANGE with two B_VARCHARs (1 database, 2 language, 4 packet size) or the collation.
std::string envchange_token(std::uint8_t type, std::string_view now, std::string_view before);
std::string collation_envchange_token();  // SQL_Latin1_General_CP1_CI_AS
std::string featureextack_token();        // nothing acknowledged
std::string sspi_token(std::string_view blob);

// Result sets: columns are NVARCHAR (text) or INTN (integers), as SQL Server describes them.
struct Column {
    std::string name;
    bool integer = false;
};
std::string colmetadata_token(const std::vector<Column>& columns, bool tds72 = true);
std::string row_token(const std::vector<Column>& columns,
                      const std::vector<std::optional<std::string>>& values);

}  // namespace decnet::honeypot::tds
