// Any byte stream through telnet's option layer: never crashes, answers stay bounded (at
// most one 3-byte refusal per option command), and the window it keeps stays in range.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "honeypot/services/telnet/telnet_options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    decnet::honeypot::TelnetOptions options;
    std::string reply, text;
    for (std::size_t i = 0; i < size; ++i)
        if (options.feed(data[i], reply)) text += static_cast<char>(data[i]);
    if (reply.size() > size || text.size() > size) std::abort();
    if (options.cols < 1 || options.cols > 1000 || options.rows < 1 || options.rows > 1000)
        std::abort();
    return 0;
}
