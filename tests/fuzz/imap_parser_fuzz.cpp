// imap's command parser (literals, quoted strings, nested lists), literal markers and
// sequence sets on arbitrary bytes: no crash, token counts and set sizes within bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "honeypot/services/imap/imap_parser.hpp"

namespace {

std::size_t count(const std::vector<decnet::honeypot::imap::Token>& tokens) {
    std::size_t n = tokens.size();
    for (const auto& t : tokens) n += count(t.items);
    return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    namespace imap = decnet::honeypot::imap;
    std::string error;
    const imap::ParseLimits limits;
    if (const auto c = imap::parse_command(input, error, limits))
        if (count(c->args) > 2 * limits.max_tokens) std::abort();
    (void)imap::literal_at_end(input);
    if (const auto set = imap::sequence_set(input, 50))
        if (set->size() > 50) std::abort();
    (void)imap::quote(input);
    return 0;
}
