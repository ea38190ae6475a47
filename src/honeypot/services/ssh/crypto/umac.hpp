// UMAC (RFC 4418) as OpenSSH's umac.c uses it for umac-64@openssh.com and
// umac-128@openssh.com (and their -etm variants): 16-byte key, the 8-byte nonce is the packet
// sequence number as a 64-bit big-endian value, tags of 8 or 16 bytes. OpenSSL 3.0 has no
// UMAC, so the hash layers (NH, POLY64, inner product) are written here; AES-128 from OpenSSL
// derives the keys and the pad.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <openssl/types.h>

namespace decnet::honeypot::ssh {

// Messages up to 16 MiB: longer ones need POLY128 (RFC 4418 §5.3), which OpenSSH's umac.c
// does not implement either ("does not work properly on messages larger than 16MB"). SSH
// packets are far smaller (OpenSSH caps them at 256 KiB).
constexpr std::size_t kUmacMaxMessage = std::size_t{1} << 24;

class Umac {
  public:
    // Derives every subkey once; tag() then costs no allocation. tag_bytes is 8 or 16
    // (std::invalid_argument otherwise: a programming error, the MAC name fixes it).
    Umac(std::span<const unsigned char, 16> key, std::size_t tag_bytes);
    ~Umac();
    Umac(Umac&&) noexcept;
    Umac& operator=(Umac&&) noexcept;

    std::size_t tag_bytes() const { return streams_ * 4; }

    // The tag of `message` for packet number `seq`; out.size() must be tag_bytes() and
    // message.size() at most kUmacMaxMessage (std::length_error otherwise).
    void tag(std::uint64_t seq, std::span<const unsigned char> message,
             std::span<unsigned char> out);

  private:
    static constexpr std::size_t kMaxStreams = 4;

    std::uint64_t stream_hash(std::size_t stream, std::span<const unsigned char> message) const;
    void pad(std::uint64_t seq, std::span<unsigned char> out);

    std::size_t streams_;                                // tag_bytes / 4 (RFC "iters")
    std::vector<std::uint32_t> nh_key_;                  // L1: 256 + 4*(streams-1) words
    std::array<std::uint64_t, kMaxStreams> poly_key_{};  // L2: masked 64-bit keys
    std::array<std::array<std::uint64_t, 8>, kMaxStreams> ip_key_{};  // L3-1, mod 2^36-5
    std::array<std::uint32_t, kMaxStreams> ip_trans_{};               // L3-2
    std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)> pdf_;  // AES-128 with K'
    // Consecutive packet numbers share one AES block for 8-byte tags: keep the last one.
    std::array<unsigned char, 16> pad_in_{};
    std::array<unsigned char, 16> pad_out_{};
    bool pad_valid_ = false;
};

}  // namespace decnet::honeypot::ssh
