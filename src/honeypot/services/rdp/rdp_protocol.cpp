// RDP codecs (rdp_protocol.hpp): every length checked against the bytes given.
#include "honeypot/services/rdp/rdp_protocol.hpp"

#include <cstdio>

#include "wire/ber.hpp"

namespace decnet::honeypot::rdp {
namespace {

constexpr std::size_t kX224Fixed = 7;  // LI, code, DST-REF, SRC-REF, class
constexpr std::size_t kMaxCookie = 512;

std::uint32_t le32(std::string_view b, std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at])) |
           static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 3])) << 24;
}

void put_le32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

// TPKT + X.224 CC (LI 14, class 0, SRC-REF 0x1234 as Windows sends) + an 8-byte neg PDU.
std::string confirm(std::uint8_t type, std::uint8_t flags, std::uint32_t value) {
    std::string out("\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00", 11);
    out += static_cast<char>(type);
    out += static_cast<char>(flags);
    out += std::string("\x08\x00", 2);
    put_le32(out, value);
    return out;
}

}  // namespace

std::optional<std::size_t> tpkt_length(std::string_view header) {
    if (header.size() < kTpktHeader || header[0] != 3) return std::nullopt;
    const std::size_t n = static_cast<std::size_t>(static_cast<std::uint8_t>(header[2])) << 8 |
                          static_cast<std::uint8_t>(header[3]);
    if (n < kTpktHeader + 3 || n > kMaxTpkt) return std::nullopt;
    return n;
}

std::optional<ConnectionRequest> parse_connection_request(std::string_view tpkt) {
    const auto length = tpkt_length(tpkt);
    if (!length || *length != tpkt.size() || tpkt.size() < kTpktHeader + kX224Fixed)
        return std::nullopt;
    const auto x224 = tpkt.substr(kTpktHeader);
    const auto li = static_cast<std::uint8_t>(x224[0]);
    if ((static_cast<std::uint8_t>(x224[1]) & 0xf0) != 0xe0 || li + 1u > x224.size() || li < 6)
        return std::nullopt;
    ConnectionRequest cr;
    auto variable = x224.substr(kX224Fixed, li + 1u - kX224Fixed);
    if (variable.starts_with("Cookie: ")) {
        const auto end = variable.find("\r\n");
        if (end == std::string_view::npos || end > kMaxCookie) return std::nullopt;
        const auto line = variable.substr(8, end - 8);
        if (line.starts_with("mstshash="))
            cr.cookie = std::string(line.substr(9));
        else
            cr.routing_token = std::string(line);
        variable.remove_prefix(end + 2);
    }
    if (variable.size() >= 8 && variable[0] == 0x01) {
        if (variable[2] != 8 || variable[3] != 0) return std::nullopt;
        cr.negotiation = true;
        cr.neg_flags = static_cast<std::uint8_t>(variable[1]);
        cr.requested = le32(variable, 4);
    }
    return cr;
}

std::string connection_confirm(std::uint32_t selected) {
    return confirm(0x02, 0x1f, selected);
}

std::string negotiation_failure(std::uint32_t code) {
    return confirm(0x03, 0x00, code);
}

std::string protocols_text(std::uint32_t p) {
    if (p == 0) return "RDP";
    std::string out;
    const auto add = [&](std::uint32_t bit, const char* name) {
        if (!(p & bit)) return;
        if (!out.empty()) out += '|';
        out += name;
        p &= ~bit;
    };
    add(kProtocolSsl, "SSL");
    add(kProtocolHybrid, "HYBRID");
    add(kProtocolRdstls, "RDSTLS");
    add(kProtocolHybridEx, "HYBRID_EX");
    if (p) {
        char rest[16];
        std::snprintf(rest, sizeof rest, "0x%x", static_cast<unsigned>(p));
        if (!out.empty()) out += '|';
        out += rest;
    }
    return out;
}

std::optional<std::size_t> ts_request_length(std::string_view head) {
    if (head.empty()) return 0;
    if (static_cast<std::uint8_t>(head[0]) != wire::ber::kSequence) return std::nullopt;
    if (head.size() < 2) return 0;
    const auto first = static_cast<std::uint8_t>(head[1]);
    std::size_t length = 0, header = 2;
    if (first < 0x80) {
        length = first;
    } else {
        const std::size_t octets = first & 0x7f;
        if (octets == 0 || octets > 3) return std::nullopt;
        if (head.size() < 2 + octets) return 0;
        for (std::size_t i = 0; i < octets; ++i)
            length = length << 8 | static_cast<std::uint8_t>(head[2 + i]);
        header += octets;
    }
    if (header + length > kMaxTsRequest) return std::nullopt;
    return header + length;
}

std::optional<TsRequest> parse_ts_request(std::string_view der) {
    using wire::ber::Reader;
    Reader outer(der);
    const auto body = outer.expect(wire::ber::kSequence, "TSRequest");
    if (!body || !outer.empty()) return std::nullopt;
    TsRequest request;
    bool have_version = false;
    Reader fields(*body);
    while (!fields.empty()) {
        const auto field = fields.next();
        if (!field) return std::nullopt;
        Reader inner(field->second);
        switch (field->first) {
            case 0xa0: {
                const auto v = inner.integer("version");
                if (!v) return std::nullopt;
                request.version = *v;
                have_version = true;
                break;
            }
            case 0xa1: {  // NegoData: SEQUENCE OF SEQUENCE { [0] OCTET STRING }; the first
                const auto list = inner.expect(wire::ber::kSequence, "NegoData");
                if (!list) return std::nullopt;
                Reader items(*list);
                const auto item = items.expect(wire::ber::kSequence, "NegoDataItem");
                if (!item) return std::nullopt;
                Reader tagged(*item);
                const auto wrapper = tagged.expect(0xa0, "negoToken");
                if (!wrapper) return std::nullopt;
                Reader octets(*wrapper);
                const auto token = octets.expect(wire::ber::kOctetString, "negoToken");
                if (!token) return std::nullopt;
                request.nego_token = std::string(*token);
                break;
            }
            case 0xa2:
                request.auth_info = true;
                break;
            case 0xa3:
                request.pub_key_auth = true;
                break;
            case 0xa4: {
                const auto code = inner.integer("errorCode");
                if (!code) return std::nullopt;
                request.error_code = *code;
                break;
            }
            case 0xa5: {
                const auto nonce = inner.expect(wire::ber::kOctetString, "clientNonce");
                if (!nonce) return std::nullopt;
                request.client_nonce = std::string(*nonce);
                break;
            }
            default:
                return std::nullopt;
        }
    }
    if (!have_version) return std::nullopt;
    return request;
}

std::string build_ts_request(std::int64_t version, std::string_view nego_token,
                             std::optional<std::uint32_t> error_code) {
    using wire::ber::integer_contents;
    using wire::ber::tlv;
    std::string fields = tlv(0xa0, tlv(wire::ber::kInteger, integer_contents(version)));
    if (!nego_token.empty()) {
        const auto item =
            tlv(wire::ber::kSequence, tlv(0xa0, tlv(wire::ber::kOctetString, nego_token)));
        fields += tlv(0xa1, tlv(wire::ber::kSequence, item));
    }
    // NTSTATUS as Windows encodes it: four octets, i.e. a negative INTEGER for 0xC…
    if (error_code)
        fields += tlv(0xa4, tlv(wire::ber::kInteger,
                                integer_contents(static_cast<std::int32_t>(*error_code))));
    return tlv(wire::ber::kSequence, fields);
}

}  // namespace decnet::honeypot::rdp
