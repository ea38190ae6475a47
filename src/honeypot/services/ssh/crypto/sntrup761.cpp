// sntrup761's KEM layer (round 3 spec §3.5 "Streamlined NTRU Prime Core" and §3.6 KEM):
// hashing with prefix bytes, Hide (encrypt + confirm), and the three operations. Byte layouts:
//   pk = Rq_encode(h)                                           1158
//   sk = Small(f) || Small(1/g) || pk || rho || Hash(4, pk)     191+191+1158+191+32 = 1763
//   ct = Rounded_encode(Round(h r)) || HashConfirm(r, pk)      1007+32 = 1039
#include "honeypot/services/ssh/crypto/sntrup761.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "honeypot/services/ssh/crypto/sntrup761_internal.hpp"

namespace decnet::honeypot::ssh {

namespace {

using namespace sntrup;
using Hash = std::array<unsigned char, kHashBytes>;
using Bytes = std::span<const unsigned char>;

constexpr std::size_t kSkPk = 2 * kSmallBytes;          // where pk starts in sk
constexpr std::size_t kSkRho = kSkPk + kRqBytes;        // then rho
constexpr std::size_t kSkCache = kSkRho + kSmallBytes;  // then Hash(4, pk)
static_assert(kSkCache + kHashBytes == kSntrupSecretKeyBytes);
static_assert(kRoundedBytes + kHashBytes == kSntrupCiphertextBytes);
// Key generation retries g until it is invertible mod 3 (most are); the cap only bounds a
// broken RandomFn.
constexpr int kMaxKeygenTries = 1000;

// Hash_prefix(b, x): the first 32 bytes of SHA-512(b || x), x given in two parts.
Hash hash_prefix(unsigned char b, Bytes first, Bytes second = {}) {
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha512(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), &b, 1) != 1 ||
        EVP_DigestUpdate(ctx.get(), first.data(), first.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), second.data(), second.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1 || len != 64)
        throw std::runtime_error("sntrup761: SHA-512 unavailable");
    Hash out;
    std::copy_n(digest, out.size(), out.begin());
    return out;
}

void random_bytes(const RandomFn& random, unsigned char* out, std::size_t n) {
    if (random) {
        random(out, n);
    } else if (RAND_bytes(out, static_cast<int>(n)) != 1) {
        throw std::runtime_error("sntrup761: RAND_bytes failed");
    }
}

// p little-endian 32-bit words from one draw.
std::array<std::uint32_t, kP> random_words(const RandomFn& random) {
    std::array<unsigned char, 4 * kP> bytes;
    random_bytes(random, bytes.data(), bytes.size());
    std::array<std::uint32_t, kP> words;
    for (int i = 0; i < kP; ++i)
        words[i] = std::uint32_t{bytes[4 * i]} | std::uint32_t{bytes[4 * i + 1]} << 8 |
                   std::uint32_t{bytes[4 * i + 2]} << 16 | std::uint32_t{bytes[4 * i + 3]} << 24;
    return words;
}

Small short_random(const RandomFn& random) {
    auto words = random_words(random);
    return short_from_list(words);
}

// Hide: r's encoding, and the ciphertext Round(h r) || HashConfirm = Hash(2, Hash(3, r) || cache).
void hide(const Small& r, std::span<const unsigned char, kRqBytes> pk, const Hash& cache,
          std::span<unsigned char, kSmallBytes> r_enc,
          std::span<unsigned char, kSntrupCiphertextBytes> ct) {
    small_encode(r, r_enc);
    const Fq c = round(rq_mult_small(rq_decode(pk), r));
    rounded_encode(c, ct.first<kRoundedBytes>());
    const Hash inner = hash_prefix(3, r_enc);
    const Hash confirm = hash_prefix(2, inner, cache);
    std::copy(confirm.begin(), confirm.end(), ct.begin() + kRoundedBytes);
}

// HashSession(b, y, z) = Hash(b, Hash(3, y) || z): b = 1 for a good ciphertext, 0 otherwise.
void hash_session(unsigned char b, Bytes r_enc, Bytes ct, std::span<unsigned char, 32> out) {
    const Hash session = hash_prefix(b, hash_prefix(3, r_enc), ct);
    std::copy(session.begin(), session.end(), out.begin());
}

