// libFuzzer target for SPNEGO over BER (src/wire/spnego): never crash or read out of
// bounds; an accepted token re-encodes to one that parses to the same mechanisms.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wire/spnego.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace spnego = decnet::wire::spnego;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto token = spnego::parse(input);
    if (!token) return 0;
    check(token->init.has_value() != token->resp.has_value());
    if (token->init) {
        check(token->init->mechs.size() <= spnego::kMaxMechs);
        const auto again = spnego::parse(spnego::build_init(*token->init));
        check(again && again->init && again->init->mech_token == token->init->mech_token);
    } else {
        const auto again = spnego::parse(spnego::build_resp(*token->resp));
        check(again && again->resp && again->resp->response_token == token->resp->response_token);
    }
    return 0;
}
