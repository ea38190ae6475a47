// Every cipher/MAC pair the server offers seals a packet that the opposite direction (same
// keys) opens, and a flipped bit anywhere is refused.
#include "honeypot/services/ssh/packet_cipher.hpp"

#include <gtest/gtest.h>

#include <string>

namespace decnet::honeypot::ssh {
namespace {

DirectionKeys keys_for(std::string_view cipher, std::string_view mac) {
    const auto sizes = PacketCipher::key_sizes(cipher, mac);
    EXPECT_TRUE(sizes) << cipher << " " << mac;
    return {std::string(sizes->iv, 'i'), std::string(sizes->key, 'k'),
            std::string(sizes->mac_key, 'm')};
}

// Reads one sealed packet through the two-step incoming interface.
std::optional<std::string> open(PacketCipher& in, std::uint32_t seq, const std::string& wire) {
    const auto length = in.packet_length(seq, std::string_view(wire).substr(0, in.header_size()));
    if (!length) return std::nullopt;
    if (4 + *length + in.mac_size() != wire.size()) return std::nullopt;
    return in.open(seq, wire);
}

TEST(PacketCipher, EveryOfferedPairRoundTripsAndRefusesTampering) {
    const std::string payload = "\x5e payload of a channel data packet";
    for (const std::string_view cipher :
         {"chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr",
          "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-cbc", "aes256-cbc",
          "3des-cbc"}) {
        for (const std::string_view mac :
             {"hmac-sha2-256", "hmac-sha2-512-etm@openssh.com", "hmac-sha1", "umac-64@openssh.com",
              "umac-128-etm@openssh.com"}) {
            const auto k = keys_for(cipher, mac);
            auto out = PacketCipher::make(cipher, mac, k, true);
            auto in = PacketCipher::make(cipher, mac, k, false);
            ASSERT_TRUE(out && in) << cipher << " " << mac;
            for (std::uint32_t seq = 3; seq < 6; ++seq) {
                const auto wire = out->seal(seq, payload);
                const auto opened = open(*in, seq, wire);
                ASSERT_TRUE(opened) << cipher << " " << mac << " seq " << seq;
                EXPECT_EQ(*opened, payload);
            }
            // A fresh pair (stream state from the start): one bit flipped in the last byte.
            auto out2 = PacketCipher::make(cipher, mac, k, true);
            auto in2 = PacketCipher::make(cipher, mac, k, false);
            auto wire = out2->seal(9, payload);
            wire.back() ^= 1;
            EXPECT_FALSE(open(*in2, 9, wire)) << cipher << " " << mac;
        }
    }
}

TEST(PacketCipher, PlainFramingPadsToEightWithAtLeastFourBytes) {
    auto plain = PacketCipher::plain();
    const auto wire = plain->seal(0, std::string(10, 'x'));
    EXPECT_EQ(wire.size() % 8, 0u);
    EXPECT_GE(static_cast<unsigned char>(wire[4]), 4);
    EXPECT_EQ(*open(*plain, 0, wire), std::string(10, 'x'));
    EXPECT_FALSE(PacketCipher::make("blowfish-cbc", "hmac-sha1", {}, true));
}

}  // namespace
}  // namespace decnet::honeypot::ssh
