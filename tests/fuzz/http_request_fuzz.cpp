// libFuzzer target: the http emulator's request-head and form parsers must never crash,
// hang or read out of bounds on attacker bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "honeypot/services/http/http_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace decnet::honeypot::http;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (auto head = parse_request_head(input)) {
        if (const auto* cl = find_header(head->headers, "Content-Length"))
            (void)parse_content_length(*cl);
    }
    (void)find_credentials(parse_form(input));
    (void)parse_chunk_size(input);
    return 0;
}
