#include "honeypot/services/mssql/tds_protocol.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/text.hpp"
#include "wire/ntlm.hpp"

namespace decnet::honeypot::tds {
namespace {

constexpr std::size_t kMaxField = 256;  // characters kept of one LOGIN7 string

std::uint8_t byte(std::string_view b, std::size_t at) {
    return static_cast<std::uint8_t>(b[at]);
}

std::uint16_t be16(std::string_view b, std::size_t at) {
    return static_cast<std::uint16_t>(byte(b, at) << 8 | byte(b, at + 1));
}

std::uint16_t le16(std::string_view b, std::size_t at) {
    return static_cast<std::uint16_t>(byte(b, at) | byte(b, at + 1) << 8);
}

std::uint32_t le32(std::string_view b, std::size_t at) {
    return static_cast<std::uint32_t>(le16(b, at)) | static_cast<std::uint32_t>(le16(b, at + 2))
                                                         << 16;
}

void put_be16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v & 0xff);
}

void put_le16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>(v >> 8);
}

void put_le32(std::string& out, std::uint32_t v) {
    put_le16(out, static_cast<std::uint16_t>(v & 0xffff));
    put_le16(out, static_cast<std::uint16_t>(v >> 16));
}

// A LOGIN7 string: (offset, length in characters) at `at` in the fixed part.
std::optional<std::string> field(std::string_view login, std::size_t at, bool bytes = false) {
    const std::size_t offset = le16(login, at);
    const std::size_t length = le16(login, at + 2) * (bytes ? 1u : 2u);
    if (length == 0) return std::string();
    if (offset > login.size() || length > login.size() - offset) return std::nullopt;
    return std::string(login.substr(offset, length));
}

std::string text_of(std::string_view utf16le) {
    return wire::ntlm::from_utf16le(utf16le.substr(0, kMaxField * 2));
}

std::string message_token(std::uint8_t token, const Message& m, bool tds72) {
    std::string body;
    put_le32(body, static_cast<std::uint32_t>(m.number));
    body += static_cast<char>(m.state);
    body += static_cast<char>(m.severity);
    body += us_varchar(m.text);
    body += b_varchar(m.server);
    body += b_varchar(m.procedure);
    if (tds72)
        put_le32(body, static_cast<std::uint32_t>(m.line));
    else
        put_le16(body, static_cast<std::uint16_t>(m.line));
    std::string out(1, static_cast<char>(token));
    put_le16(out, static_cast<std::uint16_t>(body.size()));
    return out + body;
}

}  // namespace

std::optional<Header> parse_header(std::string_view b) {
    if (b.size() < kHeaderSize) return std::nullopt;
    Header h;
    h.type = byte(b, 0);
    h.status = byte(b, 1);
    h.length = be16(b, 2);
    h.spid = be16(b, 4);
    h.packet_id = byte(b, 6);
    if (h.length < kHeaderSize) return std::nullopt;
    return h;
}

std::string packets(std::uint8_t type, std::string_view payload, std::uint16_t spid,
                    std::size_t packet_size) {
    packet_size = std::clamp<std::size_t>(packet_size, 512, kMaxPacket);
    const std::size_t room = packet_size - kHeaderSize;
    std::string out;
    std::uint8_t id = 1;
    do {
        const auto chunk = payload.substr(0, room);
        payload.remove_prefix(chunk.size());
        out += static_cast<char>(type);
        out += static_cast<char>(payload.empty() ? kStatusEom : 0);
        put_be16(out, static_cast<std::uint16_t>(chunk.size() + kHeaderSize));
        put_be16(out, spid);
        out += static_cast<char>(id++);
        out += '\0';
        out += chunk;
    } while (!payload.empty());
    return out;
}

std::string version_text(const Version& v) {
    return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.build) +
           "." + std::to_string(v.subbuild);
}

std::optional<Prelogin> parse_prelogin(std::string_view p) {
    Prelogin out;
    for (std::size_t at = 0;; at += 5) {
        if (at >= p.size()) return std::nullopt;  // no terminator
        const auto token = byte(p, at);
        if (token == 0xff) break;
        if (at + 5 > p.size() || ++out.options > 16) return std::nullopt;
        const std::size_t offset = be16(p, at + 1);
        const std::size_t length = be16(p, at + 3);
        if (offset > p.size() || length > p.size() - offset) return std::nullopt;
        const auto data = p.substr(offset, length);
        switch (token) {
            case 0x00:  // VERSION
                if (data.size() >= 6)
                    out.version =
                        Version{byte(data, 0), byte(data, 1), be16(data, 2), le16(data, 4)};
                break;
            case 0x01:  // ENCRYPTION
                if (!data.empty()) out.encryption = byte(data, 0);
                break;
            case 0x02:  // INSTOPT
                out.has_instance = true;
                out.instance = std::string(data.substr(0, std::min(data.find('\0'), kMaxField)));
                break;
            case 0x03:  // THREADID
                out.has_thread_id = true;
                break;
            case 0x04:  // MARS
                out.has_mars = true;
                out.mars = !data.empty() && data[0] != 0;
                break;
            case 0x06:  // FEDAUTHREQUIRED
                out.fedauth = true;
                break;
            default:  // TRACEID, NONCEOPT, …: not answered
                break;
        }
    }
    return out;
}

