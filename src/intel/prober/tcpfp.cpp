// IPv4 + TCP header and option parsing for the SYN-ACK fingerprint.
#include "intel/prober/tcpfp.hpp"

#include <openssl/evp.h>

#include <span>

#include "events/event.hpp"

namespace decnet::intel::prober {
namespace {

std::uint8_t u8(std::string_view d, std::size_t i) {
    return static_cast<std::uint8_t>(d[i]);
}
std::uint16_t u16(std::string_view d, std::size_t i) {
    return static_cast<std::uint16_t>((u8(d, i) << 8) | u8(d, i + 1));
}
std::uint32_t u32(std::string_view d, std::size_t i) {
    return (std::uint32_t{u16(d, i)} << 16) | u16(d, i + 2);
}

void add_letter(std::string& order, char letter) {
    if (!order.empty()) order += ',';
    order += letter;
}

}  // namespace

std::optional<SynAck> parse_tcp_packet(std::string_view d) {
    if (d.size() < 20 || (u8(d, 0) >> 4) != 4) return std::nullopt;
    const std::size_t ihl = static_cast<std::size_t>(u8(d, 0) & 0x0F) * 4;
    if (ihl < 20 || d.size() < ihl + 20 || u8(d, 9) != 6) return std::nullopt;
    SynAck s;
    s.ttl = u8(d, 8);
    s.df_bit = (u16(d, 6) & 0x4000) ? 1 : 0;
    s.src = u32(d, 12);
    s.dst = u32(d, 16);
    const auto tcp = d.substr(ihl);
    s.src_port = u16(tcp, 0);
    s.dst_port = u16(tcp, 2);
    const std::size_t offset = static_cast<std::size_t>(u8(tcp, 12) >> 4) * 4;
    if (offset < 20 || offset > tcp.size()) return std::nullopt;
    s.flags = u8(tcp, 13);
    s.window_size = u16(tcp, 14);
    const auto options = tcp.substr(20, offset - 20);
    for (std::size_t i = 0; i < options.size();) {
        const auto kind = u8(options, i);
        if (kind == 0) {
            add_letter(s.options_order, 'E');
            break;
        }
        if (kind == 1) {
            add_letter(s.options_order, 'N');
            ++i;
            continue;
        }
        if (i + 1 >= options.size()) break;  // a kind without its length
        const std::size_t len = u8(options, i + 1);
        if (len < 2 || i + len > options.size()) break;
        const auto body = options.substr(i + 2, len - 2);
        switch (kind) {
            case 2:
                add_letter(s.options_order, 'M');
                if (body.size() == 2) s.mss = u16(body, 0);
                break;
            case 3:
                add_letter(s.options_order, 'W');
                if (body.size() == 1) s.window_scale = u8(body, 0);
                break;
            case 4:
                add_letter(s.options_order, 'S');
                s.sack_ok = 1;
                break;
            case 5:
                add_letter(s.options_order, 'S');
                break;
            case 8:
                add_letter(s.options_order, 'T');
                s.timestamp = 1;
                break;
            default:
                add_letter(s.options_order, '?');
                break;
        }
        i += len;
    }
    return s;
}

std::string tcpfp_raw(const SynAck& s) {
    return std::to_string(s.ttl) + ":" + std::to_string(s.window_size) + ":" +
           std::to_string(s.df_bit) + ":" + std::to_string(s.mss) + ":" +
           std::to_string(s.window_scale) + ":" + std::to_string(s.sack_ok) + ":" +
           std::to_string(s.timestamp) + ":" + s.options_order;
}

std::string tcpfp_hash(std::string_view raw) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(raw.data(), raw.size(), digest, &len, EVP_sha256(), nullptr);
    return to_hex(std::span(digest, len)).substr(0, 32);
}

}  // namespace decnet::intel::prober
