// RFB codec (rfb.hpp): every length checked against the bytes given.
#include "honeypot/services/vnc/rfb.hpp"

#include <algorithm>
#include <cstdio>

namespace decnet::honeypot::rfb {
namespace {

constexpr std::size_t kMaxEncodings = 1024;
constexpr std::size_t kMaxCutText = 64 * 1024;

std::uint16_t u16(std::string_view b, std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(b[at]) << 8) |
                                      static_cast<std::uint8_t>(b[at + 1]));
}

std::uint32_t u32(std::string_view b, std::size_t at) {
    return (static_cast<std::uint32_t>(u16(b, at)) << 16) | u16(b, at + 2);
}

void put16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v & 0xff);
}

void put32(std::string& out, std::uint32_t v) {
    put16(out, static_cast<std::uint16_t>(v >> 16));
    put16(out, static_cast<std::uint16_t>(v & 0xffff));
}

bool digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<Version> parse_client_version(std::string_view line) {
    if (line.size() != 12 || !line.starts_with("RFB ") || line[7] != '.' || line[11] != '\n')
        return std::nullopt;
    const auto major = line.substr(4, 3), minor = line.substr(8, 3);
    if (!digits(major) || !digits(minor)) return std::nullopt;
    const int ma = std::stoi(std::string(major)), mi = std::stoi(std::string(minor));
    if (ma < 3) return std::nullopt;
    if (ma > 3 || mi >= 8) return Version::v3_8;
    return mi == 7 ? Version::v3_7 : Version::v3_3;
}

std::string encode(const PixelFormat& f) {
    std::string out;
    out += static_cast<char>(f.bits_per_pixel);
    out += static_cast<char>(f.depth);
    out += static_cast<char>(f.big_endian ? 1 : 0);
    out += static_cast<char>(f.true_colour ? 1 : 0);
    put16(out, f.red_max);
    put16(out, f.green_max);
    put16(out, f.blue_max);
    out += static_cast<char>(f.red_shift);
    out += static_cast<char>(f.green_shift);
    out += static_cast<char>(f.blue_shift);
    out.append(3, '\0');
    return out;
}

std::optional<PixelFormat> decode_pixel_format(std::string_view b) {
    if (b.size() != 16) return std::nullopt;
    PixelFormat f;
    f.bits_per_pixel = static_cast<std::uint8_t>(b[0]);
    f.depth = static_cast<std::uint8_t>(b[1]);
    f.big_endian = b[2] != 0;
    f.true_colour = b[3] != 0;
    f.red_max = u16(b, 4);
    f.green_max = u16(b, 6);
    f.blue_max = u16(b, 8);
    f.red_shift = static_cast<std::uint8_t>(b[10]);
    f.green_shift = static_cast<std::uint8_t>(b[11]);
    f.blue_shift = static_cast<std::uint8_t>(b[12]);
    const bool bpp_ok = f.bits_per_pixel == 8 || f.bits_per_pixel == 16 || f.bits_per_pixel == 32;
    if (!bpp_ok || !f.true_colour || f.red_shift > 31 || f.green_shift > 31 || f.blue_shift > 31)
        return std::nullopt;
    return f;
}

std::string pixel(const PixelFormat& f, Rgb c) {
    const auto scale = [](std::uint8_t v, std::uint16_t max) {
        return static_cast<std::uint32_t>(v) * max / 255;
    };
    const std::uint32_t value = (scale(c.r, f.red_max) << f.red_shift) |
                                (scale(c.g, f.green_max) << f.green_shift) |
                                (scale(c.b, f.blue_max) << f.blue_shift);
    const std::size_t n = f.bits_per_pixel / 8;
    std::string out(n, '\0');
    for (std::size_t i = 0; i < n; ++i) {
        const auto byte = static_cast<char>((value >> (8 * i)) & 0xff);
        out[f.big_endian ? n - 1 - i : i] = byte;
    }
    return out;
}

std::string server_init(std::uint16_t width, std::uint16_t height, const PixelFormat& format,
                        std::string_view name) {
    std::string out;
    put16(out, width);
    put16(out, height);
    out += encode(format);
    put32(out, static_cast<std::uint32_t>(name.size()));
    out += name;
    return out;
}

std::optional<std::size_t> fixed_length(std::uint8_t type) {
    switch (type) {
        case 0:
            return 19;  // padding 3, PIXEL_FORMAT 16
        case 2:
            return 3;  // padding 1, number-of-encodings 2
        case 3:
            return 9;  // incremental 1, x y w h
        case 4:
            return 7;  // down-flag 1, padding 2, key 4
        case 5:
            return 5;  // button-mask 1, x 2, y 2
        case 6:
            return 7;  // padding 3, length 4
        default:
            return std::nullopt;
    }
}

std::size_t variable_length(std::string_view head) {
    if (head.empty()) return 0;
    const auto fixed = fixed_length(static_cast<std::uint8_t>(head[0]));
    if (!fixed || head.size() < 1 + *fixed) return 0;
    if (head[0] == 2) return std::min<std::size_t>(u16(head, 2), kMaxEncodings + 1) * 4;
    if (head[0] == 6) return std::min<std::size_t>(u32(head, 4), kMaxCutText + 1);
    return 0;
}

