// RFB (VNC) codec: the version handshake, pixel formats, the client-to-server messages
// (RFC 6143 §7.5) as bounded pure functions, and the framebuffer updates of a still desktop
// (a few solid rectangles, sent as RRE when the client accepts it, else raw). No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::rfb {

// The protocol a session speaks once both versions are known.
enum class Version { v3_3, v3_7, v3_8 };

// "RFB 003.008\n" (exactly 12 bytes) → the version the server then speaks, as RealVNC and
// libvncserver map it: 3.3–3.6 → 3.3, 3.7 → 3.7, anything from 3.8 (Apple's 3.889, 4.x, 5.x)
// → 3.8. nullopt: not an RFB version line.
std::optional<Version> parse_client_version(std::string_view line);

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
};

struct PixelFormat {
    std::uint8_t bits_per_pixel = 32;
    std::uint8_t depth = 24;
    bool big_endian = false;
    bool true_colour = true;
    std::uint16_t red_max = 255, green_max = 255, blue_max = 255;
    std::uint8_t red_shift = 16, green_shift = 8, blue_shift = 0;
};

// The 16 bytes of a PIXEL_FORMAT.
std::string encode(const PixelFormat& format);
// nullopt: a format this server cannot produce (bpp other than 8/16/32, colour maps).
std::optional<PixelFormat> decode_pixel_format(std::string_view bytes);
// One pixel of `colour` in `format` (bits_per_pixel / 8 bytes).
std::string pixel(const PixelFormat& format, Rgb colour);

// The ServerInit message: geometry, pixel format and desktop name.
std::string server_init(std::uint16_t width, std::uint16_t height, const PixelFormat& format,
                        std::string_view name);

// ---- Client messages ------------------------------------------------------------------

enum class MessageType : std::uint8_t {
    set_pixel_format = 0,
    set_encodings = 2,
    framebuffer_update_request = 3,
    key_event = 4,
    pointer_event = 5,
    client_cut_text = 6,
};

// Bytes a message of `type` has after its type byte before any variable part; nullopt for
// a type this server does not know (real servers then drop the client).
std::optional<std::size_t> fixed_length(std::uint8_t type);
// The variable part's length announced by the fixed part `head` (type byte first, then
// fixed_length(type) bytes): encodings × 4 for SetEncodings, the text for ClientCutText,
// else 0.
std::size_t variable_length(std::string_view head);

struct ClientMessage {
    MessageType type{};
    std::optional<PixelFormat> pixel_format;  // set_pixel_format (nullopt: unsupported)
    std::vector<std::int32_t> encodings;      // set_encodings
    bool incremental = false;                 // framebuffer_update_request
    std::uint16_t x = 0, y = 0, width = 0, height = 0;
    bool down = false;             // key_event
    std::uint32_t key = 0;         // key_event: the X keysym
    std::uint8_t button_mask = 0;  // pointer_event
    std::string text;              // client_cut_text (Latin-1)
};

// A whole message (type byte, fixed part, variable part); nullopt when it is not one.
std::optional<ClientMessage> parse_client_message(std::string_view bytes);

// A keysym as typed text: printable Latin-1 as itself, editing keys as <Return>, <Tab>, …;
// "" for modifiers (Shift, Control, …) that type nothing themselves.
std::string keysym_text(std::uint32_t keysym);

// ---- The still desktop ----------------------------------------------------------------

struct Rect {
    std::uint16_t x = 0, y = 0, width = 0, height = 0;
    Rgb colour;
};

// A desktop: the background and the rectangles drawn over it, in order.
struct Desktop {
    std::uint16_t width = 1024, height = 768;
    Rgb background;
    std::vector<Rect> rects;
};

constexpr std::int32_t kEncodingRaw = 0;
constexpr std::int32_t kEncodingRre = 2;

// A FramebufferUpdate of the whole desktop: one RRE rectangle when `rre`, else raw rows.
std::string framebuffer_update(const Desktop& desktop, const PixelFormat& format, bool rre);

}  // namespace decnet::honeypot::rfb
