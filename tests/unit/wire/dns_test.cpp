// The DNS codec LLMNR and mDNS use: questions, compression, loops refused, responses.
#include "wire/dns.hpp"

#include <gtest/gtest.h>

#include <string>

namespace decnet::wire::dns {
namespace {

using namespace std::string_literals;

std::string query(const std::string& name, std::uint16_t type) {
    std::string out = "\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"s;
    out += encode_name(name);
    out += static_cast<char>(type >> 8);
    out += static_cast<char>(type & 0xff);
    out += "\x00\x01"s;
    return out;
}

TEST(Dns, ParsesAQueryAndAnswersIt) {
    const auto parsed = parse(query("dc01", kTypeA));
    ASSERT_TRUE(parsed.message) << parsed.error;
    const auto& m = *parsed.message;
    EXPECT_EQ(m.id, 0x1234);
    EXPECT_FALSE(m.response());
    ASSERT_EQ(m.questions.size(), 1u);
    EXPECT_EQ(m.questions[0].name, "dc01");
    EXPECT_EQ(m.questions[0].type, kTypeA);
    const auto reply = encode_response(m, 0, {{"dc01", kTypeA, 30, "\x0a\x00\x00\x05"s}});
    const auto back = parse(reply);
    ASSERT_TRUE(back.message);
    EXPECT_TRUE(back.message->response());
    EXPECT_EQ(back.message->answers, 1);
    EXPECT_EQ(reply.substr(reply.size() - 4), "\x0a\x00\x00\x05"s);
}

TEST(Dns, FollowsBackwardPointersAndRefusesLoops) {
    // Question 1 "a.local", question 2 "b" + pointer to "local" (offset 14).
    std::string m = "\x00\x01\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00"s;
    m += "\x01"
         "a\x05"
         "local\x00\x00\x01\x00\x01"s;
    m += "\x01"
         "b\xc0\x0e\x00\x01\x00\x01"s;
    const auto parsed = parse(m);
    ASSERT_TRUE(parsed.message) << parsed.error;
    EXPECT_EQ(parsed.message->questions[1].name, "b.local");

    // A pointer to itself, and one pointing forward.
    const auto self = "\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01"s;
    EXPECT_EQ(parse(self).error, "compression loop");
    const auto forward = "\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0e\x01x\x00"s;
    EXPECT_EQ(parse(forward).error, "compression loop");
    EXPECT_EQ(parse("\x01\x02"s).error, "too short");
}

TEST(Dns, BoundsNameLengthAndTruncation) {
    std::string m = "\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"s;
    for (int i = 0; i < 10; ++i) m += "\x3f" + std::string(63, 'a');
    m += "\x00\x00\x01\x00\x01"s;
    EXPECT_EQ(parse(m).error, "name longer than 255 octets");
    EXPECT_FALSE(parse("\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05"
                       "ab"s)
                     .message);
    EXPECT_EQ(type_name(kTypeAaaa), "AAAA");
    EXPECT_EQ(type_name(999), "999");
}

}  // namespace
}  // namespace decnet::wire::dns
