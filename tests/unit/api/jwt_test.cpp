// JWT issue/verify and tampering (api.md §2.1): bad signature, alg none / other algs,
// expired, not yet valid, audience, missing or non-string uuid.
#include <gtest/gtest.h>

#include <algorithm>

#include "api/auth/jwt.hpp"
#include "api/auth/jwt_secret.hpp"

namespace decnet::api::auth {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t kNow = 1'800'000'000;

TEST(Jwt, IssuedTokenVerifiesAndCarriesClaims) {
    JwtCodec codec(kSecret, std::chrono::hours(24));
    const auto token = codec.issue("u-1", kNow);
    EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
    EXPECT_EQ(codec.verify(token, kNow), "u-1");
    const auto header = base64url_decode(token.substr(0, token.find('.')));
    EXPECT_EQ(*header, R"({"alg":"HS256","typ":"JWT"})");
    const auto first = token.find('.') + 1;
    const auto payload = base64url_decode(token.substr(first, token.rfind('.') - first));
    EXPECT_EQ(*payload, R"({"uuid":"u-1","exp":1800086400,"iat":1800000000})");
}

TEST(Jwt, ExpiresAtExpWithZeroLeeway) {
    JwtCodec codec(kSecret, std::chrono::seconds(60));
    const auto token = codec.issue("u-1", kNow);
    EXPECT_TRUE(codec.verify(token, kNow + 59));
    EXPECT_FALSE(codec.verify(token, kNow + 60));
}

TEST(Jwt, RejectsAnotherSecretAndTamperedParts) {
    JwtCodec codec(kSecret, std::chrono::hours(1));
    JwtCodec other("another-secret-another-secret-xx", std::chrono::hours(1));
    EXPECT_FALSE(codec.verify(other.issue("u-1", kNow), kNow));
    auto token = codec.issue("u-1", kNow);
    auto tampered = token;
    tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(codec.verify(tampered, kNow));
    // Payload swapped for another user's under the original signature.
    const auto forged_payload = base64url_encode(R"({"uuid":"admin","exp":1900000000})");
    const auto first = token.find('.');
    const auto last = token.rfind('.');
    EXPECT_FALSE(
        codec.verify(token.substr(0, first + 1) + forged_payload + token.substr(last), kNow));
    EXPECT_FALSE(codec.verify("", kNow));
    EXPECT_FALSE(codec.verify("a.b", kNow));
    EXPECT_FALSE(codec.verify("a.b.c.d", kNow));
    EXPECT_FALSE(codec.verify("!!.??.**", kNow));
}

TEST(Jwt, RejectsAlgNoneAndOtherAlgorithms) {
    JwtCodec codec(kSecret, std::chrono::hours(1));
    const std::string payload = R"({"uuid":"u-1","exp":1900000000})";
    const auto none =
        base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + base64url_encode(payload) + ".";
    EXPECT_FALSE(codec.verify(none, kNow));
    EXPECT_FALSE(
        codec.verify(sign_hs256(R"({"alg":"HS512","typ":"JWT"})", payload, kSecret), kNow));
    EXPECT_FALSE(codec.verify(sign_hs256(R"({"typ":"JWT"})", payload, kSecret), kNow));
    EXPECT_TRUE(codec.verify(sign_hs256(R"({"alg":"HS256"})", payload, kSecret), kNow));
}

TEST(Jwt, ClaimRules) {
    JwtCodec codec(kSecret, std::chrono::hours(1));
    const std::string header = R"({"alg":"HS256","typ":"JWT"})";
    auto verify = [&](const std::string& payload) {
        return codec.verify(sign_hs256(header, payload, kSecret), kNow);
    };
    EXPECT_FALSE(verify(R"({"exp":1900000000})"));               // no uuid
    EXPECT_FALSE(verify(R"({"uuid":null,"exp":1900000000})"));   // null uuid
    EXPECT_FALSE(verify(R"({"uuid":5,"exp":1900000000})"));      // non-string uuid
    EXPECT_FALSE(verify(R"({"uuid":"u","exp":1700000000})"));    // expired
    EXPECT_FALSE(verify(R"({"uuid":"u","exp":"1900000000"})"));  // non-numeric exp
    EXPECT_FALSE(verify(R"({"uuid":"u","iat":1900000000})"));    // issued in the future
    EXPECT_FALSE(verify(R"({"uuid":"u","nbf":1900000000})"));    // not yet valid
    EXPECT_FALSE(verify(R"({"uuid":"u","aud":"x"})"));           // audience
    EXPECT_FALSE(verify(R"(["uuid"])"));                         // not an object
    EXPECT_EQ(verify(R"({"uuid":"u"})"), "u");                   // no exp: accepted
}

TEST(Jwt, Base64UrlRoundTrip) {
    for (std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00"})
        EXPECT_EQ(base64url_decode(base64url_encode(text)), text);
    EXPECT_FALSE(base64url_decode("a"));
}

TEST(JwtSecret, WeakAndShortSecretsAreRefused) {
    EXPECT_NE(jwt_secret_problem("admin", true), "");
    EXPECT_NE(jwt_secret_problem("ChangeMe", true), "");
    EXPECT_NE(jwt_secret_problem("short-but-fine", false), "");
    EXPECT_EQ(jwt_secret_problem("short-but-fine", true), "");
    EXPECT_EQ(jwt_secret_problem(kSecret, false), "");
}

}  // namespace
}  // namespace decnet::api::auth
