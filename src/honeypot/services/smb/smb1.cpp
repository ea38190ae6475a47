// SMB1 negotiate and probes (see smb1.hpp).
#include "honeypot/services/smb/smb1.hpp"

#include "honeypot/services/smb/smb_bytes.hpp"

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

}  // namespace decnet::honeypot::smb
