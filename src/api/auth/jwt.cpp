// HS256 with OpenSSL's one-shot HMAC; signatures compared in constant time.
#include "api/auth/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <nlohmann/json.hpp>

namespace decnet::api::auth {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &size);
    return std::string(reinterpret_cast<const char*>(mac.data()), size);
}

// A JSON number claim as integer seconds (PyJWT accepts ints and floats), else nullopt.
std::optional<double> numeric_claim(const nlohmann::json& claims, const char* name, bool& bad) {
    auto it = claims.find(name);
    if (it == claims.end()) return std::nullopt;
    if (!it->is_number() || it->is_boolean()) {
        bad = true;
        return std::nullopt;
    }
    return it->get<double>();
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                       (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                       std::uint8_t(bytes[i + 2]);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += kAlphabet[n & 63];
    }
    if (i + 1 == bytes.size()) {
        const auto n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
    } else if (i + 2 == bytes.size()) {
        const auto n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                       (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        const auto pos = kAlphabet.find(c);
        if (pos == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 6) | static_cast<std::uint32_t>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string sign_hs256(std::string_view header_json, std::string_view payload_json,
                       std::string_view secret) {
    std::string signing_input =
        base64url_encode(header_json) + "." + base64url_encode(payload_json);
    const auto signature = hmac_sha256(secret, signing_input);
    return signing_input + "." + base64url_encode(signature);
}

JwtCodec::JwtCodec(std::string secret, std::chrono::seconds lifetime)
    : secret_(std::move(secret)), lifetime_(lifetime) {}

std::string JwtCodec::issue(const std::string& uuid, std::int64_t now) const {
    // Key order as PyJWT emits it: the claims as given (uuid, exp), then iat.
    nlohmann::ordered_json ordered;
    ordered["uuid"] = uuid;
    ordered["exp"] = now + lifetime_.count();
    ordered["iat"] = now;
    return sign_hs256(R"({"alg":"HS256","typ":"JWT"})", ordered.dump(), secret_);
}

std::string JwtCodec::issue(const std::string& uuid) const {
    return issue(uuid, unix_now());
}

std::optional<VerifiedToken> JwtCodec::verify_token(std::string_view token,
                                                    std::int64_t now) const {
    const auto first = token.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    const auto second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return std::nullopt;
    const auto header_text = base64url_decode(token.substr(0, first));
    const auto payload_text = base64url_decode(token.substr(first + 1, second - first - 1));
    const auto signature = base64url_decode(token.substr(second + 1));
    if (!header_text || !payload_text || !signature) return std::nullopt;

    // The algorithm is ours to choose, never the token's: anything but HS256 is refused
    // before the signature is even looked at.
    const auto header = nlohmann::json::parse(*header_text, nullptr, false);
    if (!header.is_object()) return std::nullopt;
    const auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string() || *alg != "HS256") return std::nullopt;

    const auto expected = hmac_sha256(secret_, token.substr(0, second));
    if (signature->size() != expected.size() ||
        CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0)
        return std::nullopt;

    const auto claims = nlohmann::json::parse(*payload_text, nullptr, false);
    if (!claims.is_object()) return std::nullopt;
    bool bad = false;
    const auto exp = numeric_claim(claims, "exp", bad);
    const auto iat = numeric_claim(claims, "iat", bad);
    const auto nbf = numeric_claim(claims, "nbf", bad);
    if (bad) return std::nullopt;
    const auto now_real = static_cast<double>(now);
    if (exp && now_real >= *exp) return std::nullopt;
    if (iat && *iat > now_real) return std::nullopt;
    if (nbf && now_real < *nbf) return std::nullopt;
    if (claims.contains("aud")) return std::nullopt;
    const auto uuid = claims.find("uuid");
    if (uuid == claims.end() || !uuid->is_string()) return std::nullopt;
    return VerifiedToken{uuid->get<std::string>(), exp};
}

std::optional<std::string> JwtCodec::verify(std::string_view token, std::int64_t now) const {
    auto verified = verify_token(token, now);
    if (!verified) return std::nullopt;
    return std::move(verified->uuid);
}

std::optional<std::string> JwtCodec::verify(std::string_view token) const {
    return verify(token, unix_now());
}

}  // namespace decnet::api::auth
