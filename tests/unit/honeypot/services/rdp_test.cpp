// The rdp emulator's negotiation over an in-memory session (the Connection Confirm Windows
// sends, or its negotiation failure, the cookie and protocols logged, garbage refused), and
// its codecs: X.224 Connection Request, TSRequest both ways (CredSSP over TLS is driven by
// the real clients in tests/integration/cli_rdp_vnc_test.cpp).
#include <gtest/gtest.h>

#include "honeypot/services/rdp/rdp_protocol.hpp"
#include "honeypot/services/registry.hpp"
#include "support/dialogue.hpp"
#include "wire/ber.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;

// A Connection Request as mstsc sends it: cookie, then RDP_NEG_REQ.
std::string connection_request(std::string_view cookie, std::uint32_t requested) {
    std::string variable;
    if (!cookie.empty()) variable += "Cookie: mstshash=" + std::string(cookie) + "\r\n";
    variable += "\x01\x00\x08\x00"s;
    for (int i = 0; i < 4; ++i) variable += static_cast<char>((requested >> (8 * i)) & 0xff);
    std::string x224 = "\xe0\x00\x00\x00\x00\x00"s + variable;
    x224.insert(x224.begin(), static_cast<char>(x224.size()));
    const std::size_t total = 4 + x224.size();
    return "\x03\x00"s + static_cast<char>(total >> 8) + static_cast<char>(total & 0xff) + x224;
}

Dialogue rdp_dialogue(PersonaConfig persona = {}) {
    return Dialogue("rdp", DialogueOptions{.persona = std::move(persona)});
}

TEST(RdpDialogue, NlaIsSelectedAsWindowsSelectsIt) {
    Dialogue d = rdp_dialogue();
    ASSERT_TRUE(d.send(connection_request("bob", 0x3)));
    // What nmap -sV matches as Microsoft Terminal Services.
    EXPECT_EQ(d.read_exact(19),
              "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x1f\x08\x00\x02\x00\x00\x00"s);
    const auto events = d.finish();
    const auto& cr = decnet::testing::first_event(events, "connection_request");
    EXPECT_EQ(field(cr, "mstshash"), "bob");
    EXPECT_EQ(field(cr, "requested_protocols"), "SSL|HYBRID");
    EXPECT_EQ(field(cr, "selected_protocol"), "HYBRID");
}

TEST(RdpDialogue, AClientWithoutNlaIsToldHybridIsRequired) {
    Dialogue d = rdp_dialogue();
    ASSERT_TRUE(d.send(connection_request("administr", 0x1)));
    EXPECT_EQ(d.read_exact(19),
              "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x03\x00\x08\x00\x05\x00\x00\x00"s);
    d.expect_closed();
    const auto events = d.finish();
    EXPECT_EQ(field(decnet::testing::first_event(events, "connection_request"), "failure"),
              "HYBRID_REQUIRED_BY_SERVER");
    EXPECT_EQ(event_types(events),
              (std::vector<std::string>{"connect", "connection_request", "disconnect"}));
}

TEST(RdpDialogue, TlsPersonaAcceptsSslAndRefusesStandardSecurity) {
    {
        Dialogue d = rdp_dialogue({{"security", "tls"}});
        ASSERT_TRUE(d.send(connection_request("", 0x1)));
        EXPECT_EQ(d.read_exact(19).substr(11), "\x02\x1f\x08\x00\x01\x00\x00\x00"s);
    }
    Dialogue d = rdp_dialogue({{"security", "tls"}});
    ASSERT_TRUE(d.send(connection_request("", 0x0)));
    EXPECT_EQ(d.read_exact(19).substr(11), "\x03\x00\x08\x00\x01\x00\x00\x00"s);
    d.expect_closed();
}

