// libFuzzer target for the LDAPv3 codec (src/wire/ldap): framing and decoding must never
// crash, recurse past the filter depth bound or read out of bounds; a decoded search filter
// renders within its bound; a frame's size never exceeds the buffer or the caller's maximum.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wire/ldap.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ldap = decnet::wire::ldap;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    for (int i = 0; i < 8 && !input.empty(); ++i) {
        const auto f = ldap::frame(input, 4096);
        if (f.status != ldap::Frame::Status::complete) {
            ldap::parse_message(input);  // whatever it is, parsing it must be safe
            break;
        }
        check(f.size <= input.size() && f.size <= 4096);
        const auto parsed = ldap::parse_message(input.substr(0, f.size));
        if (parsed.message) {
            check(ldap::filter_to_string(parsed.message->search.filter, 256).size() <= 256);
            for (const auto& c : parsed.message->controls)
                if (c.value) ldap::parse_paged_results(*c.value);
        } else {
            check(!parsed.error.empty());
        }
        input.remove_prefix(f.size);
    }
    return 0;
}
