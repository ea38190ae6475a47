// vnc: an RFB 3.3/3.7/3.8 server as the persona's product answers (services.md §2.9) —
// RealVNC (RFB 005.000, RA2 and VNC authentication), TightVNC (3.8 with its Tight security
// type) or x11vnc (libvncserver). VNC authentication sends a random 16-byte challenge and
// logs the DES response with it in John's `$vnc$*CHALLENGE*RESPONSE` form (the reference
// logged only the response), then fails as the product does. The optional no-auth persona
// lets the viewer in to a still desktop (a few solid rectangles) and logs its keystrokes,
// clicks and clipboard, bounded.
#include <openssl/rand.h>

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/vnc/rfb.hpp"
#include "honeypot/session.hpp"

// GCC 12 false positive (PR 109224), as in the other emulators with nested coroutines.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;

constexpr std::uint8_t kSecNone = 1;
constexpr std::uint8_t kSecVncAuth = 2;
constexpr std::uint8_t kSecRa2 = 5;
constexpr std::uint8_t kSecRa2ne = 6;
constexpr std::uint8_t kSecTight = 16;

// What one session may log of a viewer's input before it only counts.
constexpr std::size_t kMaxInputEvents = 64;
constexpr std::size_t kKeystrokeChunk = 256;
constexpr std::size_t kLoggedClipboard = 1024;
// Full-screen updates one session gets (a raw 1024×768 screen is 3 MiB).
constexpr int kMaxFullUpdates = 8;

struct VncSettings : ServiceSettings {
    std::string server;  // realvnc, tightvnc, x11vnc
    bool no_auth = false;
    std::string desktop_name;
    std::uint16_t width = 1024, height = 768;
    rfb::Desktop desktop;
};

// What the product says first: RealVNC 5 and later announce protocol 5.0 (nmap names it from
// that); TightVNC 2 and libvncserver announce 3.8.
std::string_view server_version(const VncSettings& v) {
    return v.server == "realvnc" ? "RFB 005.000\n" : "RFB 003.008\n";
}

std::vector<std::uint8_t> security_types(const VncSettings& v) {
    if (v.no_auth) return {kSecNone};
    if (v.server == "realvnc") return {kSecRa2, kSecRa2ne, kSecVncAuth};
    if (v.server == "tightvnc") return {kSecVncAuth, kSecTight};
    return {kSecVncAuth};
}

// The SecurityResult failure reason each product sends (3.8).
std::string_view failure_reason(const VncSettings& v) {
    if (v.server == "realvnc") return "Authentication failure";
    if (v.server == "tightvnc") return "Authentication failed";
    return "password check failed!";
}

