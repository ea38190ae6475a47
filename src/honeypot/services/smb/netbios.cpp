// NetBIOS session service framing (see netbios.hpp).
#include "honeypot/services/smb/netbios.hpp"

#include "core/text.hpp"

namespace decnet::honeypot::smb {
namespace {

// One first-level encoded name: length 32, then 32 letters 'A'..'P' (two per byte).
std::optional<std::string> decode_name(std::string_view payload, std::size_t& at) {
    if (at >= payload.size() || static_cast<std::uint8_t>(payload[at]) != 32 ||
        payload.size() - at < 34)
        return std::nullopt;
    std::string name;
    for (std::size_t i = 0; i < 16; ++i) {
        const int hi = payload[at + 1 + 2 * i] - 'A', lo = payload[at + 2 + 2 * i] - 'A';
        if (hi < 0 || hi > 15 || lo < 0 || lo > 15) return std::nullopt;
        name += static_cast<char>(hi << 4 | lo);
    }
    at += 34;         // length byte, 32 letters, the empty scope's terminating zero
    name.resize(15);  // the 16th byte is the suffix (0x20 server, 0x00 workstation)
    return std::string(trim(name, " "));
}

}  // namespace

NbHeader parse_nb_header(std::string_view b) {
    NbHeader h;
    if (b.size() < 4) return h;
    h.type = static_cast<std::uint8_t>(b[0]);
    h.length = static_cast<std::size_t>(static_cast<std::uint8_t>(b[1])) << 16 |
               static_cast<std::size_t>(static_cast<std::uint8_t>(b[2])) << 8 |
               static_cast<std::uint8_t>(b[3]);
    return h;
}

std::string nb_frame(std::string_view payload, NbType type) {
    std::string out;
    out.reserve(payload.size() + 4);
    out += static_cast<char>(type);
    out += static_cast<char>((payload.size() >> 16) & 0xff);
    out += static_cast<char>((payload.size() >> 8) & 0xff);
    out += static_cast<char>(payload.size() & 0xff);
    out += payload;
    return out;
}

std::optional<NbSessionRequest> parse_session_request(std::string_view payload) {
    std::size_t at = 0;
    auto called = decode_name(payload, at);
    if (!called) return std::nullopt;
    auto calling = decode_name(payload, at);
    if (!calling) return std::nullopt;
    return NbSessionRequest{std::move(*called), std::move(*calling)};
}

}  // namespace decnet::honeypot::smb
