// guess_mime and first_bytes_hex over arbitrary payload heads: never crash, always a
// non-empty type, and a hex prefix of at most kFirstBytes bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/world/artifact_mime.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view head(reinterpret_cast<const char*>(data), size);
    if (decnet::honeypot::guess_mime(head).empty()) std::abort();
    const auto hex = decnet::honeypot::first_bytes_hex(head);
    if (hex.size() > 2 * decnet::honeypot::kFirstBytes || hex.size() % 2 != 0) std::abort();
    return 0;
}
