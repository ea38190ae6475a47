// SMB2/3 message signing (MS-SMB2 §3.1.4.1, §3.2.5.3): the signing key of a session from its
// NTLM session key (2.x: the key itself; 3.0/3.0.2: SP800-108 KDF "SMB2AESCMAC"/"SmbSign";
// 3.1.1: KDF "SMBSigningKey" over the session's preauth integrity hash), HMAC-SHA256 (2.x)
// or AES-128-CMAC (3.x) signatures, and the SHA-512 preauth integrity hash chain.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace decnet::honeypot::smb {

using PreauthHash = std::array<std::uint8_t, 64>;
using Key = std::array<std::uint8_t, 16>;

// H' = SHA-512(H || message).
PreauthHash preauth_update(const PreauthHash& hash, std::string_view message);

Key signing_key(std::uint16_t dialect, const Key& session_key, const PreauthHash& preauth);

// Sets SMB2_FLAGS_SIGNED and writes the signature into `message` (one message of a frame).
void sign_message(std::string& message, std::uint16_t dialect, const Key& key);

}  // namespace decnet::honeypot::smb
