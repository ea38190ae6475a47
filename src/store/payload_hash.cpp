#include "store/payload_hash.hpp"

#include <openssl/evp.h>

#include "store/repository.hpp"

namespace decnet::store {

std::string payload_hash(std::string_view payload) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(payload.data(), payload.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        throw StoreError("sha256 failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex(std::size_t{size} * 2, '0');
    for (unsigned i = 0; i < size; ++i) {
        hex[2 * i] = kHex[digest[i] >> 4];
        hex[2 * i + 1] = kHex[digest[i] & 0xf];
    }
    return hex;
}

}  // namespace decnet::store
