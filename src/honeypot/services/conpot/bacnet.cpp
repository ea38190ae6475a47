// conpot's BACnet/IP port (47808/udp): each datagram answered by the device object.
#include "honeypot/services/conpot/bacnet_protocol.hpp"
#include "honeypot/services/conpot/protocols.hpp"

namespace decnet::honeypot::conpot {
namespace {

constexpr EventDecl kEvents[] = {
    {"bacnet_request", "src_ip src_port service object? property? error?",
     "a Who-Is, ReadProperty or other BACnet service request"},
    {"bacnet_write", "src_ip src_port service data",
     "a WriteProperty, ReinitializeDevice or DeviceCommunicationControl, refused"},
    {"bacnet_error", "src_ip src_port error data", "a datagram that is not BACnet/IP"},
};

}  // namespace

std::span<const EventDecl> bacnet_events() {
    return kEvents;
}

void serve_bacnet(DatagramExchange& x, const PlcDevice& device) {
    auto out = bacnet::answer(device, x.payload());
    for (const auto& note : out.notes) emit_note(x, note);
    if (out.reply) x.reply(std::move(*out.reply));
}

}  // namespace decnet::honeypot::conpot
