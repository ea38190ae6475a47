// SMB2/3 signing (see smb_signing.hpp).
#include "honeypot/services/smb/smb_signing.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace decnet::honeypot::smb {
namespace {

std::array<std::uint8_t, 32> hmac_sha256(const Key& key, std::string_view data) {
    std::array<std::uint8_t, 32> out{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
    return out;
}

Key aes_cmac(const Key& key, std::string_view data) {
    Key out{};
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
    EVP_MAC_CTX* ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    char cipher[] = "AES-128-CBC";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
                           OSSL_PARAM_construct_end()};
    std::size_t len = 0;
    if (ctx && EVP_MAC_init(ctx, key.data(), key.size(), params) &&
        EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()))
        EVP_MAC_final(ctx, out.data(), &len, out.size());
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return out;
}

// SP800-108 counter mode, HMAC-SHA256, one block, L = 128.
Key kdf(const Key& key, std::string_view label, std::string_view context) {
    std::string input("\0\0\0\x01", 4);
    input += label;
    input += '\0';
    input += context;
    input += std::string("\0\0\0\x80", 4);
    const auto block = hmac_sha256(key, input);
    Key out{};
    std::copy(block.begin(), block.begin() + 16, out.begin());
    return out;
}

}  // namespace

PreauthHash preauth_update(const PreauthHash& hash, std::string_view message) {
    std::string input(reinterpret_cast<const char*>(hash.data()), hash.size());
    input += message;
    PreauthHash out{};
    unsigned int len = 0;
    EVP_Digest(input.data(), input.size(), out.data(), &len, EVP_sha512(), nullptr);
    return out;
}

Key signing_key(std::uint16_t dialect, const Key& session_key, const PreauthHash& preauth) {
    if (dialect < 0x0300) return session_key;
    if (dialect == 0x0311)
        return kdf(session_key, std::string_view("SMBSigningKey\0", 14),
                   std::string_view(reinterpret_cast<const char*>(preauth.data()), preauth.size()));
    return kdf(session_key, std::string_view("SMB2AESCMAC\0", 12),
               std::string_view("SmbSign\0", 8));
}

void sign_message(std::string& message, std::uint16_t dialect, const Key& key) {
    if (message.size() < 64) return;
    message[16] = static_cast<char>(message[16] | 0x08);
    std::fill(message.begin() + 48, message.begin() + 64, '\0');
    Key signature{};
    if (dialect < 0x0300) {
        const auto full = hmac_sha256(key, message);
        std::copy(full.begin(), full.begin() + 16, signature.begin());
    } else {
        signature = aes_cmac(key, message);
    }
    std::copy(signature.begin(), signature.end(), message.begin() + 48);
}

}  // namespace decnet::honeypot::smb
