// The LDAPv3 codec: framing, request decoding, bounds (length lies, deep filters), responses
// in liblber's/AD's 4-octet length form.
#include "wire/ldap.hpp"

#include <gtest/gtest.h>

#include <string>

#include "wire/ber.hpp"

namespace decnet::wire::ldap {
namespace {

using namespace std::string_literals;

std::string seq(std::uint8_t tag, const std::string& contents) {
    return ber::tlv(tag, contents);
}
std::string str(const std::string& s) {
    return ber::tlv(ber::kOctetString, s);
}
std::string integer(std::int64_t v, std::uint8_t tag = ber::kInteger) {
    return ber::tlv(tag, ber::integer_contents(v));
}

std::string search_request(const std::string& filter) {
    const auto op = seq(0x63, str("dc=corp,dc=local") + integer(2, ber::kEnumerated) +
                                  integer(0, ber::kEnumerated) + integer(0) + integer(0) +
                                  ber::tlv(0x01, "\x00"s) + filter +
                                  seq(ber::kSequence, str("cn") + str("mail")));
    return seq(ber::kSequence, integer(7) + op);
}

TEST(Ldap, DecodesASimpleBind) {
    const auto bytes =
        "\x30\x1d\x02\x01\x01\x60\x18\x02\x01\x03\x04\x0b"
        "cn=admin,dc"
        "\x80\x06"
        "S3cret"s;
    ASSERT_EQ(frame(bytes, 1024).status, Frame::Status::complete);
    const auto parsed = parse_message(bytes);
    ASSERT_TRUE(parsed.message) << parsed.error;
    EXPECT_EQ(parsed.message->id, 1);
    EXPECT_EQ(parsed.message->op, Op::bind_request);
    EXPECT_EQ(parsed.message->bind.version, 3);
    EXPECT_EQ(parsed.message->bind.name, "cn=admin,dc");
    EXPECT_TRUE(parsed.message->bind.simple);
    EXPECT_EQ(parsed.message->bind.password, "S3cret");
}

TEST(Ldap, DecodesASearchWithANestedFilterAndRendersItAsRfc4515) {
    // (&(objectClass=user)(|(cn=ad*min)(!(mail=*))))
    const auto eq = seq(0xa3, str("objectClass") + str("user"));
    const auto sub =
        seq(0xa4, str("cn") + seq(ber::kSequence, ber::tlv(0x80, "ad") + ber::tlv(0x82, "min")));
    const auto present = ber::tlv(0x87, "mail");
    const auto filter = seq(0xa0, eq + seq(0xa1, sub + seq(0xa2, present)));
    const auto parsed = parse_message(search_request(filter));
    ASSERT_TRUE(parsed.message) << parsed.error;
    const auto& s = parsed.message->search;
    EXPECT_EQ(s.base, "dc=corp,dc=local");
    EXPECT_EQ(s.scope, 2);
    EXPECT_EQ(s.attributes, (std::vector<std::string>{"cn", "mail"}));
    EXPECT_EQ(filter_to_string(s.filter), "(&(objectClass=user)(|(cn=ad*min)(!(mail=*))))");
}

TEST(Ldap, RefusesLengthLiesAndTooDeepFilters) {
    // A message announcing 2 GiB, and one larger than the caller allows.
    EXPECT_EQ(frame("\x30\x84\x7f\xff\xff\xff\x02"s, 1 << 20).status, Frame::Status::bad);
    EXPECT_EQ(frame("\x30\x85\x01\x00\x00\x00\x00"s, 1 << 20).status, Frame::Status::bad);
    EXPECT_EQ(frame("\x30\x80"s, 1 << 20).status, Frame::Status::bad);
    EXPECT_EQ(frame("\x04\x00"s, 1 << 20).status, Frame::Status::bad);
    EXPECT_EQ(frame("\x30\x84\x00\x00"s, 1 << 20).status, Frame::Status::need_more);
    // A BindRequest whose inner name claims more than the message holds.
    EXPECT_FALSE(
        parse_message("\x30\x0c\x02\x01\x01\x60\x07\x02\x01\x03\x04\x7f\x80\x00"s).message);
    // 40 nested NOTs.
    std::string filter = ber::tlv(0x87, "cn");
    for (int i = 0; i < 40; ++i) filter = seq(0xa2, filter);
    const auto deep = parse_message(search_request(filter));
    EXPECT_FALSE(deep.message);
    EXPECT_EQ(deep.error, "filter too deep");
    EXPECT_EQ(deep.id, 7);
}

TEST(Ldap, EncodesResponsesWithFourOctetLengthsAndControls) {
    const auto done =
        message(3, result_op(Op::search_done, result::success, "", ""),
                {{std::string(kPagedResultsOid), false, paged_results_value(0, "5")}});
    EXPECT_EQ(done.substr(0, 2), "\x30\x84"s);
    const auto parsed = ber::Reader(done).next();
    ASSERT_TRUE(parsed);
    ber::Reader body(parsed->second);
    EXPECT_EQ(body.integer("id"), 3);
    const auto op = body.next();
    ASSERT_TRUE(op);
    EXPECT_EQ(op->first, 0x65);
    const auto controls = body.expect(0xa0, "controls");
    ASSERT_TRUE(controls);
    const auto paged = parse_paged_results(paged_results_value(10, "abc"));
    ASSERT_TRUE(paged);
    EXPECT_EQ(paged->first, 10);
    EXPECT_EQ(paged->second, "abc");
    const auto entry = search_entry_op("dc=x", {{"dc", {"x"}}});
    EXPECT_EQ(entry.substr(0, 2), "\x64\x84"s);
}

}  // namespace
}  // namespace decnet::wire::ldap
