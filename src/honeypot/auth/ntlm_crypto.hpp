// The NTLM arithmetic the acceptor needs to check a password against a captured response and
// to derive the session key of an accepted logon (MS-NLMP §3.3.2, §3.4.5): the NT hash
// (MD4 of the UTF-16LE password; MD4 and RC4 are written here because OpenSSL 3 keeps them
// in its legacy provider), HMAC-MD5 and the NTLMv2 response.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace decnet::honeypot::ntlm_crypto {

using Key16 = std::array<std::uint8_t, 16>;

Key16 md4(std::string_view data);
Key16 nt_hash(std::string_view password);  // MD4(UTF-16LE(password))
Key16 hmac_md5(std::string_view key, std::string_view data);
// RC4 of `data` under `key` (the KEY_EXCH session key is sent RC4-encrypted).
std::string rc4(std::string_view key, std::string_view data);

// ResponseKeyNT = HMAC-MD5(NT hash, UTF-16LE(upper(user) + domain)).
Key16 ntlmv2_response_key(const Key16& nt_hash, std::string_view user, std::string_view domain);
// NTProofStr = HMAC-MD5(ResponseKeyNT, server challenge + blob); the NTLMv2 response is
// NTProofStr + blob.
Key16 ntproofstr(const Key16& response_key, std::string_view server_challenge,
                 std::string_view blob);

inline std::string_view view(const Key16& k) {
    return {reinterpret_cast<const char*>(k.data()), k.size()};
}

}  // namespace decnet::honeypot::ntlm_crypto
