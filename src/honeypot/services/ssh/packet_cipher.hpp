// PacketCipher: one direction of the SSH binary packet protocol (RFC 4253 §6) once keys are
// in place — the cipher and MAC the two sides negotiated, sealing outgoing packets and
// opening incoming ones. Covers what OpenSSH servers offer: chacha20-poly1305@openssh.com,
// aes{128,192,256}-ctr, aes{128,256}-gcm@openssh.com, aes-cbc and 3des-cbc of old releases,
// with hmac-sha1/-sha2-256/-sha2-512 and umac-64/-128, each also in its -etm@openssh.com
// form. The "none" cipher (before the first NEWKEYS) is PacketCipher::plain().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::honeypot::ssh {

// Key material of one direction, derived by the key exchange (RFC 4253 §7.2).
struct DirectionKeys {
    std::string iv, key, mac_key;
};

// Sizes a cipher/MAC pair needs from the key derivation.
struct KeySizes {
    std::size_t iv = 0, key = 0, mac_key = 0;
};

class PacketCipher {
  public:
    virtual ~PacketCipher() = default;

    // The cleartext cipher of the first key exchange.
    static std::unique_ptr<PacketCipher> plain();
    // nullptr when the pair is not one this server implements.
    static std::unique_ptr<PacketCipher> make(std::string_view cipher, std::string_view mac,
                                              const DirectionKeys& keys, bool encrypt);
    // Key sizes of the pair; nullopt when unsupported (an AEAD cipher ignores `mac`).
    static std::optional<KeySizes> key_sizes(std::string_view cipher, std::string_view mac);
    static bool supports_cipher(std::string_view cipher);
    static bool supports_mac(std::string_view mac);

    // Outgoing: `payload` framed (length, padding) and protected with sequence number `seq`.
    virtual std::string seal(std::uint32_t seq, std::string_view payload) = 0;

    // Incoming, in two steps: with the first `header_size()` bytes of a packet, its
    // packet_length (nullopt: the bytes cannot start a packet); then with all
    // 4 + packet_length + mac_size() bytes, the payload (nullopt: MAC or padding wrong).
    virtual std::size_t header_size() const = 0;
    virtual std::optional<std::uint32_t> packet_length(std::uint32_t seq,
                                                       std::string_view header) = 0;
    virtual std::size_t mac_size() const = 0;
    virtual std::optional<std::string> open(std::uint32_t seq, std::string_view packet) = 0;
};

// Largest packet_length accepted from a client (OpenSSH's PACKET_MAX_SIZE is 256 KiB).
constexpr std::uint32_t kMaxPacketLength = 256 * 1024;

}  // namespace decnet::honeypot::ssh
