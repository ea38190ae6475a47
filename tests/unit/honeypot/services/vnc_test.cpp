// The vnc emulator's dialogue over an in-memory session: each persona's version and security
// types, VNC authentication captured as a $vnc$ hash that verifies against the viewer's
// password (3.3, 3.8 and inside TightVNC's Tight type), the no-auth desktop with its input
// logged, and bad input ending the session with its event. Also the RFB codec on its own.
#include <gtest/gtest.h>

#include "core/text.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/vnc/rfb.hpp"
#include "support/dialogue.hpp"
#include "support/vnc_des.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;
using decnet::testing::vnc_response;

Dialogue vnc(PersonaConfig persona = {}) {
    return Dialogue("vnc", DialogueOptions{.persona = std::move(persona)});
}

std::string hex_upper(std::string_view bytes) {
    return ascii_upper(to_hex({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}));
}

std::string be32(std::uint32_t v) {
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

TEST(VncDialogue, X11vncRefusesTheViewerAndKeepsACrackableResponse) {
    Dialogue d = vnc();
    EXPECT_EQ(d.read_exact(12), "RFB 003.008\n");
    ASSERT_TRUE(d.send("RFB 003.008\n"));
    EXPECT_EQ(d.read_exact(2), "\x01\x02"s);
    ASSERT_TRUE(d.send("\x02"));
    const auto challenge = d.read_exact(16);
    ASSERT_EQ(challenge.size(), 16u);
    ASSERT_TRUE(d.send(vnc_response("Secret12", challenge)));
    const std::string reason = "password check failed!";
    EXPECT_EQ(d.read_exact(8 + reason.size()), be32(1) + be32(reason.size()) + reason);
    d.expect_closed();

    const auto events = d.finish();
    EXPECT_EQ(event_types(events),
              (std::vector<std::string>{"connect", "version", "security_choice", "auth_response",
                                        "disconnect"}));
    EXPECT_EQ(field(events[0], "server"), "x11vnc");
    EXPECT_EQ(field(events[1], "client_version"), "RFB 003.008");
    const auto& auth = events[3];
    EXPECT_EQ(field(auth, "username"), "vnc");
    EXPECT_EQ(field(auth, "credential_type"), "vnc");
    EXPECT_EQ(field(auth, "password"), "$vnc$*" + hex_upper(challenge) + "*" +
                                           hex_upper(vnc_response("Secret12", challenge)));
    EXPECT_EQ(field(auth, "status"), "failed");
}

TEST(VncDialogue, ChallengesAreRandom) {
    std::string first, second;
    for (auto* out : {&first, &second}) {
        Dialogue d = vnc();
        d.read_exact(12);
        d.send("RFB 003.008\n");
        d.read_exact(2);
        d.send("\x02");
        *out = d.read_exact(16);
    }
    EXPECT_NE(first, second);
}

TEST(VncDialogue, AProtocol33ViewerIsToldTheSecurityType) {
    Dialogue d = vnc({{"server", "realvnc"}});
    EXPECT_EQ(d.read_exact(12), "RFB 005.000\n");
    ASSERT_TRUE(d.send("RFB 003.003\n"));
    EXPECT_EQ(d.read_exact(4), be32(2));  // VNC authentication, decided by the server
    const auto challenge = d.read_exact(16);
    ASSERT_TRUE(d.send(vnc_response("pw", challenge)));
    EXPECT_EQ(d.read_exact(4), be32(1));  // 3.3: no reason string
    d.expect_closed();
    const auto auth = d.event("auth_response");
    EXPECT_EQ(field(auth, "challenge"), ascii_lower(hex_upper(challenge)));
}

TEST(VncDialogue, RealVncOffersRa2AndVncAuthentication) {
    Dialogue d = vnc({{"server", "realvnc"}});
    d.read_exact(12);
    ASSERT_TRUE(d.send("RFB 003.008\n"));
    EXPECT_EQ(d.read_exact(4), "\x03\x05\x06\x02"s);
    ASSERT_TRUE(d.send("\x05"));  // RA2 is not emulated: a failed login
    const std::string reason = "Authentication failure";
    EXPECT_EQ(d.read_exact(8 + reason.size()), be32(1) + be32(reason.size()) + reason);
    d.expect_closed();
}

TEST(VncDialogue, TightVncAuthenticatesInsideTheTightType) {
    Dialogue d = vnc({{"server", "tightvnc"}});
    EXPECT_EQ(d.read_exact(12), "RFB 003.008\n");
    ASSERT_TRUE(d.send("RFB 003.008\n"));
    EXPECT_EQ(d.read_exact(3), "\x02\x02\x10"s);
    ASSERT_TRUE(d.send("\x10"));
    EXPECT_EQ(d.read_exact(24), be32(0) + be32(1) + be32(2) + "STDVVNCAUTH_");
    ASSERT_TRUE(d.send(be32(2)));
    const auto challenge = d.read_exact(16);
    ASSERT_TRUE(d.send(vnc_response("tight", challenge)));
    EXPECT_EQ(d.read_exact(4), be32(1));
    const auto events = d.finish();
    EXPECT_EQ(field(decnet::testing::first_event(events, "auth_response"), "response"),
              ascii_lower(hex_upper(vnc_response("tight", challenge))));
}

TEST(VncDialogue, NoAuthDesktopServesTheScreenAndLogsInput) {
    Dialogue d = vnc({{"auth", "none"}, {"desktop_name", "ops-console"}});
    d.read_exact(12);
    ASSERT_TRUE(d.send("RFB 003.008\n"));
    EXPECT_EQ(d.read_exact(2), "\x01\x01"s);
    ASSERT_TRUE(d.send("\x01"));
    EXPECT_EQ(d.read_exact(4), be32(0));  // SecurityResult OK (3.8)
    ASSERT_TRUE(d.send("\x01"));          // ClientInit, shared
    const auto init = d.read_exact(24 + 11);
    EXPECT_EQ(init.substr(0, 4), "\x04\x00\x03\x00"s);  // 1024×768
    EXPECT_EQ(init.substr(24), "ops-console");
    // SetEncodings(RRE, raw), a full update request: one RRE rectangle of the whole screen.
    ASSERT_TRUE(d.send("\x02\x00\x00\x02"s + be32(2) + be32(0)));
    ASSERT_TRUE(d.send("\x03\x00\x00\x00\x00\x00\x04\x00\x03\x00"s));
    const auto update = d.read_exact(4 + 12 + 4);
    EXPECT_EQ(update.substr(0, 4), "\x00\x00\x00\x01"s);
    EXPECT_EQ(update.substr(12, 4), be32(2));
    const auto subrects = update.substr(16, 4);
    const std::size_t n = static_cast<std::uint8_t>(subrects[3]);
    EXPECT_GT(n, 0u);
    d.read_exact(4 + n * 12);  // background pixel, then the subrectangles
    // Typing "id", Return; a click; the clipboard.
    for (const std::uint32_t key : {0x69u, 0x64u, 0xff0du})
        ASSERT_TRUE(d.send("\x04\x01\x00\x00"s + be32(key)));
    ASSERT_TRUE(d.send("\x05\x01\x00\x10\x00\x20"s));
    ASSERT_TRUE(d.send("\x06\x00\x00\x00"s + be32(6) + "secret"));
    const auto events = d.finish();
    EXPECT_EQ(field(decnet::testing::first_event(events, "keystrokes"), "text"), "id<Return>");
    const auto& click = decnet::testing::first_event(events, "pointer");
    EXPECT_EQ(field(click, "x"), "16");
    EXPECT_EQ(field(click, "y"), "32");
    EXPECT_EQ(field(decnet::testing::first_event(events, "clipboard"), "text"), "secret");
    EXPECT_EQ(field(decnet::testing::first_event(events, "client_init"), "shared"), "True");
}

TEST(VncDialogue, InputLoggingIsBounded) {
    Dialogue d = vnc({{"auth", "none"}});
    d.read_exact(12);
    d.send("RFB 003.007\n");
    d.read_exact(2);
    d.send("\x01");  // 3.7: no SecurityResult for None
    d.send("\x00"s);
    d.read_exact(24 + 13);  // ServerInit, named "web-prod-03:0"
    for (int i = 0; i < 200; ++i) {
        ASSERT_TRUE(d.send("\x05\x01\x00\x01\x00\x01"s));
        ASSERT_TRUE(d.send("\x05\x00\x00\x01\x00\x01"s));
    }
    const auto events = d.finish();
    std::size_t pointers = 0;
    for (const auto& e : events) pointers += e.event_type == "pointer";
    EXPECT_EQ(pointers, 64u);
    EXPECT_EQ(field(decnet::testing::first_event(events, "input_dropped"), "count"), "136");
}

TEST(VncDialogue, GarbageEndsTheSessionWithAnEvent) {
    Dialogue d = vnc();
    d.read_exact(12);
    ASSERT_TRUE(d.send("GET / HTTP/1.1\r\n"));
    d.expect_closed();
    const auto events = d.finish();
    EXPECT_EQ(field(decnet::testing::first_event(events, "protocol_error"), "error"),
              "not an RFB version");
}

TEST(VncDialogue, AnUnknownClientMessageEndsTheDesktop) {
    Dialogue d = vnc({{"auth", "none"}});
    d.read_exact(12);
    d.send("RFB 003.008\n");
    d.read_exact(2);
    d.send("\x01");
    d.read_exact(4);
    d.send("\x01");
    d.read_exact(24 + 13);
    ASSERT_TRUE(d.send("\xfe"s));
    d.expect_closed();
    EXPECT_EQ(field(d.event("protocol_error"), "error"), "unknown client message type 254");
}

TEST(VncPersona, BadValuesFailTheDeploy) {
    DeckyConfig decky;
    decky.name = "decky-01";
    decky.hostname = "h";
    decky.service_config["vnc"] = {{"geometry", "huge"}};
    EXPECT_ANY_THROW(configure_service(*find_module("vnc"), decky));
    decky.service_config["vnc"] = {{"server", "ultravnc"}};
    EXPECT_ANY_THROW(configure_service(*find_module("vnc"), decky));
    decky.service_config["vnc"] = {};
    decky.nmap_os = "windows";
    EXPECT_NO_THROW(configure_service(*find_module("vnc"), decky));
}

TEST(Rfb, ClientVersionsMapAsServersMapThem) {
    EXPECT_EQ(rfb::parse_client_version("RFB 003.003\n"), rfb::Version::v3_3);
    EXPECT_EQ(rfb::parse_client_version("RFB 003.005\n"), rfb::Version::v3_3);
    EXPECT_EQ(rfb::parse_client_version("RFB 003.007\n"), rfb::Version::v3_7);
    EXPECT_EQ(rfb::parse_client_version("RFB 003.889\n"), rfb::Version::v3_8);
    EXPECT_EQ(rfb::parse_client_version("RFB 005.000\n"), rfb::Version::v3_8);
    EXPECT_FALSE(rfb::parse_client_version("RFB 002.000\n"));
    EXPECT_FALSE(rfb::parse_client_version("RFB 00x.008\n"));
    EXPECT_FALSE(rfb::parse_client_version("RFB 003.008"));
}

TEST(Rfb, PixelsFollowTheViewersFormat) {
    rfb::PixelFormat f;
    EXPECT_EQ(rfb::pixel(f, {0x11, 0x22, 0x33}), "\x33\x22\x11\x00"s);
    f.big_endian = true;
    EXPECT_EQ(rfb::pixel(f, {0x11, 0x22, 0x33}), "\x00\x11\x22\x33"s);
    const auto rgb565 = rfb::decode_pixel_format(
        "\x10\x10\x00\x01\x00\x1f\x00\x3f\x00\x1f\x0b\x05\x00\x00\x00\x00"s);
    ASSERT_TRUE(rgb565);
    EXPECT_EQ(rfb::pixel(*rgb565, {255, 255, 255}), "\xff\xff"s);
    EXPECT_FALSE(rfb::decode_pixel_format("\x18\x18\x00\x01"s + std::string(12, '\0')));
}

TEST(Rfb, RawUpdateIsTheWholeScreen) {
    rfb::Desktop d;
    d.width = 4;
    d.height = 2;
    d.background = {0, 0, 255};
    d.rects = {{1, 1, 10, 10, {255, 0, 0}}};  // clipped to the screen
    const auto raw = rfb::framebuffer_update(d, {}, false);
    ASSERT_EQ(raw.size(), 16u + 4 * 2 * 4);
    EXPECT_EQ(raw.substr(16, 4), "\xff\x00\x00\x00"s);
    EXPECT_EQ(raw.substr(16 + 5 * 4, 4), "\x00\x00\xff\x00"s);
}

TEST(Rfb, MessagesAreCheckedAgainstTheirLengths) {
    EXPECT_FALSE(rfb::parse_client_message(""));
    EXPECT_FALSE(rfb::parse_client_message("\x04\x01"s));
    EXPECT_FALSE(rfb::parse_client_message("\x02\x00\x00\x02"s + be32(0)));  // one missing
    EXPECT_FALSE(rfb::parse_client_message("\x06\x00\x00\x00"s + be32(0xffffffff)));
    EXPECT_EQ(rfb::variable_length("\x06\x00\x00\x00"s + be32(0xffffffff)), 64u * 1024 + 1);
    const auto key = rfb::parse_client_message("\x04\x01\x00\x00"s + be32(0x41));
    ASSERT_TRUE(key);
    EXPECT_EQ(key->key, 0x41u);
    EXPECT_EQ(rfb::keysym_text(0xffe1), "");
    EXPECT_EQ(rfb::keysym_text(0xffbe), "<F1>");
}

}  // namespace
}  // namespace decnet::honeypot
