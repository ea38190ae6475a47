// The llmnr responder: the decky's own name answered unicast with its address (LLMNR and
// mDNS legacy unicast), other names logged as suspect and left unanswered, garbage logged.
#include <gtest/gtest.h>

#include "honeypot/services/registry.hpp"
#include "support/dialogue.hpp"
#include "wire/dns.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::DatagramDialogue;
using decnet::testing::event_types;
using decnet::testing::field;
namespace dns = wire::dns;

std::string query(const std::string& name, std::uint16_t type = dns::kTypeA) {
    std::string out = "\xbe\xef\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"s;
    out += dns::encode_name(name);
    out += static_cast<char>(type >> 8);
    out += static_cast<char>(type & 0xff);
    out += "\x00\x01"s;
    return out;
}

TEST(LlmnrExchange, AnswersTheDeckysOwnNameAndFlagsOthers) {
    DatagramDialogue llmnr("llmnr", {}, 5355);
    const auto own = llmnr.exchange(query("WEB-PROD-03"));
    ASSERT_EQ(own.replies.size(), 1u);
    const auto answer = dns::parse(own.replies[0]);
    ASSERT_TRUE(answer.message);
    EXPECT_TRUE(answer.message->response());
    EXPECT_EQ(answer.message->id, 0xbeef);
    EXPECT_EQ(answer.message->answers, 1);
    EXPECT_EQ(own.replies[0].substr(own.replies[0].size() - 4), "\x7f\x00\x00\x01"s);
    ASSERT_EQ(event_types(own.events), std::vector<std::string>{"query"});
    EXPECT_EQ(field(own.events[0], "proto"), "LLMNR");
    EXPECT_EQ(field(own.events[0], "answered"), "True");
    EXPECT_EQ(field(own.events[0], "suspect"), "False");

    const auto wpad = llmnr.exchange(query("wpad"));
    EXPECT_TRUE(wpad.replies.empty());
    EXPECT_EQ(field(wpad.events.at(0), "name"), "wpad");
    EXPECT_EQ(field(wpad.events.at(0), "suspect"), "True");

    // AAAA of our own name: an empty answer (no IPv6), so the asker stops waiting.
    const auto v6 = llmnr.exchange(query("web-prod-03", dns::kTypeAaaa));
    ASSERT_EQ(v6.replies.size(), 1u);
    EXPECT_EQ(dns::parse(v6.replies[0]).message->answers, 0);
    EXPECT_EQ(field(v6.events.at(0), "qtype"), "AAAA");
}

TEST(LlmnrExchange, MdnsAnswersDotLocalAndLogsGarbage) {
    DatagramDialogue mdns("llmnr", {}, 5353);
    const auto own = mdns.exchange(query("web-prod-03.local"));
    ASSERT_EQ(own.replies.size(), 1u);
    EXPECT_EQ(field(own.events.at(0), "proto"), "mDNS");
    const auto garbage = mdns.exchange("\x01\x02"s);
    EXPECT_TRUE(garbage.replies.empty());
    ASSERT_EQ(event_types(garbage.events), std::vector<std::string>{"raw_packet"});
    EXPECT_EQ(field(garbage.events[0], "error"), "too short");
    EXPECT_EQ(field(garbage.events[0], "data"), "0102");
    // A loop: refused, logged, no answer.
    const auto loop =
        mdns.exchange("\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01"s);
    EXPECT_EQ(field(loop.events.at(0), "error"), "compression loop");
}

}  // namespace
}  // namespace decnet::honeypot
