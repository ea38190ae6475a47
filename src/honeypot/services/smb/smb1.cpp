// SMB1 negotiate and probes (see smb1.hpp).
#include "honeypot/services/smb/smb1.hpp"

#include "honeypot/services/smb/smb_bytes.hpp"
#include "wire/ntlm.hpp"

namespace decnet::honeypot::smb {
namespace {

constexpr std::size_t kSmb1Header = 32;

// The setup words of a Trans/Trans2 request (after the 14 parameter words' counts).
std::optional<std::uint16_t> first_setup_word(std::string_view m) {
    ByteReader r(m, kSmb1Header);
    const std::size_t words = r.u8();
    if (words < 15) return std::nullopt;
    r.skip(13 * 2);  // TotalParameterCount … DataOffset
    const auto setup_count = r.u8();
    r.u8();
    if (!r.ok() || setup_count == 0) return std::nullopt;
    return r.u16();
}

}  // namespace

bool is_smb1(std::string_view m) {
    return m.size() >= kSmb1Header && m.substr(0, 4) == std::string_view("\xffSMB", 4);
}

std::uint8_t smb1_command(std::string_view m) {
    return is_smb1(m) ? static_cast<std::uint8_t>(m[4]) : 0;
}

std::optional<std::vector<std::string>> parse_smb1_negotiate(std::string_view m) {
    if (smb1_command(m) != 0x72) return std::nullopt;
    ByteReader r(m, kSmb1Header);
    r.skip(r.u8() * 2);
    const std::size_t count = r.u16();
    const auto bytes = r.bytes(std::min(count, r.left()));
    if (!r.ok()) return std::nullopt;
    std::vector<std::string> dialects;
    std::size_t at = 0;
    while (at < bytes.size() && dialects.size() < kMaxSmb1Dialects) {
        if (bytes[at] != 0x02) return std::nullopt;
        const auto end = bytes.find('\0', at + 1);
        if (end == std::string_view::npos) return std::nullopt;
        dialects.emplace_back(bytes.substr(at + 1, std::min<std::size_t>(end - at - 1, 64)));
        at = end + 1;
    }
    return dialects;
}

std::string samba_smb1_refusal(std::string_view request) {
    std::string out("\xffSMBr\0\0\0\0\x88\x03\x40", 12);
    out.append(14, '\0');  // PIDHigh, SecurityFeatures, Reserved, TID
    out +=
        request.size() >= kSmb1Header ? request.substr(26, 6) : std::string_view("\0\0\0\0\0\0", 6);
    out += std::string("\x01\xff\xff\0\0", 5);  // WordCount 1, DialectIndex 0xFFFF, ByteCount 0
    return out;
}

std::string_view smb1_probe_kind(std::string_view m) {
    const auto command = smb1_command(m);
    if (command != 0x25 && command != 0x32) return {};
    const auto setup = first_setup_word(m);
    if (command == 0x25 && setup == 0x0023) return "ms17-010";
    if (command == 0x32 && setup == 0x000e) return "doublepulsar";
    return {};
}

std::uint16_t smb1_flags2(std::string_view m) {
    return is_smb1(m) ? ByteReader(m, 10).u16() : 0;
}

std::string smb1_response(std::string_view request, std::uint32_t status, std::uint16_t flags2,
                          std::uint16_t uid, std::string_view words, std::string_view bytes) {
    std::string out("\xffSMB", 4);
    put8(out, smb1_command(request));
    put32(out, status);
    put8(out, 0x88);
    put16(out, flags2);
    out.append(request.size() >= kSmb1Header ? request.substr(12, 2) : std::string_view("\0\0", 2));
    out.append(10, '\0');  // SecuritySignature, Reserved
    out.append(request.size() >= kSmb1Header ? request.substr(24, 4)
                                             : std::string_view("\0\0\0\0", 4));  // TID, PID
    put16(out, uid);
    out.append(request.size() >= kSmb1Header ? request.substr(30, 2) : std::string_view("\0\0", 2));
    put8(out, static_cast<std::uint8_t>(words.size() / 2));
    out += words;
    put16(out, static_cast<std::uint16_t>(bytes.size()));
    out += bytes;
    return out;
}

namespace {

// A NUL-terminated string at r (UTF-16LE after an even-offset pad when unicode), ≤ 256 chars.
std::string read_string(ByteReader& r, bool unicode) {
    std::string raw;
    if (unicode) {
        if (r.at() % 2) r.skip(1);
        while (r.ok() && r.left() >= 2 && raw.size() < 512) {
            const auto unit = r.bytes(2);
            if (unit == std::string_view("\0\0", 2)) return wire::ntlm::from_utf16le(raw);
            raw += unit;
        }
        return wire::ntlm::from_utf16le(raw);
    }
    while (r.ok() && r.left() > 0 && raw.size() < 256) {
        const auto c = r.u8();
        if (c == 0) break;
        raw += static_cast<char>(c);
    }
    return raw;
}

}  // namespace

std::optional<Smb1SessionSetup> parse_smb1_session_setup(std::string_view m) {
    if (smb1_command(m) != 0x73) return std::nullopt;
    const bool unicode = smb1_flags2(m) & kSmb1Unicode;
    ByteReader r(m, kSmb1Header);
    const auto words = r.u8();
    if (words != 12 && words != 13) return std::nullopt;
    Smb1SessionSetup out;
    out.extended = words == 12;
    r.skip(14);  // AndX (4), MaxBufferSize, MaxMpxCount, VcNumber, SessionKey
    if (out.extended) {
        const std::size_t blob = r.u16();
        r.skip(8);  // Reserved, Capabilities
        r.u16();    // ByteCount
        out.blob = std::string(r.bytes(blob));
        return r.ok() ? std::optional(std::move(out)) : std::nullopt;
    }
    const std::size_t lm = r.u16(), nt = r.u16();
    r.skip(8);
    r.u16();
    out.lm = std::string(r.bytes(lm));
    out.nt = std::string(r.bytes(nt));
    if (!r.ok()) return std::nullopt;
    out.account = read_string(r, unicode);
    out.domain = read_string(r, unicode);
    return out;
}

std::string smb1_string(std::string_view utf8, bool unicode, std::size_t at) {
    std::string out;
    if (!unicode) {
        out = std::string(utf8);
        out += '\0';
        return out;
    }
    if (at % 2) out += '\0';
    out += wire::ntlm::utf16le(utf8);
    out.append(2, '\0');
    return out;
}

}  // namespace decnet::honeypot::smb