std::string prelogin_reply(const PreloginReply& r) {
    struct Option {
        std::uint8_t token;
        std::string data;
    };
    std::vector<Option> options;
    std::string version;
    version += static_cast<char>(r.version.major);
    version += static_cast<char>(r.version.minor);
    put_be16(version, r.version.build);
    put_le16(version, r.version.subbuild);
    options.push_back({0x00, version});
    options.push_back({0x01, std::string(1, static_cast<char>(r.encryption))});
    options.push_back({0x02, std::string(1, r.instance_ok ? '\0' : '\1')});
    if (r.thread_id) options.push_back({0x03, {}});
    if (r.mars) options.push_back({0x04, std::string(1, '\0')});
    if (r.fedauth) options.push_back({0x06, std::string(1, '\0')});
    std::string table, data;
    const std::size_t base = options.size() * 5 + 1;
    for (const auto& o : options) {
        table += static_cast<char>(o.token);
        put_be16(table, static_cast<std::uint16_t>(base + data.size()));
        put_be16(table, static_cast<std::uint16_t>(o.data.size()));
        data += o.data;
    }
    table += '\xff';
    return table + data;
}

std::string obfuscate_password(std::string_view utf16) {
    std::string out(utf16);
    for (auto& c : out) {
        const auto b = static_cast<std::uint8_t>(c);
        c = static_cast<char>(static_cast<std::uint8_t>((b << 4) | (b >> 4)) ^ 0xa5);
    }
    return out;
}

std::string deobfuscate_password(std::string_view bytes) {
    std::string out(bytes);
    for (auto& c : out) {
        const auto b = static_cast<std::uint8_t>(static_cast<std::uint8_t>(c) ^ 0xa5);
        c = static_cast<char>(static_cast<std::uint8_t>((b << 4) | (b >> 4)));
    }
    return out;
}

std::optional<Login7> parse_login7(std::string_view p) {
    // The fixed part: 86 bytes up to TDS 7.1, 94 from 7.2 (ChangePassword, cbSSPILong).
    if (p.size() < 86 || p.size() > kMaxLogin7) return std::nullopt;
    const auto declared = le32(p, 0);
    if (declared < 86 || declared > p.size()) return std::nullopt;
    p = p.substr(0, declared);
    Login7 l;
    l.tds_version = le32(p, 4);
    l.packet_size = le32(p, 8);
    l.client_version = le32(p, 12);
    l.client_pid = le32(p, 16);
    l.option_flags1 = byte(p, 24);
    l.option_flags2 = byte(p, 25);
    l.type_flags = byte(p, 26);
    l.option_flags3 = byte(p, 27);
    struct Text {
        std::size_t at;
        std::string Login7::*member;
    };
    static constexpr Text kTexts[] = {
        {36, &Login7::hostname},    {40, &Login7::username},    {48, &Login7::app_name},
        {52, &Login7::server_name}, {60, &Login7::library},     {64, &Login7::language},
        {68, &Login7::database},    {82, &Login7::attach_file},
    };
    for (const auto& t : kTexts) {
        const auto raw = field(p, t.at);
        if (!raw) return std::nullopt;
        l.*t.member = text_of(*raw);
    }
    const auto password = field(p, 44);
    if (!password) return std::nullopt;
    l.password = text_of(deobfuscate_password(*password));
    const bool tds72 = l.tds_version >= 0x72000000 && l.tds_version < 0x80000000;
    if (tds72 && p.size() < 94) return std::nullopt;
    // ibChangePassword (TDS 7.2+): a new password the client wants set.
    if (tds72) {
        const auto change = field(p, 86);
        if (!change) return std::nullopt;
        l.change_password = text_of(deobfuscate_password(*change));
    }
    l.client_id = std::string(p.substr(72, 6));
    // SSPI: cbSSPI, or cbSSPILong when cbSSPI says 0xffff.
    const std::size_t sspi_offset = le16(p, 78);
    std::size_t sspi_length = le16(p, 80);
    if (sspi_length == 0xffff && tds72) sspi_length = le32(p, 90);
    if (sspi_length > 0) {
        if (sspi_offset > p.size() || sspi_length > p.size() - sspi_offset) return std::nullopt;
        l.sspi = std::string(p.substr(sspi_offset, sspi_length));
    }
    return l;
}

std::string tds_version_name(std::uint32_t v) {
    switch (v) {
        case 0x70000000:
            return "7.0";
        case 0x71000000:
        case 0x71000001:
            return "7.1";
        case 0x72090002:
            return "7.2";
        case 0x730a0003:
            return "7.3.A";
        case 0x730b0003:
            return "7.3.B";
        case 0x74000004:
            return "7.4";
        case 0x08000000:
            return "8.0";
        default: {
            char text[16];
            std::snprintf(text, sizeof text, "0x%08x", v);
            return text;
        }
    }
}

