// libFuzzer target for the sip emulator's message parser (services/sip/sip_message): datagram
// and stream parsing, Digest credentials and URIs never crash; a stream parse consumes no more
// than it was given; header and body bounds hold; John's line has its 15 fields.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/sip/sip_message.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace sip = decnet::honeypot::sip;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    for (const bool stream : {false, true}) {
        const auto parsed = sip::parse(input, stream);
        if (!parsed.message) continue;
        check(parsed.consumed <= input.size());
        check(parsed.message->headers.size() <= sip::kMaxHeaders);
        check(parsed.message->body.size() <= sip::kMaxBody);
        for (const auto& [name, value] : parsed.message->headers) {
            if (name == "authorization" || name == "proxy-authorization")
                if (const auto d = sip::parse_digest(value)) {
                    const auto line = sip::john_line(*d, "1.2.3.4", "5.6.7.8", "REGISTER");
                    check(std::count(line.begin(), line.end(), '*') == 14);
                    sip::digest_response(*d, "REGISTER", "pw");
                }
            if (name == "from" || name == "to") sip::parse_uri(sip::address_uri(value));
        }
    }
    sip::parse_digest(input);
    sip::parse_uri(input);
    return 0;
}
