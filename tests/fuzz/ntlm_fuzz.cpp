// libFuzzer target for the NTLMSSP codec (src/wire/ntlm): every parser must stay inside the
// message whatever its (length, offset) fields claim; what parses re-encodes and parses
// again to the same names.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wire/ntlm.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ntlm = decnet::wire::ntlm;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    ntlm::message_type(input);
    if (const auto n = ntlm::parse_negotiate(input))
        check(ntlm::parse_negotiate(ntlm::build_negotiate(*n)).has_value());
    if (const auto c = ntlm::parse_challenge(input)) {
        const auto again = ntlm::parse_challenge(ntlm::build_challenge(*c));
        check(again && again->server_challenge == c->server_challenge);
    }
    if (const auto a = ntlm::parse_authenticate(input)) {
        check(a->nt_response.size() <= ntlm::kMaxResponse);
        const auto again = ntlm::parse_authenticate(ntlm::build_authenticate(*a));
        check(again && again->nt_response == a->nt_response);
        std::array<std::uint8_t, 8> challenge{};
        ntlm::netntlmv2_line(a->user, a->domain, challenge, a->nt_response);
        ntlm::parse_client_blob(a->nt_response);
    }
    ntlm::parse_av_pairs(input);
    ntlm::parse_client_blob(input);
    ntlm::from_utf16le(ntlm::utf16le(input));
    return 0;
}
