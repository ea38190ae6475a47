// NTLMSSP codec: messages round-trip, every offset is checked, hashcat lines.
#include "wire/ntlm.hpp"

#include <gtest/gtest.h>

#include <string>

namespace decnet::wire::ntlm {
namespace {

using namespace std::string_literals;

TEST(Ntlm, NegotiateRoundTrips) {
    Negotiate n;
    n.flags = kUnicode | kNtlm | kExtendedSessionSecurity;
    n.domain = "CORP";
    n.workstation = "WS01";
    n.version = Version{10, 0, 19041, 15};
    const auto bytes = build_negotiate(n);
    EXPECT_EQ(message_type(bytes), MessageType::negotiate);
    const auto back = parse_negotiate(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->domain, "CORP");
    EXPECT_EQ(back->workstation, "WS01");
    ASSERT_TRUE(back->version);
    EXPECT_EQ(back->version->text(), "10.0.19041");
    EXPECT_TRUE(back->flags & kVersion);
}

TEST(Ntlm, ChallengeCarriesTheTargetInfo) {
    Challenge c;
    c.flags = kUnicode | kTargetInfo | kVersion;
    c.target_name = "CORP";
    c.server_challenge = {1, 2, 3, 4, 5, 6, 7, 8};
    c.target_info.nb_computer = "FS01";
    c.target_info.nb_domain = "CORP";
    c.target_info.dns_computer = "fs01.corp.local";
    c.target_info.dns_domain = "corp.local";
    c.target_info.dns_tree = "corp.local";
    c.target_info.timestamp = 0x01d9000000000000ULL;
    c.version = {10, 0, 17763, 15};
    const auto back = parse_challenge(build_challenge(c));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->target_name, "CORP");
    EXPECT_EQ(back->server_challenge, c.server_challenge);
    EXPECT_EQ(back->target_info.dns_computer, "fs01.corp.local");
    EXPECT_EQ(back->target_info.dns_tree, "corp.local");
    EXPECT_EQ(back->target_info.timestamp, c.target_info.timestamp);
    EXPECT_EQ(back->version.build, 17763);
}

TEST(Ntlm, AuthenticateRoundTripsAndDecodesUtf16) {
    Authenticate a;
    a.flags = kUnicode | kNtlm;
    a.user = "alice";
    a.domain = "CORP";
    a.workstation = "KALI";
    a.lm_response = std::string(24, '\0');
    a.nt_response = std::string(64, 'x');
    a.session_key = std::string(16, 'k');
    const auto back = parse_authenticate(build_authenticate(a));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->user, "alice");
    EXPECT_EQ(back->domain, "CORP");
    EXPECT_EQ(back->workstation, "KALI");
    EXPECT_EQ(back->nt_response, a.nt_response);
    EXPECT_EQ(back->session_key, a.session_key);
}

TEST(Ntlm, RefusesOffsetsAndLengthsOutsideTheMessage) {
    Authenticate a;
    a.flags = kUnicode;
    a.user = "bob";
    auto bytes = build_authenticate(a);
    auto lying = bytes;
    lying[36] = '\x7f';  // user length beyond the message
    EXPECT_FALSE(parse_authenticate(lying));
    lying = bytes;
    lying[40] = '\xff';  // user offset far away
    lying[41] = '\xff';
    EXPECT_FALSE(parse_authenticate(lying));
    EXPECT_FALSE(parse_authenticate(bytes.substr(0, 40)));
    EXPECT_FALSE(parse_negotiate(bytes));  // wrong type
    EXPECT_FALSE(message_type("NTLMSSP\0\x09\0\0\0"s));
    EXPECT_FALSE(parse_authenticate(bytes + std::string(kMaxMessage, '\0')));
}

TEST(Ntlm, AvPairsAreBounded) {
    std::string pairs;
    for (int i = 0; i < 40; ++i) pairs += "\x08\x00\x00\x00"s;  // empty pairs, no EOL
    pairs += "\0\0\0\0"s;
    EXPECT_FALSE(parse_av_pairs(pairs));
    EXPECT_FALSE(parse_av_pairs("\x01\x00\x10\x00"s));  // longer than the bytes
    EXPECT_TRUE(parse_av_pairs("\0\0\0\0"s));
}

TEST(Ntlm, HashcatLines) {
    const std::array<std::uint8_t, 8> challenge = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    const std::string nt = std::string(16, '\xab') + "\x01\x01"s + std::string(6, '\0');
    EXPECT_EQ(netntlmv2_line("alice", "CORP", challenge, nt),
              "alice::CORP:1122334455667788:abababababababababababababababab:010100000000"
              "0000");
    EXPECT_EQ(netntlmv1_line("bob", "W:X", challenge, "\x01"s, "\x02"s),
              "bob::W_X:01:02:1122334455667788");
}

TEST(Ntlm, Utf16) {
    EXPECT_EQ(utf16le("Aé"), "A\0\xe9\0"s);
    EXPECT_EQ(from_utf16le(utf16le("Zoë 😀")), "Zoë 😀");
    EXPECT_EQ(from_utf16le("\x00\xd8"s), "\xef\xbf\xbd");  // a lone surrogate
}

}  // namespace
}  // namespace decnet::wire::ntlm