std::string sql_batch_text(std::string_view p, std::size_t max_chars) {
    // ALL_HEADERS: DWORD total length (itself included), then headers of DWORD length each.
    if (p.size() >= 4) {
        const auto total = le32(p, 0);
        if (total >= 4 && total <= p.size() && (total == 4 || total >= 10)) {
            bool headers_fit = true;
            for (std::size_t at = 4; at < total && headers_fit;) {
                if (at + 4 > total) {
                    headers_fit = false;
                    break;
                }
                const auto length = le32(p, at);
                if (length < 6 || length > total - at) headers_fit = false;
                at += length;
            }
            if (headers_fit) p.remove_prefix(total);
        }
    }
    return wire::ntlm::from_utf16le(p.substr(0, max_chars * 2));
}

std::string utf16(std::string_view utf8) {
    return wire::ntlm::utf16le(utf8);
}

std::string b_varchar(std::string_view utf8) {
    auto text = utf16(utf8);
    if (text.size() > 510) text.resize(510);
    return static_cast<char>(text.size() / 2) + text;
}

std::string us_varchar(std::string_view utf8) {
    auto text = utf16(utf8);
    if (text.size() > 8000) text.resize(8000);
    std::string out;
    put_le16(out, static_cast<std::uint16_t>(text.size() / 2));
    return out + text;
}

std::string error_token(const Message& m, bool tds72) {
    return message_token(0xaa, m, tds72);
}

std::string info_token(const Message& m, bool tds72) {
    return message_token(0xab, m, tds72);
}

std::string done_token(std::uint16_t status, std::uint16_t command, std::uint64_t rows,
                       bool tds72) {
    std::string out(1, '\xfd');
    put_le16(out, status);
    put_le16(out, command);
    put_le32(out, static_cast<std::uint32_t>(rows & 0xffffffff));
    if (tds72) put_le32(out, static_cast<std::uint32_t>(rows >> 32));
    return out;
}

std::string loginack_token(std::uint32_t tds_version, const Version& server) {
    std::string body(1, '\x01');  // interface: SQL_TSQL
    put_be16(body, static_cast<std::uint16_t>(tds_version >> 16));
    put_be16(body, static_cast<std::uint16_t>(tds_version & 0xffff));
    body += b_varchar(std::string("Microsoft SQL Server\0\0", 22));
    body += static_cast<char>(server.major);
    body += static_cast<char>(server.minor);
    put_be16(body, server.build);
    std::string out(1, '\xad');
    put_le16(out, static_cast<std::uint16_t>(body.size()));
    return out + body;
}

std::string envchange_token(std::uint8_t type, std::string_view now, std::string_view before) {
    std::string body(1, static_cast<char>(type));
    body += b_varchar(now);
    body += b_varchar(before);
    std::string out(1, '\xe3');
    put_le16(out, static_cast<std::uint16_t>(body.size()));
    return out + body;
}

std::string collation_envchange_token() {
    // type 7, new value 5 bytes (LCID 0x0409, flags 0xd0: CI AS, sort id 0x34), old empty.
    return std::string("\xe3\x08\x00\x07\x05\x09\x04\xd0\x00\x34\x00", 11);
}

std::string featureextack_token() {
    return std::string("\xae\xff", 2);
}

std::string sspi_token(std::string_view blob) {
    std::string out(1, '\xed');
    const auto b = blob.substr(0, 0xffff);
    put_le16(out, static_cast<std::uint16_t>(b.size()));
    return out + std::string(b);
}

std::string colmetadata_token(const std::vector<Column>& columns, bool tds72) {
    std::string out(1, '\x81');
    put_le16(out, static_cast<std::uint16_t>(columns.size()));
    for (const auto& c : columns) {
        if (tds72)
            put_le32(out, 0);  // user type
        else
            put_le16(out, 0);
        put_le16(out, 0x0009);  // flags: nullable, updateable unknown
        if (c.integer) {
            out += '\x26';  // INTN
            out += '\x08';  // bigint-sized
        } else {
            out += '\xe7';  // NVARCHAR
            put_le16(out, 8000);
            out += std::string("\x09\x04\xd0\x00\x34", 5);  // collation
        }
        out += b_varchar(c.name);
    }
    return out;
}

std::string row_token(const std::vector<Column>& columns,
                      const std::vector<std::optional<std::string>>& values) {
    std::string out(1, '\xd1');
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const auto& v = i < values.size() ? values[i] : std::nullopt;
        if (columns[i].integer) {
            if (!v) {
                out += '\0';
                continue;
            }
            const auto n = static_cast<std::uint64_t>(std::strtoll(v->c_str(), nullptr, 10));
            out += '\x08';
            put_le32(out, static_cast<std::uint32_t>(n & 0xffffffff));
            put_le32(out, static_cast<std::uint32_t>(n >> 32));
            continue;
        }
        if (!v) {
            put_le16(out, 0xffff);
            continue;
        }
        auto text = utf16(*v);
        if (text.size() > 8000) text.resize(8000);
        put_le16(out, static_cast<std::uint16_t>(text.size()));
        out += text;
    }
    return out;
}

}  // namespace decnet::honeypot::tds
