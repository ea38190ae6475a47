// The sip PBX: the message parser's bounds and compact forms, John's $sip$ line checked against
// John's own test vector, and the exchanges over UDP — OPTIONS with the persona's Server line,
// 404 for extensions it lacks, 401 challenges, digest answers captured and decided, svwar-style
// enumeration aggregated, replies kept under the amplification bound.
#include <gtest/gtest.h>

#include "honeypot/services/registry.hpp"
#include "honeypot/services/sip/sip_message.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using decnet::testing::DatagramDialogue;
using decnet::testing::event_types;
using decnet::testing::field;

std::string request(const std::string& method, const std::string& ext,
                    const std::string& extra = "") {
    return method + " sip:" + ext +
           "@10.0.0.5 SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK-1;rport\r\n"
           "f: <sip:" +
           ext +
           "@10.0.0.5>;tag=abc\r\n"
           "t: <sip:" +
           ext +
           "@10.0.0.5>\r\n"
           "i: call-" +
           ext +
           "\r\n"
           "CSeq: 1 " +
           method +
           "\r\n"
           "User-Agent: friendly-scanner\r\n" +
           extra + "Content-Length: 0\r\n\r\n";
}

TEST(SipMessage, ParsesCompactFormsAndBoundsFloods) {
    const auto parsed = sip::parse(request("OPTIONS", "100"), false);
    ASSERT_TRUE(parsed.message) << parsed.error;
    EXPECT_EQ(parsed.message->method, "OPTIONS");
    EXPECT_EQ(*parsed.message->header("from"), "<sip:100@10.0.0.5>;tag=abc");
    EXPECT_EQ(*parsed.message->header("call-id"), "call-100");

    std::string flood = "OPTIONS sip:x SIP/2.0\r\n";
    for (int i = 0; i < 200; ++i) flood += "X-H: " + std::to_string(i) + "\r\n";
    EXPECT_EQ(sip::parse(flood + "\r\n", false).error, "more than 64 header lines");
    EXPECT_FALSE(sip::parse("GARBAGE\r\n\r\n", false).message);
    EXPECT_FALSE(sip::parse("INVITE sip:x SIP/2.0\r\nl: 99999\r\n\r\n", false).message);

    // Stream framing: the body by Content-Length, more bytes awaited.
    const std::string two = "MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 5\r\n\r\nhelloOPT";
    const auto first = sip::parse(two, true);
    ASSERT_TRUE(first.message);
    EXPECT_EQ(first.message->body, "hello");
    EXPECT_EQ(two.substr(first.consumed), "OPT");
    const auto partial = sip::parse("OPTIONS sip:a SIP/2.0\r\nContent-Length: 5\r\n\r\nhe", true);
    EXPECT_FALSE(partial.message);
    EXPECT_TRUE(partial.error.empty());
}

TEST(SipMessage, JohnLineAndDigestMatchJohnsTestVector) {
    // sip_fmt_plug.c: $sip$*192.168.1.111*192.168.1.104*200*asterisk*REGISTER*sip*
    // 192.168.1.104**46cce857****MD5*4dfc7515936a667565228dbaa0293dfc is "123456".
    const auto d = sip::parse_digest(
        R"(Digest username="200", realm="asterisk", nonce="46cce857", uri="sip:192.168.1.104", )"
        R"(response="4dfc7515936a667565228dbaa0293dfc", algorithm=MD5, qop=auth)");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->qop, "");  // no cnonce/nc: the challenge offered no qop
    EXPECT_EQ(sip::john_line(*d, "192.168.1.111", "192.168.1.104", "REGISTER"),
              "$sip$*192.168.1.111*192.168.1.104*200*asterisk*REGISTER*sip*192.168.1.104**"
              "46cce857****MD5*4dfc7515936a667565228dbaa0293dfc");
    EXPECT_EQ(sip::digest_response(*d, "REGISTER", "123456"), d->response);
    const auto uri = sip::parse_uri(sip::address_uri("\"Bob\" <sip:1001:pw@pbx.local:5080>;tag=1"));
    ASSERT_TRUE(uri);
    EXPECT_EQ(uri->user, "1001");
    EXPECT_EQ(uri->host, "pbx.local");
    EXPECT_EQ(uri->port, "5080");
}

