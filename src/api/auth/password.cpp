// crypt_gensalt_rn + crypt_r: thread-safe (state in crypt_data), salt from the OS.
#include "api/auth/password.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <memory>
#include <optional>
#include <stdexcept>

namespace decnet::api::auth {
namespace {

// The first 72 bytes, as the reference's bcrypt library uses them (a multi-byte
// character may be cut). crypt() reads a C string, so the copy also ends at a NUL.
std::string truncated(std::string_view password) {
    return std::string(password.substr(0, kBcryptMaxBytes));
}

// crypt_data is ~32 KiB: on the heap, not on a pool thread's stack.
std::optional<std::string> run_crypt(const std::string& phrase, const char* setting) {
    auto data = std::make_unique<crypt_data>();
    const char* out = crypt_r(phrase.c_str(), setting, data.get());
    if (out == nullptr || out[0] == '*') return std::nullopt;  // "*0"/"*1": failure tokens
    return std::string(out);
}

}  // namespace

std::string bcrypt_hash(std::string_view password, int cost) {
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (crypt_gensalt_rn("$2b$", cost, nullptr, 0, setting, sizeof setting) == nullptr)
        throw std::runtime_error("bcrypt: crypt_gensalt_rn failed");
    auto hash = run_crypt(truncated(password), setting);
    if (!hash) throw std::runtime_error("bcrypt: crypt_r failed");
    return *hash;
}

bool bcrypt_verify(std::string_view password, const std::string& hash) {
    if (!hash.starts_with("$2")) return false;
    const auto computed = run_crypt(truncated(password), hash.c_str());
    return computed && computed->size() == hash.size() &&
           CRYPTO_memcmp(computed->data(), hash.data(), hash.size()) == 0;
}

}  // namespace decnet::api::auth
