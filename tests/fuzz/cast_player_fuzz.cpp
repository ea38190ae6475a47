// `decnet replay`'s cast parsing and terminal filter on arbitrary bytes: no crash, the
// filter never grows its input and never lets an OSC, DCS or APC introducer (ESC or C1
// form) through.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cli/cast_player.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)decnet::cli::parse_cast_header(input);
    (void)decnet::cli::parse_cast_event(input);
    decnet::cli::TerminalFilter filter;
    const auto half = size / 2;
    const auto shown = filter.filter(input.substr(0, half)) + filter.filter(input.substr(half));
    if (shown.size() > size) std::abort();
    for (const char* introducer : {"\x1b]", "\x1bP", "\x1b_", "\xc2\x9d", "\xc2\x90",
                                   "\xc2\x9b"
                                   "6n"})
        if (shown.find(introducer) != std::string::npos) std::abort();
    return 0;
}