// A still desktop in the colours of the persona's OS: Windows' blue with its taskbar, or a
// GNOME session's aubergine with its top bar and dock.
rfb::Desktop make_desktop(bool windows, std::uint16_t w, std::uint16_t h) {
    rfb::Desktop d;
    d.width = w;
    d.height = h;
    const auto u16 = [](int v) { return static_cast<std::uint16_t>(std::max(0, v)); };
    if (windows) {
        d.background = {0, 120, 215};
        d.rects = {
            {0, u16(h - 40), w, 40, {32, 32, 32}},               // taskbar
            {0, u16(h - 40), 48, 40, {40, 40, 40}},              // start button
            {u16(w - 150), u16(h - 40), 150, 40, {24, 24, 24}},  // clock
            {12, 10, 48, 48, {225, 225, 225}},                   // Recycle Bin
            {12, 90, 48, 48, {242, 200, 90}},                    // a folder
            {12, 170, 48, 48, {70, 140, 210}},                   // a shortcut
        };
    } else {
        d.background = {48, 10, 36};
        d.rects = {
            {0, 0, w, 27, {0, 0, 0}},                // top bar
            {0, 27, 64, u16(h - 27), {30, 30, 30}},  // dock
            {12, 40, 40, 40, {232, 84, 32}},         // launcher icons
            {12, 92, 40, 40, {53, 132, 228}},
            {12, 144, 40, 40, {120, 120, 120}},
        };
    }
    return d;
}

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<VncSettings>();
    static constexpr std::array<std::string_view, 4> kServers = {"", "realvnc", "tightvnc",
                                                                 "x11vnc"};
    const bool windows = persona.decky().nmap_os == "windows";
    settings->server = persona.choice("server", kServers);
    if (settings->server.empty()) settings->server = windows ? "realvnc" : "x11vnc";
    static constexpr std::array<std::string_view, 2> kAuth = {"vnc", "none"};
    settings->no_auth = persona.choice("auth", kAuth) == "none";
    const std::string host =
        persona.decky().hostname.empty() ? persona.decky().name : persona.decky().hostname;
    settings->desktop_name = persona.line("desktop_name");
    if (settings->desktop_name.empty())
        settings->desktop_name = settings->server == "x11vnc" ? host + ":0" : host;
    if (settings->desktop_name.size() > 255) persona.fail("desktop_name", "at most 255 characters");
    const auto geometry = persona.text("geometry");
    unsigned w = 0, h = 0;
    char tail = 0;
    if (std::sscanf(geometry.c_str(), "%ux%u%c", &w, &h, &tail) != 2 || w < 320 || h < 200 ||
        w > 4096 || h > 4096)
        persona.fail("geometry", "expected WIDTHxHEIGHT from 320x200 to 4096x4096, got '" +
                                     geometry.substr(0, 64) + "'");
    settings->width = static_cast<std::uint16_t>(w);
    settings->height = static_cast<std::uint16_t>(h);
    settings->desktop =
        make_desktop(settings->server != "x11vnc" || windows, settings->width, settings->height);
    return settings;
}

std::string u32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

std::uint32_t read_u32(std::string_view b) {
    return (static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[0])) << 24) |
           (static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[2])) << 8) |
           static_cast<std::uint8_t>(b[3]);
}

// A SecurityResult "failed", with the reason from 3.8 on.
std::string failure(rfb::Version version, std::string_view reason) {
    std::string out = u32(1);
    if (version == rfb::Version::v3_8)
        out += u32(static_cast<std::uint32_t>(reason.size())) + std::string(reason);
    return out;
}

// Tight security (TightVNC): no tunnels, one authentication capability (VNC auth); true
// when the viewer then asked for it.
awaitable<bool> tight_handshake(Session& s) {
    std::string caps = u32(0) + u32(1) + u32(kSecVncAuth) + "STDV" + "VNCAUTH_";
    if (!co_await s.write(caps)) co_return false;
    const auto chosen = co_await s.read_exact(4);
    if (!chosen) co_return false;
    s.emit(s.event("security_choice").add("type", read_u32(*chosen)).add("tight", true));
    co_return read_u32(*chosen) == kSecVncAuth;
}

// VNC authentication: the challenge out, the response in and logged, then the failure.
awaitable<void> vnc_auth(Session& s, const VncSettings& v, rfb::Version version) {
    std::string challenge(16, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(challenge.data()), 16);
    if (!co_await s.write(challenge)) co_return;
    const auto response = co_await s.read_exact(16);
    if (!response) co_return;
    const auto hex = [](std::string_view b) {
        return to_hex({reinterpret_cast<const std::uint8_t*>(b.data()), b.size()});
    };
    const std::string ch = ascii_upper(hex(challenge)), resp = ascii_upper(hex(*response));
    s.emit(s.event("auth_response", Severity::warning)
               .credential("vnc", "$vnc$*" + ch + "*" + resp)
               .add("credential_type", "vnc")
               .add("challenge", ascii_lower(ch))
               .add("response", ascii_lower(resp))
               .add("status", "failed"));
    co_await s.write(failure(version, failure_reason(v)));
}

// A viewer's input as events: typed text in chunks, button presses, the clipboard.
class InputLog {
  public:
    explicit InputLog(Session& s) : s_(s) {}
    ~InputLog() = default;

