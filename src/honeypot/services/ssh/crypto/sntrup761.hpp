// Streamlined NTRU Prime sntrup761 ("NTRU Prime: round 3", the KEM OpenSSH 9.x combines with
// X25519 as sntrup761x25519-sha512@openssh.com). OpenSSL 3.0 has none, so it lives here: the
// server needs encapsulation; key generation and decapsulation prove the round trip in tests.
#pragma once

#include <cstddef>
#include <functional>
#include <span>

namespace decnet::honeypot::ssh {

constexpr std::size_t kSntrupPublicKeyBytes = 1158, kSntrupSecretKeyBytes = 1763,
                      kSntrupCiphertextBytes = 1039, kSntrupSharedBytes = 32;

// Fills the buffer with random bytes. Empty means OpenSSL's RAND_bytes. Tests inject a
// deterministic one; each sampler (Short_random, Small_random, rho) asks for its bytes in one
// call, as the NIST KAT-producing implementations do, so the NIST DRBG reproduces the KAT.
using RandomFn = std::function<void(unsigned char*, std::size_t)>;

// Encapsulates against the client's public key: ciphertext (1007-byte rounded encoding ||
// 32-byte confirmation) and the 32-byte session key. False only when the key is not 1158
// bytes: every 1158-byte string decodes to some key (garbage gives a useless but harmless
// ciphertext), as in the reference. Throws std::runtime_error if OpenSSL's RNG fails.
bool sntrup761_encapsulate(std::span<const unsigned char> public_key,
                           std::span<unsigned char, kSntrupCiphertextBytes> ciphertext,
                           std::span<unsigned char, kSntrupSharedBytes> shared,
                           const RandomFn& random = {});

void sntrup761_keypair(std::span<unsigned char, kSntrupPublicKeyBytes> pk,
                       std::span<unsigned char, kSntrupSecretKeyBytes> sk,
                       const RandomFn& random = {});

// Implicit rejection: a ciphertext that does not re-encrypt to itself yields a key derived
// from the secret rho instead of an error (the peer's session then fails on its MACs).
void sntrup761_decapsulate(std::span<const unsigned char, kSntrupCiphertextBytes> ct,
                           std::span<const unsigned char, kSntrupSecretKeyBytes> sk,
                           std::span<unsigned char, kSntrupSharedBytes> shared);

}  // namespace decnet::honeypot::ssh