TEST(SipExchange, AnswersLikeThePersonaPbxAndCapturesDigests) {
    DatagramDialogue d("sip", {{"product", "freepbx"}, {"logins", "101:s3cret"}}, 5060);
    const auto options = d.exchange(request("OPTIONS", "101"));
    ASSERT_EQ(options.replies.size(), 1u);
    EXPECT_TRUE(options.replies[0].starts_with("SIP/2.0 200 OK\r\n"));
    EXPECT_NE(options.replies[0].find("Server: FPBX-15.0.37(16.30.0)\r\n"), std::string::npos);
    EXPECT_NE(options.replies[0].find(";rport=40000;received=203.0.113.7"), std::string::npos);
    EXPECT_NE(options.replies[0].find("Call-ID: call-101\r\n"), std::string::npos);
    EXPECT_TRUE(d.exchange(request("REGISTER", "999")).replies[0].starts_with("SIP/2.0 404"));

    const auto challenge = d.exchange(request("REGISTER", "101")).replies.at(0);
    EXPECT_TRUE(challenge.starts_with("SIP/2.0 401 Unauthorized\r\n"));
    const auto at = challenge.find("nonce=\"");
    ASSERT_NE(at, std::string::npos);
    const auto nonce = challenge.substr(at + 7, 8);

    sip::Digest digest{"101", "asterisk", nonce, "sip:10.0.0.5", "", "MD5", "", "", ""};
    for (const auto& [password, expected] : std::vector<std::pair<std::string, std::string>>{
             {"wrong", "SIP/2.0 403"}, {"s3cret", "SIP/2.0 200 OK"}}) {
        digest.response = sip::digest_response(digest, "REGISTER", password);
        const auto auth = "Authorization: Digest username=\"101\", realm=\"asterisk\", nonce=\"" +
                          nonce + "\", uri=\"sip:10.0.0.5\", response=\"" + digest.response +
                          "\", algorithm=MD5\r\n";
        const auto result = d.exchange(request("REGISTER", "101", auth));
        EXPECT_TRUE(result.replies.at(0).starts_with(expected)) << result.replies[0];
        ASSERT_EQ(event_types(result.events), std::vector<std::string>{"auth"});
        EXPECT_EQ(field(result.events[0], "username"), "101");
        EXPECT_TRUE(field(result.events[0], "password").starts_with("$sip$*"));
        EXPECT_EQ(field(result.events[0], "status"), password == "s3cret" ? "success" : "failed");
    }
}

TEST(SipExchange, EnumerationIsAggregatedAndRepliesStayUnderTheAmplificationBound) {
    DatagramDialogue d("sip", {}, 5060);
    std::vector<std::string> types;
    for (int ext = 300; ext < 330; ++ext)
        for (const auto& e :
             d.exchange(request("REGISTER", std::to_string(ext)), 40000, "198.51.100.9").events)
            types.push_back(e.event_type);
    // Four requests, then one enumeration event at 5, 10 and 20 distinct extensions.
    EXPECT_EQ(std::count(types.begin(), types.end(), "request"), 4);
    EXPECT_EQ(std::count(types.begin(), types.end(), "enumeration"), 3);

    // A tiny request is not worth an 8x bigger reply.
    const auto tiny = d.exchange("OPTIONS sip:x SIP/2.0\r\n\r\n");
    EXPECT_TRUE(tiny.replies.empty());
    const auto junk = d.exchange("\x01\x02 not sip");
    EXPECT_TRUE(junk.replies.empty());
    EXPECT_EQ(event_types(junk.events), std::vector<std::string>{"parse_error"});
}

}  // namespace
}  // namespace decnet::honeypot
