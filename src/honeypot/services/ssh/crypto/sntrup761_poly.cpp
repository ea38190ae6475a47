// sntrup761's arithmetic: products in R/q and R/3 (schoolbook, then x^p = x + 1), rounding,
// the sorting-based fixed-weight sampler, and the inverses key generation needs. What runs
// on secrets during encapsulation and decapsulation has no secret-dependent branch.
#include <algorithm>
#include <cstring>

#include "honeypot/services/ssh/crypto/sntrup761_internal.hpp"

namespace decnet::honeypot::ssh::sntrup {

namespace {

// The product and the sorting network run the same steps whatever the values (that is what
// keeps them constant-time): a fuzzer learns nothing from their branches, and their indices
// are fixed loop bounds (the product's sums far inside 32 bits), so the sanitizers have
// nothing to find either. Instrumented, they were 90 % of fuzz_sntrup761's time. They are
// not inlined, or their callers' instrumentation would cover them again, and use raw
// arrays inside: an instrumented operator[] would not be inlined into them.
#if defined(__clang__)
#define DECNET_UNINSTRUMENTED __attribute__((no_sanitize("coverage", "address", "undefined")))
#else
#define DECNET_UNINSTRUMENTED
#endif

// x mod q, centred in [-kQ12, kQ12], without branches.
std::int16_t fq_freeze(std::int32_t x) {
    std::int32_t r = x % kQ;  // in (-q, q)
    r += kQ & (r >> 31);      // [0, q)
    r -= kQ & ((kQ12 - r) >> 31);
    return static_cast<std::int16_t>(r);
}

// x mod 3, centred in {-1, 0, 1}, without branches.
std::int8_t f3_freeze(std::int32_t x) {
    std::int32_t r = x % 3;
    r += 3 & (r >> 31);
    r -= 3 & ((1 - r) >> 31);
    return static_cast<std::int8_t>(r);
}

// The product of two polynomials of degree < p, reduced by x^p = x + 1 (top down, so every
// folded term lands below p). |a| <= q/2 and |b| <= 1 keep the sums far inside 32 bits.
template <typename A, typename B>
[[gnu::noinline]] DECNET_UNINSTRUMENTED std::array<std::int32_t, kP> mult_reduce(const A& a_in,
                                                                                 const B& b_in) {
    const auto* a = a_in.data();
    const auto* b = b_in.data();
    std::int32_t prod[2 * kP - 1] = {};
    for (int i = 0; i < kP; ++i) {
        const std::int32_t ai = a[i];
        for (int j = 0; j < kP; ++j) prod[i + j] += ai * b[j];
    }
    for (int k = 2 * kP - 2; k >= kP; --k) {
        prod[k - kP] += prod[k];
        prod[k - kP + 1] += prod[k];
    }
    std::array<std::int32_t, kP> out;
    std::memcpy(out.data(), prod, sizeof out);
    return out;
}

// Branch-free compare-and-swap: after it, a <= b.
DECNET_UNINSTRUMENTED void min_max(std::uint32_t& a, std::uint32_t& b) {
    const std::uint64_t diff = std::uint64_t{b} - a;
    const std::uint32_t mask = 0u - static_cast<std::uint32_t>(diff >> 63);  // all ones if b < a
    const std::uint32_t t = (a ^ b) & mask;
    a ^= t;
    b ^= t;
}

// Batcher's merge-exchange sort (Knuth, TAOCP vol. 3, 5.2.2 Algorithm M): a fixed sequence
// of compare-and-swaps for any n, so the time does not depend on the (secret) values.
[[gnu::noinline]] DECNET_UNINSTRUMENTED void sort_network(std::uint32_t* v, std::size_t n) {
    if (n < 2) return;
    std::size_t top = 1;
    while (top < n) top <<= 1;
    for (std::size_t p = top >> 1; p > 0; p >>= 1) {
        std::size_t q = top >> 1, r = 0, d = p;
        for (;;) {
            for (std::size_t i = 0; i + d < n; ++i)
                if ((i & p) == r) min_max(v[i], v[i + d]);
            if (q == p) break;
            d = q - p;
            q >>= 1;
            r = p;
        }
    }
}

int inverse_mod(int x, int m) {  // x^(m-2) mod m, m prime
    int result = 1, base = x % m;
    for (int e = m - 2; e > 0; e >>= 1) {
        if (e & 1) result = result * base % m;
        base = base * base % m;
    }
    return result;
}

int degree(const std::vector<int>& v, int from) {
    while (from >= 0 && v[from] == 0) --from;
    return from;
}

// The inverse of a (coefficients in [0, m)) modulo x^p - x - 1 over Z_m, by the extended
// Euclidean algorithm; nullopt when they share a factor. Invariant: t_i * a = r_i (mod P).
std::optional<std::vector<int>> invert(const std::vector<int>& a, int m) {
    const int size = 2 * kP + 2;
    std::vector<int> r0(size, 0), r1(size, 0), t0(size, 0), t1(size, 0);
    r0[0] = m - 1;
    r0[1] = m - 1;
    r0[kP] = 1;
    std::copy(a.begin(), a.end(), r1.begin());
    t1[0] = 1;
    int d0 = kP, d1 = degree(r1, kP);
    while (d1 >= 0) {
        const int lead_inverse = inverse_mod(r1[d1], m);
        while (d0 >= d1) {
            const int c = r0[d0] * lead_inverse % m;
            const int shift = d0 - d1;
            for (int i = 0; i <= d1; ++i) r0[i + shift] = (r0[i + shift] + (m - c) * r1[i]) % m;
            for (int i = 0; i + shift < size; ++i)
                t0[i + shift] = (t0[i + shift] + (m - c) * t1[i]) % m;
            d0 = degree(r0, d0);
        }
        std::swap(r0, r1);
        std::swap(t0, t1);
        std::swap(d0, d1);
    }
    if (d0 != 0) return std::nullopt;  // gcd is not a unit
    const int scale = inverse_mod(r0[0], m);
    std::vector<int> out(kP);
    for (int i = 0; i < kP; ++i) out[i] = t0[i] * scale % m;
    return out;
}

}  // namespace

Small short_from_list(std::span<std::uint32_t, kP> list) {
    // Even words become ±1, words = 1 (mod 4) become 0; sorting then shuffles them.
    for (int i = 0; i < kW; ++i) list[i] &= ~std::uint32_t{1};
    for (int i = kW; i < kP; ++i) list[i] = (list[i] & ~std::uint32_t{2}) | 1;
    sort_network(list.data(), list.size());
    Small out{};
    for (int i = 0; i < kP; ++i) out[i] = static_cast<std::int8_t>(int(list[i] & 3) - 1);
    return out;
}

Small small_from_list(std::span<const std::uint32_t, kP> list) {
    Small out{};
    for (int i = 0; i < kP; ++i)
        out[i] = static_cast<std::int8_t>(int(((list[i] & 0x3fffffff) * 3) >> 30) - 1);
    return out;
}

Fq round(const Fq& a) {
    Fq out{};
    for (int i = 0; i < kP; ++i) out[i] = static_cast<std::int16_t>(a[i] - f3_freeze(a[i]));
    return out;
}

Fq rq_mult_small(const Fq& a, const Small& b) {
    const auto prod = mult_reduce(a, b);
    Fq out{};
    for (int i = 0; i < kP; ++i) out[i] = fq_freeze(prod[i]);
    return out;
}

Fq rq_mult3(const Fq& a) {
    Fq out{};
    for (int i = 0; i < kP; ++i) out[i] = fq_freeze(3 * a[i]);
    return out;
}

Small r3_from_rq(const Fq& a) {
    Small out{};
    for (int i = 0; i < kP; ++i) out[i] = f3_freeze(a[i]);
    return out;
}

Small r3_mult(const Small& a, const Small& b) {
    const auto prod = mult_reduce(a, b);
    Small out{};
    for (int i = 0; i < kP; ++i) out[i] = f3_freeze(prod[i]);
    return out;
}

std::optional<Small> r3_recip(const Small& a) {
    std::vector<int> in(kP);
    for (int i = 0; i < kP; ++i) in[i] = (a[i] + 3) % 3;
    const auto inv = invert(in, 3);
    if (!inv) return std::nullopt;
    Small out{};
    for (int i = 0; i < kP; ++i) out[i] = f3_freeze((*inv)[i]);
    return out;
}

Fq rq_recip3(const Small& f) {
    std::vector<int> in(kP);
    for (int i = 0; i < kP; ++i) in[i] = (3 * f[i] + kQ) % kQ;
    const auto inv = invert(in, kQ);
    Fq out{};
    if (inv)
        for (int i = 0; i < kP; ++i) out[i] = fq_freeze((*inv)[i]);
    return out;
}

}  // namespace decnet::honeypot::ssh::sntrup
