// libFuzzer target for what the API reads of a client before and around its handlers: the
// Bearer token (any bytes as a JWT: its three base64url parts, header and claims JSON,
// algorithm, times, audience) verified against the server's secret, and a request body and
// query read by the validation helpers every resource uses (body object, string, integer and
// optional members, lax integers in the query, UTF-8 lengths). Only the ApiError answers are
// expected; nothing may crash, and a forged token never verifies.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/auth/jwt.hpp"
#include "api/validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace auth = decnet::api::auth;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    static const auth::JwtCodec codec("fuzz-secret-0123456789abcdef", std::chrono::hours(1));
    // No input carries an HMAC made with this secret: a token that verifies is a forgery
    // the codec let through (alg none, a signature check skipped, ...).
    if (codec.verify(input, 1'800'000'000)) std::abort();
    (void)auth::base64url_decode(input);
    decnet::api::Request request;
    request.body = std::string(input);
    request.query = {{"limit", std::string(input.substr(0, 32))}, {"q", std::string(input)}};
    try {
        (void)decnet::api::query_int(request, "limit", 50, 1, 1000);
        (void)decnet::api::query_string(request, "q", true, 512);
    } catch (const decnet::api::ApiError&) {
    }
    try {
        const auto body = decnet::api::body_object(request);
        (void)decnet::api::body_string(body, "username", 1, 64);
        (void)decnet::api::body_optional_string(body, "role");
        (void)decnet::api::body_int(body, "limit", 1, 1000);
    } catch (const decnet::api::ApiError&) {
    }
    (void)decnet::api::developer_body_issue(input, size % 2 == 0);
    (void)decnet::api::utf8_length(input);
    return 0;
}
