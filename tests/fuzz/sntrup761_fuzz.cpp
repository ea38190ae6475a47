// sntrup761 on attacker bytes: the client's public key (any length, and any 1158 bytes),
// and arbitrary ciphertexts against a fixed key pair. Never crashes; encapsulation fails
// only on the length; decapsulation of garbage still yields a key (implicit rejection).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "honeypot/services/ssh/crypto/sntrup761.hpp"

namespace ssh = decnet::honeypot::ssh;

namespace {

// Deterministic randomness, so a crash reproduces from its input alone.
void counter_random(unsigned char* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(i * 131 + 7);
}

struct KeyPair {
    std::array<unsigned char, ssh::kSntrupPublicKeyBytes> pk{};
    std::array<unsigned char, ssh::kSntrupSecretKeyBytes> sk{};
    KeyPair() { ssh::sntrup761_keypair(pk, sk, counter_random); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::array<unsigned char, ssh::kSntrupCiphertextBytes> ct{};
    std::array<unsigned char, ssh::kSntrupSharedBytes> shared{};
    const bool ok = ssh::sntrup761_encapsulate({data, size}, ct, shared, counter_random);
    if (ok != (size == ssh::kSntrupPublicKeyBytes)) std::abort();

    // The input cycled to exactly one public key, and to one ciphertext.
    if (size == 0) return 0;
    std::array<unsigned char, ssh::kSntrupPublicKeyBytes> pk{};
    for (std::size_t i = 0; i < pk.size(); ++i) pk[i] = data[i % size];
    if (!ssh::sntrup761_encapsulate(pk, ct, shared, counter_random)) std::abort();

    static const KeyPair keys;
    for (std::size_t i = 0; i < ct.size(); ++i) ct[i] = data[i % size];
    ssh::sntrup761_decapsulate(ct, keys.sk, shared);
    return 0;
}
