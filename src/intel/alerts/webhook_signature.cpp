// HMAC-SHA256 through OpenSSL's one-shot HMAC().
#include "intel/alerts/webhook_signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <span>
#include <stdexcept>

#include "events/event.hpp"

namespace decnet::intel::alerts {

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
             &size) == nullptr)
        throw std::runtime_error("HMAC-SHA256 failed");
    return to_hex(std::span<const std::uint8_t>(mac, size));
}

std::string webhook_signature(std::string_view secret, std::string_view timestamp,
                              std::string_view body) {
    std::string signed_text;
    signed_text.reserve(timestamp.size() + 1 + body.size());
    signed_text.append(timestamp).append(".").append(body);
    return "sha256=" + hmac_sha256_hex(secret, signed_text);
}

}  // namespace decnet::intel::alerts
