// UMAC per RFC 4418 §3-§5: Tag = PDF(K, nonce) xor UHASH(K, M). Each 32-bit "stream" of
// UHASH is NH over 1024-byte chunks (L1), POLY64 over the chunk hashes when there is more
// than one chunk (L2), then an inner product mod 2^36-5 (L3). Byte order follows the RFC:
// message words are little-endian (its ENDIAN-SWAP), keys and outputs big-endian.
#include "honeypot/services/ssh/crypto/umac.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <openssl/evp.h>

namespace decnet::honeypot::ssh {

namespace {

constexpr std::size_t kChunk = 1024;  // L1 key length, and the NH chunk size
constexpr std::uint64_t kP36 = (std::uint64_t{1} << 36) - 5;
constexpr std::uint64_t kP64 = ~std::uint64_t{0} - 58;  // 2^64 - 59
constexpr std::uint64_t kPolyMask = 0x01ffffff01ffffffULL;
constexpr std::uint64_t kPolyMaxWord = ~std::uint64_t{0} << 32;  // 2^64 - 2^32

std::uint32_t load_be32(const unsigned char* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
std::uint64_t load_be64(const unsigned char* p) {
    return std::uint64_t{load_be32(p)} << 32 | load_be32(p + 4);
}
std::uint32_t load_le32(const unsigned char* p) {
    return std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
}
void store_be32(unsigned char* p, std::uint32_t v) {
    for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<unsigned char>(v);
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)>;

CipherCtx aes128(const unsigned char* key) {
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, key, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
        throw std::runtime_error("umac: AES-128 unavailable");
    return ctx;
}

void encrypt_block(EVP_CIPHER_CTX* ctx, const unsigned char* in, unsigned char* out) {
    int len = 0;
    if (EVP_EncryptUpdate(ctx, out, &len, in, 16) != 1 || len != 16)
        throw std::runtime_error("umac: AES-128 failed");
}

// RFC 4418 §3.2.1 KDF: AES(K, index as 8 bytes || counter as 8 bytes), counter from 1.
std::vector<unsigned char> kdf(EVP_CIPHER_CTX* ctx, std::uint8_t index, std::size_t bytes) {
    std::vector<unsigned char> out((bytes + 15) / 16 * 16);
    unsigned char block[16] = {};
    block[7] = index;
    for (std::size_t i = 0; i < out.size() / 16; ++i) {
        const auto counter = static_cast<std::uint32_t>(i + 1);
        store_be32(block + 12, counter);
        encrypt_block(ctx, block, out.data() + 16 * i);
    }
    out.resize(bytes);
    return out;
}

// RFC 4418 §5.2.2 NH over `len` bytes (a multiple of 32), plus the chunk's bit length.
std::uint64_t nh(const std::uint32_t* key, const unsigned char* data, std::size_t len,
                 std::uint64_t bit_length) {
    std::uint64_t y = 0;
    for (std::size_t i = 0; i < len / 4; i += 8) {
        for (std::size_t j = 0; j < 4; ++j) {
            const std::uint32_t a = load_le32(data + 4 * (i + j)) + key[i + j];
            const std::uint32_t b = load_le32(data + 4 * (i + j + 4)) + key[i + j + 4];
            y += std::uint64_t{a} * b;
        }
    }
    return y + bit_length;
}

std::uint64_t mulmod_p64(std::uint64_t a, std::uint64_t b) {
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(a) * b % kP64);
}

// One POLY64 step (RFC 4418 §5.3.1): words at or above 2^64 - 2^32 go in as a marker
// (p - 1) followed by the word minus the offset 59, so each word is taken mod p uniquely.
std::uint64_t poly64_step(std::uint64_t y, std::uint64_t key, std::uint64_t word) {
    if (word >= kPolyMaxWord) {
        y = (mulmod_p64(key, y) + (kP64 - 1)) % kP64;
        return (mulmod_p64(key, y) + (word - 59)) % kP64;
    }
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(mulmod_p64(key, y)) + word) %
                                      kP64);
}

}  // namespace