    void key(std::uint32_t keysym, bool down) {
        if (!down) return;
        typed_ += rfb::keysym_text(keysym);
        if (typed_.size() >= kKeystrokeChunk || keysym == 0xff0d) flush();
    }
    void pointer(std::uint8_t mask, std::uint16_t x, std::uint16_t y) {
        const bool pressed = (mask & ~buttons_) != 0;
        buttons_ = mask;
        if (pressed && allowed())
            s_.emit(s_.event("pointer")
                        .add("button_mask", int{mask})
                        .add("x", int{x})
                        .add("y", int{y}));
    }
    void clipboard(const std::string& text) {
        if (allowed())
            s_.emit(s_.event("clipboard")
                        .add("text", text.substr(0, kLoggedClipboard))
                        .add("length", text.size()));
    }
    void flush() {
        if (!typed_.empty() && allowed()) s_.emit(s_.event("keystrokes").add("text", typed_));
        typed_.clear();
    }
    std::size_t dropped() const { return dropped_; }

  private:
    bool allowed() {
        if (events_ < kMaxInputEvents) {
            ++events_;
            return true;
        }
        ++dropped_;
        return false;
    }

    Session& s_;
    std::string typed_;
    std::uint8_t buttons_ = 0;
    std::size_t events_ = 0, dropped_ = 0;
};

// The no-auth desktop: ServerInit, then client messages until the viewer leaves.
awaitable<void> desktop_session(Session& s, const VncSettings& v) {
    const auto shared = co_await s.read_exact(1);  // ClientInit
    if (!shared) co_return;
    rfb::PixelFormat format;
    if (!co_await s.write(rfb::server_init(v.width, v.height, format, v.desktop_name))) co_return;
    s.emit(s.event("client_init").add("shared", (*shared)[0] != 0));
    InputLog input(s);
    bool rre = false;
    int full_updates = 0;
    for (;;) {
        const auto type = co_await s.read_exact(1);
        if (!type) break;
        const auto fixed = rfb::fixed_length(static_cast<std::uint8_t>((*type)[0]));
        if (!fixed) {
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", "unknown client message type " +
                                         std::to_string(static_cast<std::uint8_t>((*type)[0]))));
            break;
        }
        const auto head = co_await s.read_exact(*fixed);
        if (!head) break;
        std::string message = *type + *head;
        const auto extra = rfb::variable_length(message);
        if (extra > 0) {
            const auto rest = co_await s.read_exact(extra);
            if (!rest) break;
            message += *rest;
        }
        const auto parsed = rfb::parse_client_message(message);
        if (!parsed) {
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", "malformed client message")
                       .add("data", hex_prefix(message, 64)));
            break;
        }
        if (parsed->type == rfb::MessageType::set_pixel_format) {
            if (!parsed->pixel_format) {
                s.emit(s.event("protocol_error", Severity::warning)
                           .add("error", "unsupported pixel format")
                           .add("data", hex_prefix(message, 64)));
                break;
            }
            format = *parsed->pixel_format;
        } else if (parsed->type == rfb::MessageType::set_encodings) {
            rre = std::find(parsed->encodings.begin(), parsed->encodings.end(),
                            rfb::kEncodingRre) != parsed->encodings.end();
        } else if (parsed->type == rfb::MessageType::framebuffer_update_request) {
            // A still screen: only a full request gets pixels; an incremental one waits for a
            // change that never comes, as on an idle desktop.
            if (!parsed->incremental && full_updates < kMaxFullUpdates) {
                ++full_updates;
                if (!co_await s.write(rfb::framebuffer_update(v.desktop, format, rre))) break;
            }
        } else if (parsed->type == rfb::MessageType::key_event) {
            input.key(parsed->key, parsed->down);
        } else if (parsed->type == rfb::MessageType::pointer_event) {
            input.pointer(parsed->button_mask, parsed->x, parsed->y);
        } else if (parsed->type == rfb::MessageType::client_cut_text) {
            input.clipboard(parsed->text);
        }
    }
    input.flush();
    if (input.dropped() > 0) s.emit(s.event("input_dropped").add("count", input.dropped()));
}

