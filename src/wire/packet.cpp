#include "wire/packet.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace decnet::wire::packet {
namespace {

std::uint16_t be16(std::string_view b, std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(b[at]) << 8) |
                                      static_cast<unsigned char>(b[at + 1]));
}
std::uint32_t be32(std::string_view b, std::size_t at) {
    return (static_cast<std::uint32_t>(be16(b, at)) << 16) | be16(b, at + 2);
}
std::uint8_t u8(std::string_view b, std::size_t at) {
    return static_cast<unsigned char>(b[at]);
}

constexpr std::uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd, kEtherVlan = 0x8100,
                        kEtherQinQ = 0x88a8, kEtherVlan9100 = 0x9100;
constexpr int kMaxVlanTags = 4;
constexpr int kMaxIpv6ExtensionHeaders = 8;

std::optional<Packet> by_ethertype(std::uint16_t type, std::string_view rest) {
    if (type == kEtherIpv4 || type == kEtherIpv6) return decode_ip(rest);
    return std::nullopt;
}

bool transport(std::uint8_t protocol, std::string_view segment, Packet& out) {
    out.protocol = protocol;
    if (protocol == 17) {
        if (segment.size() < 8) return false;
        out.src_port = be16(segment, 0);
        out.dst_port = be16(segment, 2);
        const auto length = be16(segment, 4);
        if (length < 8) return false;
        out.payload = segment.substr(8, length - 8);
        return true;
    }
    if (protocol != 6 || segment.size() < 20) return false;
    out.src_port = be16(segment, 0);
    out.dst_port = be16(segment, 2);
    out.seq = be32(segment, 4);
    out.ack = be32(segment, 8);
    const std::size_t header = (u8(segment, 12) >> 4) * 4u;
    out.ns_flag = (u8(segment, 12) & 1) != 0;
    out.flags = u8(segment, 13);
    out.window = be16(segment, 14);
    out.urgent = be16(segment, 18);
    if (header < 20 || header > segment.size()) return false;
    out.tcp_options = segment.substr(20, header - 20);
    out.payload = segment.substr(header);
    return true;
}

}  // namespace

std::optional<Packet> decode_ip(std::string_view d) {
    if (d.empty()) return std::nullopt;
    Packet out;
    const auto version = u8(d, 0) >> 4;
    if (version == 4) {
        if (d.size() < 20) return std::nullopt;
        const std::size_t header = (u8(d, 0) & 15) * 4u;
        const std::size_t total = be16(d, 2);
        if (header < 20 || total < header || total > d.size()) return std::nullopt;
        d = d.substr(0, total);  // the rest is link-layer padding
        out.ip_version = 4;
        out.tos = u8(d, 1);
        out.ip_id = be16(d, 4);
        const auto frag = be16(d, 6);
        out.reserved_flag = (frag & 0x8000) != 0;
        out.df = (frag & 0x4000) != 0;
        if ((frag & 0x1fff) != 0) return std::nullopt;  // not the first fragment
        out.ttl = u8(d, 8);
        out.ip_options_length = static_cast<std::uint8_t>(header - 20);
        out.src.family = out.dst.family = 4;
        std::memcpy(out.src.bytes.data(), d.data() + 12, 4);
        std::memcpy(out.dst.bytes.data(), d.data() + 16, 4);
        if (!transport(u8(d, 9), d.substr(header), out)) return std::nullopt;
        return out;
    }
    if (version != 6 || d.size() < 40) return std::nullopt;
    const std::size_t total = 40u + be16(d, 4);
    if (total > d.size()) return std::nullopt;
    d = d.substr(0, total);
    out.ip_version = 6;
    out.tos = static_cast<std::uint8_t>((be16(d, 0) >> 4) & 0xff);
    out.flow_label = be32(d, 0) & 0xfffff;
    out.ttl = u8(d, 7);
    out.src.family = out.dst.family = 6;
    std::memcpy(out.src.bytes.data(), d.data() + 8, 16);
    std::memcpy(out.dst.bytes.data(), d.data() + 24, 16);
    auto next = u8(d, 6);
    std::size_t at = 40;
    for (int i = 0; i < kMaxIpv6ExtensionHeaders; ++i) {
        if (next == 0 || next == 43 || next == 60) {  // hop-by-hop, routing, destination
            if (d.size() < at + 8) return std::nullopt;
            const auto length = (u8(d, at + 1) + 1u) * 8u;
            next = u8(d, at);
            at += length;
            if (at > d.size()) return std::nullopt;
        } else if (next == 44) {  // fragment: only a first fragment carries the header
            if (d.size() < at + 8 || (be16(d, at + 2) & 0xfff8) != 0) return std::nullopt;
            next = u8(d, at);
            at += 8;
        } else {
            break;
        }
    }
    if (!transport(next, d.substr(at), out)) return std::nullopt;
    return out;
}