Umac::Umac(std::span<const unsigned char, 16> key, std::size_t tag_bytes)
    : streams_(tag_bytes / 4), pdf_(nullptr, EVP_CIPHER_CTX_free) {
    if (tag_bytes != 8 && tag_bytes != 16)
        throw std::invalid_argument("umac: tag length must be 8 or 16");
    const CipherCtx base = aes128(key.data());

    const auto l1 = kdf(base.get(), 1, kChunk + (streams_ - 1) * 16);
    nh_key_.resize(l1.size() / 4);
    for (std::size_t i = 0; i < nh_key_.size(); ++i) nh_key_[i] = load_be32(&l1[4 * i]);

    const auto l2 = kdf(base.get(), 2, streams_ * 24);
    const auto l3a = kdf(base.get(), 3, streams_ * 64);
    const auto l3b = kdf(base.get(), 4, streams_ * 4);
    for (std::size_t s = 0; s < streams_; ++s) {
        poly_key_[s] = load_be64(&l2[24 * s]) & kPolyMask;
        for (std::size_t j = 0; j < 8; ++j) ip_key_[s][j] = load_be64(&l3a[64 * s + 8 * j]) % kP36;
        ip_trans_[s] = load_be32(&l3b[4 * s]);
    }
    pdf_ = aes128(kdf(base.get(), 0, 16).data());
}

Umac::~Umac() = default;
Umac::Umac(Umac&&) noexcept = default;
Umac& Umac::operator=(Umac&&) noexcept = default;

// UHASH for one stream (RFC 4418 §5.1, one iteration): 32 bits.
std::uint64_t Umac::stream_hash(std::size_t stream, std::span<const unsigned char> message) const {
    const std::uint32_t* key = nh_key_.data() + 4 * stream;
    const std::size_t full = message.empty() ? 0 : (message.size() - 1) / kChunk;
    // The last chunk (possibly empty) is zero-padded to a positive multiple of 32 bytes.
    const std::size_t tail = message.size() - full * kChunk;
    unsigned char last[kChunk] = {};
    std::memcpy(last, message.data() + full * kChunk, tail);
    const std::size_t padded = tail == 0 ? 32 : (tail + 31) / 32 * 32;
    const std::uint64_t last_nh = nh(key, last, padded, 8 * tail);

    // L2: only when there is more than one chunk; otherwise the L3 input is 0^64 || NH.
    std::uint64_t l2 = last_nh;
    if (full > 0) {
        std::uint64_t y = 1;
        for (std::size_t c = 0; c < full; ++c)
            y = poly64_step(y, poly_key_[stream],
                            nh(key, message.data() + c * kChunk, kChunk, 8 * kChunk));
        l2 = poly64_step(y, poly_key_[stream], last_nh);
    }

    // L3 over the 16-byte 0^64 || l2: the upper eight 16-bit words are zero.
    std::uint64_t sum = 0;
    for (std::size_t j = 0; j < 4; ++j)
        sum += ip_key_[stream][4 + j] * ((l2 >> (48 - 16 * j)) & 0xffff);
    return static_cast<std::uint32_t>(sum % kP36) ^ ip_trans_[stream];
}

// RFC 4418 §3.3 PDF: the nonce is the big-endian sequence number padded with zeros. For
// 8-byte tags its low bit picks which half of the AES block is the pad (and is cleared in
// the block), so packets 2k and 2k+1 share one AES call.
void Umac::pad(std::uint64_t seq, std::span<unsigned char> out) {
    std::array<unsigned char, 16> in{};
    const std::uint64_t nonce = streams_ == 2 ? seq & ~std::uint64_t{1} : seq;
    for (int i = 0; i < 8; ++i) in[i] = static_cast<unsigned char>(nonce >> (56 - 8 * i));
    if (!pad_valid_ || in != pad_in_) {
        encrypt_block(pdf_.get(), in.data(), pad_out_.data());
        pad_in_ = in;
        pad_valid_ = true;
    }
    const std::size_t offset = streams_ == 2 ? 8 * (seq & 1) : 0;
    std::memcpy(out.data(), pad_out_.data() + offset, out.size());
}

void Umac::tag(std::uint64_t seq, std::span<const unsigned char> message,
               std::span<unsigned char> out) {
    if (out.size() != tag_bytes()) throw std::invalid_argument("umac: wrong tag buffer size");
    if (message.size() > kUmacMaxMessage) throw std::length_error("umac: message too long");
    pad(seq, out);
    for (std::size_t s = 0; s < streams_; ++s) {
        unsigned char word[4];
        store_be32(word, static_cast<std::uint32_t>(stream_hash(s, message)));
        for (int i = 0; i < 4; ++i) out[4 * s + i] ^= word[i];
    }
}

}  // namespace decnet::honeypot::ssh