TEST(RdpDialogue, GarbageIsRefusedWithAnEvent) {
    Dialogue d = rdp_dialogue();
    ASSERT_TRUE(d.send("GET / HTTP/1.1\r\n\r\n"));
    d.expect_closed();
    EXPECT_EQ(field(d.event("protocol_error"), "error"), "not a TPKT");
    Dialogue e = rdp_dialogue();
    ASSERT_TRUE(e.send("\x03\x00\x00\x0b\x06\xf0\x00\x00\x00\x00\x00"s));  // a DT TPDU
    e.expect_closed();
    EXPECT_EQ(field(e.event("protocol_error"), "error"), "not an X.224 Connection Request");
}

TEST(RdpProtocol, ConnectionRequestsAreParsedWithinTheirLengths) {
    const auto cr = rdp::parse_connection_request(connection_request("alice", 0xb));
    ASSERT_TRUE(cr);
    EXPECT_EQ(cr->cookie, "alice");
    EXPECT_TRUE(cr->negotiation);
    EXPECT_EQ(cr->requested, 0xbu);
    EXPECT_EQ(rdp::protocols_text(cr->requested), "SSL|HYBRID|HYBRID_EX");
    EXPECT_EQ(rdp::protocols_text(0x30), "0x30");
    // Without RDP_NEG_REQ (an old client): no negotiation.
    const auto old = rdp::parse_connection_request("\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x00\x00"s);
    ASSERT_TRUE(old);
    EXPECT_FALSE(old->negotiation);
    // A cookie without its CR LF, a length past the bytes.
    auto unterminated = connection_request("x", 0x3);
    unterminated.replace(unterminated.find("\r\n"), 2, "..");
    EXPECT_FALSE(rdp::parse_connection_request(unterminated));
    EXPECT_FALSE(rdp::parse_connection_request("\x03\x00\x00\x20\x06\xe0\x00"s));
    EXPECT_FALSE(rdp::tpkt_length("\x03\x00\xff\xff"s));
    EXPECT_FALSE(rdp::tpkt_length("\x16\x03\x01\x00"s));  // a TLS ClientHello
}

TEST(RdpProtocol, TsRequestsRoundTrip) {
    const auto der = rdp::build_ts_request(6, "NTLMSSP\0token"s);
    EXPECT_EQ(rdp::ts_request_length(der.substr(0, 2)), der.size());
    const auto parsed = rdp::parse_ts_request(der);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->version, 6);
    EXPECT_EQ(parsed->nego_token, "NTLMSSP\0token"s);
    // STATUS_LOGON_FAILURE in four octets, as Windows (and FreeRDP's reader) has it.
    const auto failure = rdp::build_ts_request(6, "", rdp::kStatusLogonFailure);
    EXPECT_NE(failure.find("\xa4\x06\x02\x04\xc0\x00\x00\x6d"s), std::string::npos);
    const auto refused = rdp::parse_ts_request(failure);
    ASSERT_TRUE(refused && refused->error_code);
    EXPECT_EQ(static_cast<std::uint32_t>(*refused->error_code), rdp::kStatusLogonFailure);
    // nmap's rdp-ntlm-info first request (version 0x60, a raw NTLMSSP NEGOTIATE).
    const std::string nmap =
        "\x30\x37\xa0\x03\x02\x01\x60\xa1\x30\x30\x2e\x30\x2c\xa0\x2a\x04\x28"s
        "NTLMSSP\0\x01\x00\x00\x00\xb7\x82\x08\xe2"s +
        std::string(16, '\0') + "\x0a\x00\x63\x45\x00\x00\x00\x0f"s;
    const auto probe = rdp::parse_ts_request(nmap);
    ASSERT_TRUE(probe);
    EXPECT_EQ(probe->version, 0x60);
    EXPECT_EQ(probe->nego_token.size(), 40u);
    EXPECT_FALSE(rdp::parse_ts_request(nmap.substr(0, 20)));
    EXPECT_FALSE(rdp::ts_request_length("\x30\x84\xff\xff\xff\xff"s));
    EXPECT_FALSE(rdp::ts_request_length("\x04\x01"s));
    EXPECT_EQ(rdp::ts_request_length("\x30\x82\x01"s), 0u);  // more bytes needed
}

}  // namespace
}  // namespace decnet::honeypot
