// libFuzzer target for BACnet/IP (what any datagram to 47808/udp reaches): never crash, and
// the answer stays under the UDP listener's amplification bound (10× the request) for any
// request a client could send (a ReadProperty is at least 17 bytes).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/conpot/bacnet_protocol.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace bacnet = decnet::honeypot::bacnet;
    static const auto device = decnet::honeypot::make_plc_device("decky", "plc", {});
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto out = bacnet::answer(*device, input);
    if (out.reply) {
        check(out.reply->size() >= 6 && static_cast<unsigned char>((*out.reply)[0]) == 0x81);
        check(out.reply->size() <= 10 * std::max<std::size_t>(size, 12));
    }
    check(out.notes.size() <= 2);
    return 0;
}
