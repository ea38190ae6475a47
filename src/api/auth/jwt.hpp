// HS256 JSON Web Tokens as the reference issues and checks them (api.md §2.1): claims
// uuid, iat, exp; only HS256 is accepted (alg "none" and every other algorithm are
// refused), exp/nbf/iat checked with zero leeway, tokens carrying "aud" refused.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::api::auth {

// What a valid token says: its uuid, and the exp claim (none: it never expires). iat and
// nbf only ever become more true, so a token valid now stays valid until `expires`.
struct VerifiedToken {
    std::string uuid;
    std::optional<double> expires;
};

class JwtCodec {
  public:
    JwtCodec(std::string secret, std::chrono::seconds lifetime);

    // A token for `uuid` issued at `now` (Unix seconds), expiring `lifetime` later.
    std::string issue(const std::string& uuid, std::int64_t now) const;
    std::string issue(const std::string& uuid) const;

    // The uuid claim of a valid token, else nullopt (bad shape, signature, algorithm,
    // expired, not yet valid, audience, missing/non-string uuid).
    std::optional<std::string> verify(std::string_view token, std::int64_t now) const;
    std::optional<std::string> verify(std::string_view token) const;
    std::optional<VerifiedToken> verify_token(std::string_view token, std::int64_t now) const;

    std::chrono::seconds lifetime() const { return lifetime_; }

  private:
    std::string secret_;
    std::chrono::seconds lifetime_;
};

// header.payload.signature with HS256 over arbitrary JSON texts (tests forge tokens).
std::string sign_hs256(std::string_view header_json, std::string_view payload_json,
                       std::string_view secret);
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
std::int64_t unix_now();

}  // namespace decnet::api::auth