std::optional<Packet> decode(LinkType link, std::string_view f) {
    switch (link) {
        case LinkType::ethernet: {
            if (f.size() < 14) return std::nullopt;
            std::size_t at = 12;
            auto type = be16(f, at);
            for (int tags = 0; type == kEtherVlan || type == kEtherQinQ || type == kEtherVlan9100;
                 ++tags) {
                if (tags == kMaxVlanTags || f.size() < at + 6) return std::nullopt;
                at += 4;
                type = be16(f, at);
            }
            return by_ethertype(type, f.substr(at + 2));
        }
        case LinkType::null:
        case LinkType::loop: {
            if (f.size() < 4) return std::nullopt;
            // The family is 2 (AF_INET) or 24/28/30 (AF_INET6 on the BSDs), in either byte
            // order: the version nibble decides.
            return decode_ip(f.substr(4));
        }
        case LinkType::raw:
        case LinkType::raw_ip:
        case LinkType::ipv4:
        case LinkType::ipv6:
            return decode_ip(f);
        case LinkType::linux_sll:
            if (f.size() < 16) return std::nullopt;
            return by_ethertype(be16(f, 14), f.substr(16));
        case LinkType::linux_sll2:
            if (f.size() < 20) return std::nullopt;
            return by_ethertype(be16(f, 0), f.substr(20));
    }
    return std::nullopt;
}

TcpOptions parse_tcp_options(std::string_view o) {
    TcpOptions out;
    std::size_t at = 0;
    while (at < o.size()) {
        const auto kind = u8(o, at);
        out.kinds.push_back(kind);
        if (kind == 0) {  // EOL: what follows is padding
            ++at;
            out.eol_padding = static_cast<std::uint8_t>(o.size() - at);
            for (; at < o.size(); ++at)
                if (o[at] != 0) out.data_after_eol = true;
            break;
        }
        if (kind == 1) {
            ++at;
            continue;
        }
        if (at + 1 >= o.size()) {
            out.malformed = true;
            break;
        }
        const auto length = u8(o, at + 1);
        if (length < 2 || at + length > o.size()) {
            out.malformed = true;
            break;
        }
        const auto body = o.substr(at + 2, length - 2);
        switch (kind) {
            case 2:
                if (body.size() == 2)
                    out.mss = be16(body, 0);
                else
                    out.malformed = true;
                break;
            case 3:
                if (body.size() == 1)
                    out.wscale = u8(body, 0);
                else
                    out.malformed = true;
                break;
            case 4:
                out.sack_permitted = true;
                break;
            case 5:
                out.sack = true;
                break;
            case 8:
                if (body.size() == 8) {
                    out.ts_val = be32(body, 0);
                    out.ts_ecr = be32(body, 4);
                } else {
                    out.malformed = true;
                }
                break;
            default:
                break;
        }
        at += length;
    }
    return out;
}

std::string Address::text() const {
    char out[INET6_ADDRSTRLEN] = {};
    inet_ntop(family == 6 ? AF_INET6 : AF_INET, bytes.data(), out, sizeof out);
    return out;
}

std::optional<Address> Address::parse(std::string_view text) {
    const std::string copy(text);
    Address out;
    if (inet_pton(AF_INET, copy.c_str(), out.bytes.data()) == 1) {
        out.family = 4;
        return out;
    }
    if (inet_pton(AF_INET6, copy.c_str(), out.bytes.data()) == 1) {
        out.family = 6;
        return out;
    }
    return std::nullopt;
}

}  // namespace decnet::wire::packet
