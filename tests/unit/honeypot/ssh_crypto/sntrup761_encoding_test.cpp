// sntrup761's encodings and arithmetic on their own: sizes, hand-checked small cases,
// decode(encode(x)) on random vectors, garbage that still decodes, inverses and weights.
#include <random>

#include <gtest/gtest.h>

#include "honeypot/services/ssh/crypto/sntrup761_internal.hpp"

namespace decnet::honeypot::ssh::sntrup {
namespace {

std::mt19937 rng(761);

Fq random_fq() {
    std::uniform_int_distribution<int> d(-kQ12, kQ12);
    Fq a{};
    for (auto& x : a) x = static_cast<std::int16_t>(d(rng));
    return a;
}

Small random_small() {
    std::uniform_int_distribution<int> d(-1, 1);
    Small a{};
    for (auto& x : a) x = static_cast<std::int8_t>(d(rng));
    return a;
}

std::array<std::uint32_t, kP> random_words() {
    std::array<std::uint32_t, kP> w{};
    for (auto& x : w) x = static_cast<std::uint32_t>(rng());
    return w;
}

TEST(SntrupEncoding, HandCheckedSmallCases) {
    const std::vector<std::uint16_t> none;
    EXPECT_TRUE(encode(none, none).empty());
    // One value: little-endian bytes while the modulus exceeds 1.
    const std::vector<std::uint16_t> r1{4000}, m1{kQ};
    EXPECT_EQ(encode(r1, m1), (std::vector<unsigned char>{0xa0, 0x0f}));
    const std::vector<std::uint16_t> m_trivial{1}, r_trivial{0};
    EXPECT_TRUE(encode(r_trivial, m_trivial).empty());
    // A pair: 7 + 10 * 3 = 37 with modulus 30 < 16384: no byte until the last value.
    const std::vector<std::uint16_t> r2{7, 3}, m2{10, 3};
    EXPECT_EQ(encode(r2, m2), (std::vector<unsigned char>{37}));
    // A pair above 16384: q*q = 21077281 emits two bytes, leaving 322, which takes two more.
    const std::vector<std::uint16_t> r3{1, 2}, m3{kQ, kQ};
    const std::uint32_t v = 1 + kQ * 2;  // 9183 = 0x23df
    EXPECT_EQ(encode(r3, m3), (std::vector<unsigned char>{0xdf, 0x23, 0, 0}));
    EXPECT_EQ(decode(encode(r3, m3), m3), r3) << v;
}

TEST(SntrupEncoding, SizesMatchTheParameterSet) {
    std::array<unsigned char, kRqBytes> pk{};
    std::array<unsigned char, kRoundedBytes> ct{};
    const std::vector<std::uint16_t> rq(kP, kQ), rounded(kP, (kQ + 2) / 3), zeros(kP, 0);
    EXPECT_EQ(encode(zeros, rq).size(), kRqBytes);
    EXPECT_EQ(encode(zeros, rounded).size(), kRoundedBytes);
    rq_encode(random_fq(), pk);
    rounded_encode(round(random_fq()), ct);
    EXPECT_EQ(kSmallBytes, 191u);
}

TEST(SntrupEncoding, DecodeInvertsEncode) {
    for (int trial = 0; trial < 20; ++trial) {
        const Fq h = random_fq();
        std::array<unsigned char, kRqBytes> pk{};
        rq_encode(h, pk);
        EXPECT_EQ(rq_decode(pk), h);

        const Fq c = round(random_fq());
        std::array<unsigned char, kRoundedBytes> ct{};
        rounded_encode(c, ct);
        EXPECT_EQ(rounded_decode(ct), c);

        const Small f = random_small();
        std::array<unsigned char, kSmallBytes> sk{};
        small_encode(f, sk);
        EXPECT_EQ(small_decode(sk), f);
    }
    // Arbitrary moduli and lengths, including odd ones and moduli of 1.
    std::uniform_int_distribution<int> len(0, 40), mod(1, 16384);
    for (int trial = 0; trial < 500; ++trial) {
        std::vector<std::uint16_t> m(len(rng)), r(m.size());
        for (std::size_t i = 0; i < m.size(); ++i) {
            m[i] = static_cast<std::uint16_t>(mod(rng));
            r[i] = static_cast<std::uint16_t>(rng() % m[i]);
        }
        const auto bytes = encode(r, m);
        EXPECT_EQ(decode(bytes, m), r);
        if (!bytes.empty()) {
            EXPECT_FALSE(decode(std::span(bytes).first(bytes.size() - 1), m));
        }
    }
}

TEST(SntrupEncoding, GarbageStillDecodesInRange) {
    std::array<unsigned char, kRqBytes> pk;
    pk.fill(0xff);
    for (auto x : rq_decode(pk)) EXPECT_TRUE(x >= -kQ12 && x <= kQ12);
    std::array<unsigned char, kRoundedBytes> ct;
    ct.fill(0xff);
    for (auto x : rounded_decode(ct)) EXPECT_TRUE(x >= -kQ12 && x <= kQ12 && x % 3 == 0);
}

TEST(SntrupArithmetic, RoundGivesNearestMultipleOfThree) {
    Fq a{};
    a[0] = kQ12;
    a[1] = -kQ12;
    a[2] = 4;
    a[3] = -4;
    a[4] = 5;
    const Fq r = round(a);
    EXPECT_EQ(r[0], kQ12);
    EXPECT_EQ(r[1], -kQ12);
    EXPECT_EQ(r[2], 3);
    EXPECT_EQ(r[3], -3);
    EXPECT_EQ(r[4], 6);
}

TEST(SntrupArithmetic, ProductReducesByXpEqualsXPlusOne) {
    Fq a{};
    Small b{};
    a[kP - 1] = 1;  // x^(p-1) * x = x^p = x + 1
    b[1] = 1;
    const Fq c = rq_mult_small(a, b);
    Fq want{};
    want[0] = 1;
    want[1] = 1;
    EXPECT_EQ(c, want);
}

TEST(SntrupArithmetic, ShortFromListHasWeightW) {
    for (int trial = 0; trial < 20; ++trial) {
        auto words = random_words();
        const Small s = short_from_list(words);
        int weight = 0;
        for (auto x : s) weight += x != 0;
        EXPECT_EQ(weight, kW);
    }
    // Sorting: all-zero words keep the ±1 entries first (value 0 < 1 in the low bits).
    std::array<std::uint32_t, kP> zeros{};
    const Small s = short_from_list(zeros);
    for (int i = 0; i < kP; ++i) EXPECT_EQ(s[i], i < kW ? -1 : 0) << i;
}

TEST(SntrupArithmetic, InversesInvert) {
    Small one{};
    one[0] = 1;
    int found = 0;
    for (int trial = 0; trial < 4; ++trial) {
        const Small g = small_from_list(random_words());
        if (const auto ginv = r3_recip(g)) {
            EXPECT_EQ(r3_mult(g, *ginv), one);
            ++found;
        }
    }
    EXPECT_GT(found, 0);
    Small zero{};
    EXPECT_FALSE(r3_recip(zero));

    auto words = random_words();
    const Small f = short_from_list(words);
    const Fq finv = rq_recip3(f);  // 1 / (3 f): so finv * f * 3 = 1
    Fq want{};
    want[0] = 1;
    EXPECT_EQ(rq_mult3(rq_mult_small(finv, f)), want);
}

}  // namespace
}  // namespace decnet::honeypot::ssh::sntrup
