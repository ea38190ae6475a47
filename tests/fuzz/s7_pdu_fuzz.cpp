// libFuzzer target for TPKT/COTP/S7comm (what any attacker's bytes to 102 reach): frames cut
// by their TPKT lengths and handled in order on one connection's state, so fragments, a
// connection request and S7 PDUs all meet. Never crash; reassembly stays bounded and every
// answer is a well-formed TPKT.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "honeypot/services/conpot/s7_protocol.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace s7 = decnet::honeypot::s7;
    static const auto device = [] {
        decnet::honeypot::PlcPersona persona;
        persona.model = "s7-300";
        return decnet::honeypot::make_plc_device("decky", "plc", persona);
    }();
    std::string_view input(reinterpret_cast<const char*>(data), size);
    s7::State state;
    decnet::honeypot::PlcWrites writes;
    // Pretend the connection is already up half the time, so S7 PDUs are reached directly.
    state.connected = size % 2 == 1;
    for (int frames = 0; input.size() >= s7::kTpktHeader && frames < 64; ++frames) {
        std::string error;
        const auto length = s7::parse_tpkt(input.substr(0, s7::kTpktHeader), error);
        if (!length) {
            check(!error.empty());
            return 0;
        }
        check(*length >= s7::kTpktHeader + 3 && *length <= s7::kMaxTpkt);
        if (input.size() < *length) return 0;
        const auto out = s7::handle(*device, state, input.substr(s7::kTpktHeader, *length - 4),
                                    1'700'000'000'000, writes);
        input.remove_prefix(*length);
        check(state.pending.size() <= s7::kMaxReassembly);
        for (const auto& reply : out.replies) {
            check(reply.size() >= 7 && reply[0] == 0x03);
            const std::size_t declared =
                (static_cast<unsigned char>(reply[2]) << 8) | static_cast<unsigned char>(reply[3]);
            check(declared == reply.size());
        }
        if (out.close) return 0;
    }
    return 0;
}
