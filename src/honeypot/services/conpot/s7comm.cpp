// conpot's S7comm port (102, ISO-TSAP): TPKT frames in, the S7 protocol's answers out, one
// event per request; write var goes into the decky's PlcMemory, shared with Modbus. A frame
// whose length lies ends the session, as on a CPU.
#include <boost/asio/awaitable.hpp>

#include "honeypot/services/conpot/plc_memory.hpp"
#include "honeypot/services/conpot/protocols.hpp"
#include "honeypot/services/conpot/s7_protocol.hpp"
#include "honeypot/session.hpp"

namespace decnet::honeypot::conpot {
namespace {

constexpr EventDecl kEvents[] = {
    {"s7_connect", "src_ip src_port src_tsap dst_tsap",
     "a COTP connection request (the TSAPs name the rack and slot asked for)"},
    {"s7_request",
     "src_ip src_port function pdu_size? szl_id? szl_index? area? db? address? count? "
     "username? password?",
     "an S7 job or userdata request: setup, SZL read, read var, set password (a credential)"},
    {"s7_write", "src_ip src_port area? db? address? count? data",
     "a write var request (one event per item)"},
    {"s7_control", "src_ip src_port function service", "a PLC stop or start (PI service) request"},
    {"s7_error", "src_ip src_port error data",
     "a frame that is not TPKT/COTP/S7, or fragments past the bound"},
};

}  // namespace

std::span<const EventDecl> s7comm_events() {
    return kEvents;
}

boost::asio::awaitable<void> serve_s7comm(Session& s, const PlcDevice& device, PlcMemory& memory) {
    s7::State state;
    for (;;) {
        const auto head = co_await s.read_exact(s7::kTpktHeader);
        if (!head) co_return;
        std::string error;
        const auto length = s7::parse_tpkt(*head, error);
        if (!length) {
            s.emit(s.event("s7_error", Severity::warning)
                       .add("error", error)
                       .add("data", hex_prefix(*head, 64)));
            co_return;
        }
        const auto body = co_await s.read_exact(*length - s7::kTpktHeader);
        if (!body) co_return;
        const auto now = plc_clock_ms();
        const auto out = memory.with(
            [&](PlcWrites& writes) { return s7::handle(device, state, *body, now, writes); });
        for (const auto& note : out.notes) emit_note(s, note);
        for (const auto& reply : out.replies)
            if (!co_await s.write(reply)) co_return;
        if (out.close) co_return;
    }
}

}  // namespace decnet::honeypot::conpot
