// The RFB codec on arbitrary bytes, framed as the vnc emulator frames a viewer's stream:
// the version line, then client messages cut by fixed_length/variable_length. No crash, a
// parsed message never claims more than it was given, and pixels of any accepted format
// have the format's size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/vnc/rfb.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace rfb = decnet::honeypot::rfb;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)rfb::parse_client_version(input.substr(0, 12));
    if (input.size() >= 16)
        if (const auto format = rfb::decode_pixel_format(input.substr(0, 16)))
            if (rfb::pixel(*format, {1, 2, 3}).size() != format->bits_per_pixel / 8u) std::abort();
    for (int messages = 0; !input.empty() && messages < 64; ++messages) {
        const auto fixed = rfb::fixed_length(static_cast<std::uint8_t>(input[0]));
        if (!fixed || input.size() < 1 + *fixed) break;
        const std::size_t total = 1 + *fixed + rfb::variable_length(input.substr(0, 1 + *fixed));
        if (total > input.size()) break;
        if (const auto m = rfb::parse_client_message(input.substr(0, total))) {
            if (m->text.size() + m->encodings.size() * 4 > total) std::abort();
            if (m->type == rfb::MessageType::key_event) (void)rfb::keysym_text(m->key);
        }
        input.remove_prefix(total);
    }
    return 0;
}
