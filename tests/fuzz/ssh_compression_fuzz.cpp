// libFuzzer target for the ssh server's inflater (zlib@openssh.com: one stream per
// direction, a packet at a time): any bytes, cut into packets at each 0xFE byte, inflate
// within the packet bound or are refused — never a crash, never more than the bound (a zip
// bomb is refused, not held), and what the server's own compressor writes inflates back.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/ssh/compression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ssh = decnet::honeypot::ssh;
    constexpr std::size_t kMax = 35000;  // the transport's payload bound
    std::string_view input(reinterpret_cast<const char*>(data), size);
    ssh::Decompressor inflater(kMax);
    for (int packets = 0; packets < 64; ++packets) {
        const auto cut = input.find('\xfe');
        const auto piece = input.substr(0, cut);
        const auto out = inflater.decompress(piece);
        if (!out) break;
        if (out->size() > kMax) std::abort();
        if (cut == std::string_view::npos) break;
        input.remove_prefix(cut + 1);
    }
    ssh::Compressor deflater;
    ssh::Decompressor again(kMax);
    const std::string_view plain(reinterpret_cast<const char*>(data), std::min(size, kMax));
    const auto back = again.decompress(deflater.compress(plain));
    if (!back || *back != plain) std::abort();
    return 0;
}
