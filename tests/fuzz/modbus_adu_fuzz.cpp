// libFuzzer target for the Modbus/TCP ADU (what any attacker's bytes to 502 reach): the MBAP
// header and a PDU answered against a PLC, the writes kept across inputs' frames. Never
// crash; answers stay within a 260-byte ADU and the write table within the PLC's tables.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/conpot/modbus_protocol.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace modbus = decnet::honeypot::modbus;
    using decnet::honeypot::PlcDevice;
    static const auto device = decnet::honeypot::make_plc_device("decky", "plc", {});
    std::string_view input(reinterpret_cast<const char*>(data), size);
    modbus::Writes writes;
    // The input as a stream of frames, as the session reads them.
    for (int frames = 0; input.size() >= modbus::kHeader && frames < 64; ++frames) {
        const auto parsed = modbus::parse_header(input.substr(0, modbus::kHeader));
        input.remove_prefix(modbus::kHeader);
        if (!parsed.error.empty()) {
            check(modbus::bad_frame_reply(parsed.header, 0x54).size() == 9);
            return 0;
        }
        const std::size_t n = parsed.header.length - 1u;
        check(n >= 1 && n <= modbus::kMaxPdu);
        if (input.size() < n) return 0;
        const auto o = modbus::answer(*device, writes, parsed.header.unit, input.substr(0, n),
                                      1'700'000'000'000 + frames);
        input.remove_prefix(n);
        check(!o.pdu.empty() && o.pdu.size() <= modbus::kMaxPdu);
        check(modbus::encode_adu(parsed.header, o.pdu).size() <= 260);
        check(writes.size() <= PlcDevice::kCoils + PlcDevice::kHoldingRegisters);
    }
    return 0;
}
