// SPNEGO over BER: the server's hint list, a client's init with an NTLM token, responses.
#include "wire/spnego.hpp"

#include <gtest/gtest.h>

#include <string>

namespace decnet::wire::spnego {
namespace {

using namespace std::string_literals;

TEST(Spnego, InitRoundTripsWithHints) {
    Init init;
    init.mechs = {std::string(kMsKerberos), std::string(kNtlmssp)};
    init.hint = "not_defined_in_RFC4178@please_ignore";
    const auto token = build_init(init);
    EXPECT_EQ(static_cast<unsigned char>(token[0]), 0x60);
    const auto back = parse(token);
    ASSERT_TRUE(back && back->init);
    EXPECT_EQ(back->init->mechs, init.mechs);
    EXPECT_EQ(back->init->hint, init.hint);
}

TEST(Spnego, InitWithMechToken) {
    Init init;
    init.mechs = {std::string(kNtlmssp)};
    init.mech_token = "NTLMSSP\0\x01\0\0\0"s;
    const auto back = parse(build_init(init));
    ASSERT_TRUE(back && back->init);
    EXPECT_EQ(back->init->mech_token, init.mech_token);
}

TEST(Spnego, RespRoundTrips) {
    Resp resp;
    resp.state = NegState::accept_incomplete;
    resp.supported_mech = std::string(kNtlmssp);
    resp.response_token = "challenge";
    resp.mic = "mic";
    const auto back = parse(build_resp(resp));
    ASSERT_TRUE(back && back->resp);
    EXPECT_EQ(back->resp->state, NegState::accept_incomplete);
    EXPECT_EQ(back->resp->supported_mech, kNtlmssp);
    EXPECT_EQ(back->resp->response_token, "challenge");
    EXPECT_EQ(back->resp->mic, "mic");
}

TEST(Spnego, RefusesGarbage) {
    EXPECT_FALSE(parse(""));
    EXPECT_FALSE(parse("\x60\x05\x06\x01\x2a\xa0\x00"s));  // not the SPNEGO OID
    EXPECT_FALSE(parse("\xa1\x80"s));                      // indefinite length
    EXPECT_FALSE(parse("\xa1\x03\x30\x01\xa0"s));          // truncated inside
    EXPECT_FALSE(parse("\xa1\x05\x30\x03\xa0\x01\x0a"s));  // negState without its value
}

}  // namespace
}  // namespace decnet::wire::spnego
