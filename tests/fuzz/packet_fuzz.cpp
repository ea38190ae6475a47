// Any bytes as a captured frame of every link type the sniffer reads: decoding never
// crashes, views stay inside the frame, and TCP options and p0f's reading of them are safe.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "intel/sniffer/p0f.hpp"
#include "wire/packet.hpp"

namespace packet = decnet::wire::packet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
    for (auto link : {packet::LinkType::ethernet, packet::LinkType::null, packet::LinkType::raw,
                      packet::LinkType::linux_sll, packet::LinkType::linux_sll2}) {
        const auto p = packet::decode(link, frame);
        if (!p) continue;
        const auto inside = [&](std::string_view view) {
            return view.empty() || (view.data() >= frame.data() &&
                                    view.data() + view.size() <= frame.data() + frame.size());
        };
        if (!inside(p->payload) || !inside(p->tcp_options)) std::abort();
        decnet::intel::sniffer::p0f::observe(*p).signature();
    }
    const auto options = packet::parse_tcp_options(frame.substr(0, 40));
    if (options.kinds.size() > 40) std::abort();
    return 0;
}
