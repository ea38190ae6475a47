// The BSON codec: every type round-trips, lengths that lie, nesting bombs, element floods,
// truncation at every byte and invalid UTF-8 are refused or rendered safely.
#include "wire/bson.hpp"

#include <gtest/gtest.h>

namespace decnet::wire::bson {
namespace {

using namespace std::string_literals;

Document sample() {
    Document inner;
    inner.add("x", Value::i32(1));
    Document d;
    d.add("s", Value::str("héllo"))
        .add("i", Value::i32(-7))
        .add("l", Value::i64(1LL << 40))
        .add("d", Value::dbl(1.5))
        .add("b", Value::boolean(true))
        .add("n", Value::null())
        .add("t", Value::date(1700000000123))
        .add("o", Value::oid("0123456789ab"))
        .add("bin", Value::binary("\x00\x01"s, 4))
        .add("doc", Value::doc(inner))
        .add("arr", Value::array({Value::i32(1), Value::str("two")}));
    return d;
}

TEST(Bson, RoundTripsEveryTypeItWrites) {
    const auto bytes = encode(sample());
    EXPECT_EQ(peek_length(bytes), static_cast<std::int32_t>(bytes.size()));
    const auto decoded = decode(bytes);
    ASSERT_TRUE(decoded.document) << decoded.error;
    EXPECT_EQ(encode(*decoded.document), bytes);
    EXPECT_EQ(decoded.document->find("s")->bytes, "héllo");
    EXPECT_EQ(decoded.document->find("l")->integer, 1LL << 40);
    EXPECT_EQ(decoded.document->find("arr")->items().size(), 2u);
    EXPECT_EQ(decoded.document->find("bin")->subtype, 4);
    EXPECT_EQ(decoded.document->find("missing"), nullptr);
}

TEST(Bson, KnownBytes) {
    // {"hello": "world"} from bsonspec.org.
    const auto bytes = "\x16\x00\x00\x00\x02hello\x00\x06\x00\x00\x00world\x00\x00"s;
    const auto decoded = decode(bytes);
    ASSERT_TRUE(decoded.document);
    EXPECT_EQ(*decoded.document->find("hello")->as_string(), "world");
    EXPECT_EQ(encode(*decoded.document), bytes);
}

TEST(Bson, RefusesLyingLengths) {
    auto bytes = encode(sample());
    auto longer = bytes;
    longer[0] = static_cast<char>(longer[0] + 1);
    EXPECT_FALSE(decode(longer).document);
    EXPECT_FALSE(decode(bytes + "x").document);
    // A string claiming more than is left.
    const auto bad_string = "\x16\x00\x00\x00\x02hello\x00\xff\x00\x00\x00world\x00\x00"s;
    EXPECT_FALSE(decode(bad_string).document);
    const auto negative = "\x16\x00\x00\x00\x02hello\x00\xff\xff\xff\xffworld\x00\x00"s;
    EXPECT_FALSE(decode(negative).document);
    // Truncated at every byte: refused, never read past.
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        auto cut = bytes.substr(0, n);
        EXPECT_FALSE(decode(cut).document) << n;
        if (n >= 4) {
            cut[0] = static_cast<char>(n);
            (void)decode(cut);
        }
    }
    EXPECT_FALSE(decode("\x05\x00\x00\x00\x01"s).document);               // no terminating NUL
    EXPECT_FALSE(decode("\x08\x00\x00\x00\x42x\x00\x00"s).document);      // unknown type
    EXPECT_FALSE(decode("\x09\x00\x00\x00\x08x\x00\x02\x00"s).document);  // bad boolean
}

TEST(Bson, BoundsNestingAndElements) {
    Value v = Value::i32(1);
    for (int i = 0; i < 150; ++i) {
        Document d;
        d.add("a", std::move(v));
        v = Value::doc(std::move(d));
    }
    const auto deep = encode(v.document);
    const auto refused = decode(deep);
    EXPECT_FALSE(refused.document);
    EXPECT_NE(refused.error.find("nesting"), std::string::npos) << refused.error;
    Limits generous;
    generous.max_depth = 200;
    EXPECT_TRUE(decode(deep, generous).document);

    Document wide;
    for (int i = 0; i < 2000; ++i) wide.add("k", Value::null());
    Limits few;
    few.max_elements = 1000;
    EXPECT_FALSE(decode(encode(wide), few).document);
    EXPECT_TRUE(decode(encode(wide)).document);
    Limits small;
    small.max_size = 100;
    EXPECT_FALSE(decode(encode(wide), small).document);
}

TEST(Bson, JsonForLogsIsBoundedAndValidUtf8) {
    Document d;
    d.add("note", Value::str("pay 0.1 BTC \"now\"\n"))
        .add("bad", Value::str("\xff\xfe ok"))
        .add("arr", Value::array({Value::i32(1), Value::boolean(false)}))
        .add("o", Value::oid("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"));
    const auto json = to_json(d);
    EXPECT_EQ(json,
              R"({"note":"pay 0.1 BTC \"now\"\u000a","bad":"\ufffd\ufffd ok","arr":[1,false],)"
              R"("o":{"$oid":"0102030405060708090a0b0c"}})");
    EXPECT_TRUE(valid_utf8(json));
    EXPECT_FALSE(valid_utf8("\xc0\xaf"));
    Document big;
    big.add("s", Value::str(std::string(10000, 'a')));
    const auto cut = to_json(big, 100);
    EXPECT_LT(cut.size(), 200u);
    EXPECT_TRUE(cut.ends_with("…"));
}

}  // namespace
}  // namespace decnet::wire::bson
