// The shared BER codec: reading, bounds, writing.
#include "wire/ber.hpp"

#include <gtest/gtest.h>

#include <string>

namespace decnet::wire::ber {
namespace {

using namespace std::string_literals;

TEST(Ber, ReadsNestedTlvsWithOneReaderPerLevel) {
    // SEQUENCE { INTEGER 5, OCTET STRING "ab" }
    const auto message =
        "\x30\x07\x02\x01\x05\x04\x02"
        "ab"s;
    Reader outer(message);
    const auto sequence = outer.expect(kSequence, "SEQUENCE");
    ASSERT_TRUE(sequence);
    EXPECT_TRUE(outer.empty());
    Reader inner(*sequence);
    EXPECT_EQ(inner.integer("n"), 5);
    EXPECT_EQ(inner.expect(kOctetString, "text"), "ab");
    EXPECT_TRUE(inner.empty());
}

TEST(Ber, RefusesLengthsThatLieAndStopsAtTheFirstFailure) {
    const auto lie = "\x04\x84\x7f\xff\xff\xff\x00"s;  // the Reader only views it
    Reader lying(lie);
    EXPECT_FALSE(lying.next());
    EXPECT_EQ(lying.error(), "length beyond data");
    EXPECT_FALSE(lying.next());
    EXPECT_EQ(lying.error(), "length beyond data");
    EXPECT_EQ(Reader("\x04\x80"s).next(), std::nullopt);      // indefinite
    EXPECT_EQ(Reader("\x1f\x01\x00"s).next(), std::nullopt);  // multi-byte tag
    EXPECT_EQ(Reader("\x04\x85\x00\x00\x00\x00\x01\x00"s).next(), std::nullopt);
}

TEST(Ber, IntegersAreMinimalTwosComplement) {
    for (const std::int64_t v :
         {0LL, 1LL, 127LL, 128LL, -1LL, -128LL, -129LL, 1LL << 40,
          static_cast<long long>(INT64_MIN), static_cast<long long>(INT64_MAX)})
        EXPECT_EQ(decode_integer(integer_contents(v)), v) << v;
    EXPECT_EQ(integer_contents(128), "\x00\x80"s);
    EXPECT_EQ(integer_contents(-1), "\xff"s);
    EXPECT_FALSE(decode_integer(""));
    EXPECT_FALSE(decode_integer("123456789"));
}

TEST(Ber, OidsRoundTripAndAreBounded) {
    const Oid sys_descr = {1, 3, 6, 1, 2, 1, 1, 1, 0};
    EXPECT_EQ(oid_contents(sys_descr), "\x2b\x06\x01\x02\x01\x01\x01\x00"s);
    std::string error;
    EXPECT_EQ(decode_oid(oid_contents(sys_descr), error), sys_descr);
    EXPECT_EQ(oid_to_string(sys_descr), "1.3.6.1.2.1.1.1.0");
    EXPECT_EQ(oid_from_string("1.3.6.1.2.1.1.1.0"), sys_descr);
    EXPECT_FALSE(decode_oid("\x2b\x86"s, error));  // truncated arc
    EXPECT_EQ(error, "truncated OID");
    EXPECT_FALSE(decode_oid("\x2b\xff\xff\xff\xff\x7f"s, error));
    EXPECT_FALSE(decode_oid(std::string(kMaxOidArcs + 1, '\x01'), error));
}

TEST(Ber, LongLengthsAreWrittenInDefiniteForm) {
    const std::string body(300, 'x');
    const auto encoded = tlv(kOctetString, body);  // kept: the Reader views it
    EXPECT_EQ(encoded.substr(0, 4), "\x04\x82\x01\x2c"s);
    Reader r(encoded);
    EXPECT_EQ(r.expect(kOctetString, "body"), body);
}

TEST(Ber, WellFormedWalksNestingWithoutRecursion) {
    // 1000 nested SEQUENCEs: well formed, but deeper than any protocol here allows.
    std::string nested = "\x05\x00"s;
    for (int i = 0; i < 1000; ++i) nested = tlv(kSequence, nested);
    EXPECT_FALSE(well_formed(nested, 32));
    std::string shallow = "\x05\x00"s;
    for (int i = 0; i < 10; ++i) shallow = tlv(kSequence, shallow);
    EXPECT_TRUE(well_formed(shallow, 32));
    EXPECT_FALSE(well_formed("\x30\x03\x02\x05\x00"s, 32));  // inner length lies
}

}  // namespace
}  // namespace decnet::wire::ber
