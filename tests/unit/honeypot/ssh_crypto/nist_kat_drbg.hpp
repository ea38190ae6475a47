// The deterministic generator NIST's PQC known-answer tests draw from: CTR_DRBG with AES-256,
// no derivation function, no reseeding (SP 800-90A §10.2.1), seeded with 48 bytes. Each
// generate call takes counter blocks then updates key and counter, so the split of the draws
// matters, not only their total. Test-only.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <stdexcept>

#include <openssl/evp.h>

namespace decnet::honeypot::ssh::testing {

class NistKatDrbg {
  public:
    explicit NistKatDrbg(std::span<const unsigned char, 48> seed) { update(seed.data()); }

    void generate(unsigned char* out, std::size_t n) {
        while (n > 0) {
            std::array<unsigned char, 16> block;
            increment();
            encrypt(v_.data(), block.data());
            const std::size_t take = n < 16 ? n : 16;
            std::copy_n(block.begin(), take, out);
            out += take;
            n -= take;
        }
        update(nullptr);
    }

  private:
    void increment() {
        for (int i = 15; i >= 0; --i)
            if (++v_[i] != 0) break;
    }

    void encrypt(const unsigned char* in, unsigned char* out) const {
        std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)> ctx(EVP_CIPHER_CTX_new(),
                                                                       EVP_CIPHER_CTX_free);
        int len = 0;
        if (!ctx ||
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_ecb(), nullptr, key_.data(), nullptr) != 1 ||
            EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
            EVP_EncryptUpdate(ctx.get(), out, &len, in, 16) != 1)
            throw std::runtime_error("AES-256 unavailable");
    }

    // CTR_DRBG_Update: three counter blocks, xored with the provided data, become key || V.
    void update(const unsigned char* provided) {
        std::array<unsigned char, 48> temp;
        for (int i = 0; i < 3; ++i) {
            increment();
            encrypt(v_.data(), temp.data() + 16 * i);
        }
        if (provided)
            for (std::size_t i = 0; i < temp.size(); ++i) temp[i] ^= provided[i];
        std::copy_n(temp.begin(), 32, key_.begin());
        std::copy_n(temp.begin() + 32, 16, v_.begin());
    }

    std::array<unsigned char, 32> key_{};
    std::array<unsigned char, 16> v_{};
};

}  // namespace decnet::honeypot::ssh::testing