// Decrypt: e = 3 f c mod 3 = g r, r = e / g; a result of the wrong weight becomes the fixed
// (1,..,1,0,..,0), which the re-encryption check then rejects.
Small decrypt(const Fq& c, const Small& f, const Small& ginv) {
    const Small e = r3_from_rq(rq_mult3(rq_mult_small(c, f)));
    const Small ev = r3_mult(e, ginv);
    int weight = 0;
    for (auto x : ev) weight += x & 1;
    // 0 when the weight is w, -1 otherwise (no branch on the secret).
    const int bad = -static_cast<int>(static_cast<unsigned>((weight - kW) | (kW - weight)) >> 31);
    Small r{};
    for (int i = 0; i < kP; ++i) {
        const int v = i < kW ? ((ev[i] ^ 1) & ~bad) ^ 1 : ev[i] & ~bad;
        r[i] = static_cast<std::int8_t>(v);
    }
    return r;
}

}  // namespace

bool sntrup761_encapsulate(std::span<const unsigned char> public_key,
                           std::span<unsigned char, kSntrupCiphertextBytes> ciphertext,
                           std::span<unsigned char, kSntrupSharedBytes> shared,
                           const RandomFn& random) {
    if (public_key.size() != kSntrupPublicKeyBytes) return false;
    const std::span<const unsigned char, kRqBytes> pk(public_key.data(), kRqBytes);
    const Hash cache = hash_prefix(4, pk);
    Small r = short_random(random);
    std::array<unsigned char, kSmallBytes> r_enc;
    hide(r, pk, cache, r_enc, ciphertext);
    hash_session(1, r_enc, ciphertext, shared);
    // r is the session key's only secret input: do not leave it on the stack.
    OPENSSL_cleanse(r.data(), r.size());
    OPENSSL_cleanse(r_enc.data(), r_enc.size());
    return true;
}

void sntrup761_keypair(std::span<unsigned char, kSntrupPublicKeyBytes> pk,
                       std::span<unsigned char, kSntrupSecretKeyBytes> sk, const RandomFn& random) {
    // g until it is invertible in R/3, then f; h = g / (3 f). The reference's draw order.
    Small g{};
    std::optional<Small> ginv;
    for (int tries = 0; !ginv; ++tries) {
        if (tries == kMaxKeygenTries) throw std::runtime_error("sntrup761: no invertible g");
        g = small_from_list(random_words(random));
        ginv = r3_recip(g);
    }
    const Small f = short_random(random);
    rq_encode(rq_mult_small(rq_recip3(f), g), pk);
    small_encode(f, sk.first<kSmallBytes>());
    small_encode(*ginv, sk.subspan<kSmallBytes, kSmallBytes>());
    std::copy(pk.begin(), pk.end(), sk.begin() + kSkPk);
    random_bytes(random, sk.data() + kSkRho, kSmallBytes);
    const Hash cache = hash_prefix(4, pk);
    std::copy(cache.begin(), cache.end(), sk.begin() + kSkCache);
}

void sntrup761_decapsulate(std::span<const unsigned char, kSntrupCiphertextBytes> ct,
                           std::span<const unsigned char, kSntrupSecretKeyBytes> sk,
                           std::span<unsigned char, kSntrupSharedBytes> shared) {
    const Small f = small_decode(sk.first<kSmallBytes>());
    const Small ginv = small_decode(sk.subspan<kSmallBytes, kSmallBytes>());
    const auto pk = sk.subspan<kSkPk, kRqBytes>();
    const auto rho = sk.subspan<kSkRho, kSmallBytes>();
    Hash cache;
    std::copy_n(sk.begin() + kSkCache, cache.size(), cache.begin());

    const Small r = decrypt(rounded_decode(ct.first<kRoundedBytes>()), f, ginv);
    std::array<unsigned char, kSmallBytes> r_enc;
    std::array<unsigned char, kSntrupCiphertextBytes> again;
    hide(r, pk, cache, r_enc, again);

    unsigned diff = 0;
    for (std::size_t i = 0; i < again.size(); ++i) diff |= ct[i] ^ again[i];
    // 0 when equal, 0xff otherwise; on mismatch rho replaces r (implicit rejection).
    const auto mask = static_cast<unsigned char>(-static_cast<int>((((diff - 1) >> 8) & 1) ^ 1));
    for (std::size_t i = 0; i < kSmallBytes; ++i) r_enc[i] ^= mask & (r_enc[i] ^ rho[i]);
    hash_session(static_cast<unsigned char>(1 + static_cast<signed char>(mask)), r_enc, ct, shared);
    OPENSSL_cleanse(r_enc.data(), r_enc.size());
}

}  // namespace decnet::honeypot::ssh
