// bcrypt through libxcrypt (api.md §2.4): cost 12, "$2b$" hashes, the 72-byte rule. These
// calls take ~0.3 s each: call them on the crypto pool (crypto_pool.hpp), never on an
// I/O thread.
#pragma once

#include <string>
#include <string_view>

namespace decnet::api::auth {

inline constexpr int kBcryptCost = 12;
inline constexpr std::size_t kBcryptMaxBytes = 72;

// Throws std::runtime_error when libxcrypt fails (no entropy, unsupported prefix).
std::string bcrypt_hash(std::string_view password, int cost = kBcryptCost);
// False for a wrong password and for anything that is not a bcrypt hash.
bool bcrypt_verify(std::string_view password, const std::string& hash);

}  // namespace decnet::api::auth