std::optional<ClientMessage> parse_client_message(std::string_view b) {
    if (b.empty()) return std::nullopt;
    const auto type = static_cast<std::uint8_t>(b[0]);
    const auto fixed = fixed_length(type);
    if (!fixed || b.size() < 1 + *fixed) return std::nullopt;
    const auto head = b.substr(0, 1 + *fixed);
    const auto rest = b.substr(head.size());
    ClientMessage m;
    m.type = static_cast<MessageType>(type);
    switch (m.type) {
        case MessageType::set_pixel_format:
            m.pixel_format = decode_pixel_format(b.substr(4, 16));
            break;
        case MessageType::set_encodings: {
            const std::size_t n = u16(b, 2);
            if (n > kMaxEncodings || rest.size() != n * 4) return std::nullopt;
            for (std::size_t i = 0; i < n; ++i)
                m.encodings.push_back(static_cast<std::int32_t>(u32(rest, i * 4)));
            return m;
        }
        case MessageType::framebuffer_update_request:
            m.incremental = b[1] != 0;
            m.x = u16(b, 2);
            m.y = u16(b, 4);
            m.width = u16(b, 6);
            m.height = u16(b, 8);
            break;
        case MessageType::key_event:
            m.down = b[1] != 0;
            m.key = u32(b, 4);
            break;
        case MessageType::pointer_event:
            m.button_mask = static_cast<std::uint8_t>(b[1]);
            m.x = u16(b, 2);
            m.y = u16(b, 4);
            break;
        case MessageType::client_cut_text: {
            const std::size_t n = u32(b, 4);
            if (n > kMaxCutText || rest.size() != n) return std::nullopt;
            m.text = std::string(rest);
            return m;
        }
    }
    if (!rest.empty()) return std::nullopt;
    return m;
}

std::string keysym_text(std::uint32_t k) {
    if ((k >= 0x20 && k <= 0x7e) || (k >= 0xa0 && k <= 0xff)) return std::string(1, char(k));
    switch (k) {
        case 0xff08:
            return "<BackSpace>";
        case 0xff09:
            return "<Tab>";
        case 0xff0d:
            return "<Return>";
        case 0xff1b:
            return "<Escape>";
        case 0xffff:
            return "<Delete>";
        case 0xff51:
            return "<Left>";
        case 0xff52:
            return "<Up>";
        case 0xff53:
            return "<Right>";
        case 0xff54:
            return "<Down>";
        case 0xff8d:
            return "<Return>";  // keypad Enter
        case 0xffeb:
        case 0xffec:
            return "<Super>";  // Windows key (Win+R …)
        default:
            break;
    }
    if (k >= 0xffe1 && k <= 0xffee) return "";  // Shift, Control, Caps, Meta, Alt
    if (k >= 0xffbe && k <= 0xffc9) return "<F" + std::to_string(k - 0xffbe + 1) + ">";
    char hex[16];
    std::snprintf(hex, sizeof hex, "<0x%x>", static_cast<unsigned>(k));
    return hex;
}

std::string framebuffer_update(const Desktop& d, const PixelFormat& f, bool rre) {
    std::string out;
    out += '\0';  // FramebufferUpdate
    out += '\0';  // padding
    put16(out, 1);
    put16(out, 0);
    put16(out, 0);
    put16(out, d.width);
    put16(out, d.height);
    // Rectangles clipped to the screen.
    std::vector<Rect> rects;
    for (auto r : d.rects) {
        if (r.x >= d.width || r.y >= d.height) continue;
        r.width = std::min<std::uint16_t>(r.width, static_cast<std::uint16_t>(d.width - r.x));
        r.height = std::min<std::uint16_t>(r.height, static_cast<std::uint16_t>(d.height - r.y));
        if (r.width && r.height) rects.push_back(r);
    }
    if (rre) {
        put32(out, static_cast<std::uint32_t>(kEncodingRre));
        put32(out, static_cast<std::uint32_t>(rects.size()));
        out += pixel(f, d.background);
        for (const auto& r : rects) {
            out += pixel(f, r.colour);
            put16(out, r.x);
            put16(out, r.y);
            put16(out, r.width);
            put16(out, r.height);
        }
        return out;
    }
    put32(out, static_cast<std::uint32_t>(kEncodingRaw));
    const std::size_t bpp = f.bits_per_pixel / 8;
    std::string row;
    row.reserve(std::size_t{d.width} * bpp);
    const std::string background = pixel(f, d.background);
    out.reserve(out.size() + std::size_t{d.width} * d.height * bpp);
    for (std::uint16_t y = 0; y < d.height; ++y) {
        row.clear();
        for (std::uint16_t x = 0; x < d.width; ++x) row += background;
        for (const auto& r : rects) {
            if (y < r.y || y >= r.y + r.height) continue;
            const std::string colour = pixel(f, r.colour);
            for (std::uint16_t x = r.x; x < r.x + r.width; ++x)
                row.replace(std::size_t{x} * bpp, bpp, colour);
        }
        out += row;
    }
    return out;
}

}  // namespace decnet::honeypot::rfb
