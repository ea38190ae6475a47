// sntrup761's byte encodings (round 3 spec §4.1): the mixed-radix Encode/Decode that packs
// values < M[i] pairwise until one remains, and its R/q, Rounded and Small uses.
#include <algorithm>

#include "honeypot/services/ssh/crypto/sntrup761_internal.hpp"

namespace decnet::honeypot::ssh::sntrup {

namespace {

constexpr std::uint32_t kLimit = 16384;  // a pair is emitted bytewise until its modulus is below

std::uint32_t next_modulus(std::uint32_t m) {
    return (m + 255) >> 8;
}

}  // namespace

// Encode(R, M) = bytes of the pairs || Encode(R2, M2): a tail call, so a loop here.
std::vector<unsigned char> encode(std::span<const std::uint16_t> r,
                                  std::span<const std::uint16_t> m) {
    std::vector<unsigned char> out;
    std::vector<std::uint32_t> values(r.begin(), r.end()), moduli(m.begin(), m.end());
    while (moduli.size() > 1) {
        std::vector<std::uint32_t> values2, moduli2;
        for (std::size_t i = 0; i + 1 < moduli.size(); i += 2) {
            std::uint32_t mod = moduli[i] * moduli[i + 1];
            std::uint32_t val = values[i] + moduli[i] * values[i + 1];
            while (mod >= kLimit) {
                out.push_back(static_cast<unsigned char>(val));
                val >>= 8;
                mod = next_modulus(mod);
            }
            values2.push_back(val);
            moduli2.push_back(mod);
        }
        if (moduli.size() % 2 == 1) {
            values2.push_back(values.back());
            moduli2.push_back(moduli.back());
        }
        values = std::move(values2);
        moduli = std::move(moduli2);
    }
    if (moduli.size() == 1) {
        for (std::uint32_t val = values[0], mod = moduli[0]; mod > 1; mod = next_modulus(mod)) {
            out.push_back(static_cast<unsigned char>(val));
            val >>= 8;
        }
    }
    return out;
}

namespace {

// Decode over 32-bit moduli (the reduced pairs); depth is log2(len) (10 for p = 761).
std::optional<std::vector<std::uint32_t>> decode32(std::span<const unsigned char> s,
                                                   const std::vector<std::uint32_t>& moduli) {
    std::vector<std::uint32_t> out;
    if (moduli.empty()) return out;
    std::size_t k = 0;
    if (moduli.size() == 1) {
        std::uint64_t val = 0;
        for (std::uint32_t mod = moduli[0]; mod > 1; mod = next_modulus(mod), ++k) {
            if (k >= s.size()) return std::nullopt;
            val |= std::uint64_t{s[k]} << (8 * k);
        }
        out.push_back(static_cast<std::uint32_t>(val % moduli[0]));
        return out;
    }
    struct Bottom {
        std::uint64_t value, scale;
    };
    std::vector<Bottom> bottoms;
    std::vector<std::uint32_t> moduli2;
    for (std::size_t i = 0; i + 1 < moduli.size(); i += 2) {
        std::uint32_t mod = moduli[i] * moduli[i + 1];
        Bottom b{0, 1};
        while (mod >= kLimit) {
            if (k >= s.size()) return std::nullopt;
            b.value += s[k++] * b.scale;
            b.scale *= 256;
            mod = next_modulus(mod);
        }
        bottoms.push_back(b);
        moduli2.push_back(mod);
    }
    if (moduli.size() % 2 == 1) moduli2.push_back(moduli.back());
    const auto top = decode32(s.subspan(k), moduli2);
    if (!top) return std::nullopt;
    for (std::size_t i = 0; i + 1 < moduli.size(); i += 2) {
        // Reduced mod both moduli: only needed for bytes no Encode produced.
        const std::uint64_t val = bottoms[i / 2].value + bottoms[i / 2].scale * (*top)[i / 2];
        out.push_back(static_cast<std::uint32_t>(val % moduli[i]));
        out.push_back(static_cast<std::uint32_t>(val / moduli[i] % moduli[i + 1]));
    }
    if (moduli.size() % 2 == 1) out.push_back(top->back());
    return out;
}

template <std::size_t N>
void encode_into(const Fq& a, std::uint16_t modulus, int (*digit)(int),
                 std::span<unsigned char, N> out) {
    std::vector<std::uint16_t> r(kP), m(kP, modulus);
    for (int i = 0; i < kP; ++i) r[i] = static_cast<std::uint16_t>(digit(a[i]));
    const auto bytes = encode(r, m);
    std::copy_n(bytes.begin(), std::min(bytes.size(), N), out.begin());
}

std::vector<std::uint16_t> decode_all(std::span<const unsigned char> in, std::uint16_t modulus) {
    const std::vector<std::uint16_t> m(kP, modulus);
    return decode(in, m).value_or(std::vector<std::uint16_t>(kP, 0));
}

constexpr std::uint16_t kRoundedModulus = (kQ + 2) / 3;

}  // namespace

std::optional<std::vector<std::uint16_t>> decode(std::span<const unsigned char> s,
                                                 std::span<const std::uint16_t> m) {
    const auto values = decode32(s, std::vector<std::uint32_t>(m.begin(), m.end()));
    if (!values) return std::nullopt;
    return std::vector<std::uint16_t>(values->begin(), values->end());
}

void rq_encode(const Fq& h, std::span<unsigned char, kRqBytes> out) {
    encode_into(
        h, kQ, +[](int c) { return c + kQ12; }, out);
}

Fq rq_decode(std::span<const unsigned char, kRqBytes> in) {
    const auto r = decode_all(in, kQ);
    Fq h{};
    for (int i = 0; i < kP; ++i) h[i] = static_cast<std::int16_t>(r[i] - kQ12);
    return h;
}

void rounded_encode(const Fq& c, std::span<unsigned char, kRoundedBytes> out) {
    encode_into(
        c, kRoundedModulus, +[](int v) { return (v + kQ12) / 3; }, out);
}

Fq rounded_decode(std::span<const unsigned char, kRoundedBytes> in) {
    const auto r = decode_all(in, kRoundedModulus);
    Fq c{};
    for (int i = 0; i < kP; ++i) c[i] = static_cast<std::int16_t>(r[i] * 3 - kQ12);
    return c;
}

void small_encode(const Small& f, std::span<unsigned char, kSmallBytes> out) {
    for (std::size_t i = 0; i < kSmallBytes; ++i) {
        unsigned byte = 0;
        for (std::size_t j = 0; j < 4 && 4 * i + j < kP; ++j)
            byte |= static_cast<unsigned>(f[4 * i + j] + 1) << (2 * j);
        out[i] = static_cast<unsigned char>(byte);
    }
}

Small small_decode(std::span<const unsigned char, kSmallBytes> in) {
    Small f{};
    for (std::size_t i = 0; i < kP; ++i)
        f[i] = static_cast<std::int8_t>(((in[i / 4] >> (2 * (i % 4))) & 3) - 1);
    return f;
}

}  // namespace decnet::honeypot::ssh::sntrup
