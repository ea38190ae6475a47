// Checks a captured NetNTLMv2 hashcat line (mode 5600: user::domain:challenge:ntproofstr:blob)
// against a password as hashcat would: NTProofStr = HMAC-MD5(HMAC-MD5(NT hash, UTF-16LE(
// upper(user) + domain)), challenge + blob). For tests proving a bounty is crackable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "events/event.hpp"
#include "honeypot/auth/ntlm_crypto.hpp"

namespace decnet::testing {

inline bool netntlmv2_matches(std::string_view line, std::string_view password) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const auto colon = line.find(':', start);
        parts.emplace_back(line.substr(start, colon - start));
        if (colon == std::string_view::npos) break;
        start = colon + 1;
    }
    if (parts.size() != 6) return false;
    const auto bytes = [](const std::string& hex) {
        std::string out(hex.size() / 2, '\0');
        if (!from_hex(hex, {reinterpret_cast<std::uint8_t*>(out.data()), out.size()}))
            return std::string();
        return out;
    };
    namespace crypto = honeypot::ntlm_crypto;
    const auto key = crypto::ntlmv2_response_key(crypto::nt_hash(password), parts[0], parts[2]);
    const auto proof = crypto::ntproofstr(key, bytes(parts[3]), bytes(parts[5]));
    return to_hex(proof) == parts[4];
}

}  // namespace decnet::testing