awaitable<void> handshake(Session& s, const VncSettings& v) {
    if (!co_await s.write(server_version(v))) co_return;
    const auto line = co_await s.read_exact(12);
    if (!line) co_return;
    const auto version = rfb::parse_client_version(*line);
    std::string shown(chomp(*line));
    s.emit(s.event("version").add("client_version", shown));
    if (!version) {
        s.emit(s.event("protocol_error", Severity::warning)
                   .add("error", "not an RFB version")
                   .add("data", hex_prefix(*line, 64)));
        co_return;
    }
    const auto offered = security_types(v);
    std::uint8_t chosen = 0;
    if (*version == rfb::Version::v3_3) {
        // 3.3: the server decides (RA2 is unknown to a 3.3 viewer: VNC authentication).
        chosen = v.no_auth ? kSecNone : kSecVncAuth;
        if (!co_await s.write(u32(chosen))) co_return;
    } else {
        std::string list(1, static_cast<char>(offered.size()));
        for (const auto t : offered) list += static_cast<char>(t);
        if (!co_await s.write(list)) co_return;
        const auto pick = co_await s.read_exact(1);
        if (!pick) co_return;
        chosen = static_cast<std::uint8_t>((*pick)[0]);
        s.emit(s.event("security_choice").add("type", int{chosen}).add("tight", false));
        if (std::find(offered.begin(), offered.end(), chosen) == offered.end()) {
            if (*version == rfb::Version::v3_8)
                co_await s.write(failure(*version, "Authentication failure"));
            co_return;
        }
    }
    if (chosen == kSecNone) {
        if (*version == rfb::Version::v3_8 && !co_await s.write(u32(0))) co_return;
        co_await desktop_session(s, v);
        co_return;
    }
    if (chosen == kSecTight) {
        const bool vnc_auth_wanted = co_await tight_handshake(s);
        if (!vnc_auth_wanted) co_return;
    } else if (chosen != kSecVncAuth) {
        // RA2/RA2ne: RealVNC's RSA handshake is not emulated; refused as a failed login.
        co_await s.write(failure(*version, failure_reason(v)));
        co_return;
    }
    co_await vnc_auth(s, v, *version);
}

awaitable<void> serve_vnc(Session& s) {
    const auto& settings = s.context().settings_as<VncSettings>();
    s.emit(s.event("connect").add("server", settings.server));
    co_await handshake(s, settings);
    s.emit(s.event("disconnect"));
}

SessionLimits vnc_limits(SessionLimits runtime) {
    // A whole ClientCutText (64 KiB) is one read.
    runtime.max_line = std::max<std::size_t>(runtime.max_line, 72 * 1024);
    return runtime;
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port server", "a viewer connected (server: the persona's product)"},
    {"version", "src_ip src_port client_version", "the viewer's protocol version line"},
    {"security_choice", "src_ip src_port type tight",
     "the security type the viewer chose (tight: inside TightVNC's Tight type)"},
    {"auth_response", "src_ip src_port username password credential_type challenge response status",
     "VNC authentication: password is John's $vnc$*CHALLENGE*RESPONSE (credential_type vnc; "
     "username is always vnc); always refused"},
    {"client_init", "src_ip src_port shared", "a viewer let in to the no-auth desktop"},
    {"keystrokes", "src_ip src_port text", "keys typed on the no-auth desktop (up to 256 a chunk)"},
    {"pointer", "src_ip src_port button_mask x y", "a mouse button pressed on the desktop"},
    {"clipboard", "src_ip src_port text length", "the viewer's clipboard (first 1 KiB)"},
    {"input_dropped", "src_ip src_port count",
     "input events not logged because the session had logged 64 already"},
    {"protocol_error", "src_ip src_port error data?", "bytes that are not RFB; the session ends"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& vnc_module() {
    static const ServiceModule module{.slug = "vnc",
                                      .configure = &configure,
                                      .serve = &serve_vnc,
                                      .events = kEvents,
                                      .session_limits = &vnc_limits};
    return module;
}

}  // namespace decnet::honeypot
