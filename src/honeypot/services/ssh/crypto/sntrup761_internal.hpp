// sntrup761's building blocks ("NTRU Prime: round 3", §3-§4), exposed for the KEM
// (sntrup761.cpp) and for the unit tests: the parameters, the radix Encode/Decode and its
// R/q, Rounded and Small forms, and the arithmetic in R/q = Z_q[x]/(x^p - x - 1) and R/3.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace decnet::honeypot::ssh::sntrup {

constexpr int kP = 761;
constexpr int kQ = 4591;
constexpr int kW = 286;
constexpr int kQ12 = (kQ - 1) / 2;
constexpr std::size_t kRqBytes = 1158;
constexpr std::size_t kRoundedBytes = 1007;
constexpr std::size_t kSmallBytes = (kP + 3) / 4;  // 191
constexpr std::size_t kHashBytes = 32;

using Fq = std::array<std::int16_t, kP>;    // coefficients in [-kQ12, kQ12]
using Small = std::array<std::int8_t, kP>;  // coefficients in {-1, 0, 1}

// Encode(R, M) and Decode(S, M) of the spec (§4.1): R[i] < M[i] <= 2^14. Decode reads
// exactly the bytes Encode would write for M and answers values < M[i] whatever the bytes
// (garbage decodes to some element, it never fails); nullopt only when S is too short.
std::vector<unsigned char> encode(std::span<const std::uint16_t> r,
                                  std::span<const std::uint16_t> m);
std::optional<std::vector<std::uint16_t>> decode(std::span<const unsigned char> s,
                                                 std::span<const std::uint16_t> m);

void rq_encode(const Fq& h, std::span<unsigned char, kRqBytes> out);
Fq rq_decode(std::span<const unsigned char, kRqBytes> in);
// Rounded elements (multiples of 3) encode with M = (q + 2) / 3.
void rounded_encode(const Fq& c, std::span<unsigned char, kRoundedBytes> out);
Fq rounded_decode(std::span<const unsigned char, kRoundedBytes> in);
// Four coefficients a byte, each as f + 1 in two bits, low bits first.
void small_encode(const Small& f, std::span<unsigned char, kSmallBytes> out);
Small small_decode(std::span<const unsigned char, kSmallBytes> in);

// Short_fromlist: w entries of the sorted list become ±1, the rest 0 (§3.4 Short_random).
Small short_from_list(std::span<std::uint32_t, kP> list);
// Small_random's mapping of one 32-bit word to {-1, 0, 1}.
Small small_from_list(std::span<const std::uint32_t, kP> list);

Fq round(const Fq& a);  // each coefficient to the nearest multiple of 3
Fq rq_mult_small(const Fq& a, const Small& b);
Fq rq_mult3(const Fq& a);       // 3a
Small r3_from_rq(const Fq& a);  // each coefficient mod 3
Small r3_mult(const Small& a, const Small& b);
// Inverses (key generation only, so plain extended Euclid, not constant time).
std::optional<Small> r3_recip(const Small& a);
Fq rq_recip3(const Small& f);  // 1 / (3f): R/q is a field, f != 0 always invertible

}  // namespace decnet::honeypot::ssh::sntrup
