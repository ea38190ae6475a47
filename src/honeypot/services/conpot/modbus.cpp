// conpot's Modbus/TCP port (502): read an MBAP header and its PDU, answer from the PLC's
// process image, record every request; writes go into the decky's PlcMemory and show in
// later reads (this session's and any other's).
#include <boost/asio/awaitable.hpp>

#include "honeypot/services/conpot/modbus_protocol.hpp"
#include "honeypot/services/conpot/plc_memory.hpp"
#include "honeypot/services/conpot/protocols.hpp"
#include "honeypot/session.hpp"

namespace decnet::honeypot::conpot {
namespace {

std::string values_text(const std::vector<std::uint16_t>& values) {
    std::vector<std::string> text;
    for (std::size_t i = 0; i < values.size() && i < 64; ++i)
        text.push_back(std::to_string(values[i]));
    return json_list(text);
}

constexpr EventDecl kEvents[] = {
    {"modbus_request", "src_ip src_port unit function name address? count? exception?",
     "a Modbus read, device identification or other request (exception: the code answered)"},
    {"modbus_write", "src_ip src_port unit function name address? count? values exception?",
     "a Modbus write (coils or registers); accepted ones show in every later read"},
    {"modbus_error", "src_ip src_port error data",
     "a frame that is not Modbus/TCP (protocol id, length lies); the connection is closed"},
};

}  // namespace

std::span<const EventDecl> modbus_events() {
    return kEvents;
}

boost::asio::awaitable<void> serve_modbus(Session& s, const PlcDevice& device, PlcMemory& memory) {
    for (;;) {
        const auto head = co_await s.read_exact(modbus::kHeader);
        if (!head) co_return;
        const auto parsed = modbus::parse_header(*head);
        const auto& header = parsed.header;
        if (!parsed.error.empty()) {
            const auto function = co_await s.read_exact(1);
            s.emit(s.event("modbus_error", Severity::warning)
                       .add("error", parsed.error)
                       .add("data", hex_prefix(*head + function.value_or(""), 64)));
            if (function) {
                const std::string reply =
                    modbus::bad_frame_reply(header, static_cast<std::uint8_t>((*function)[0]));
                co_await s.write(reply);
            }
            co_return;
        }
        const auto pdu = co_await s.read_exact(header.length - 1u);
        if (!pdu) co_return;
        const auto now = plc_clock_ms();
        const auto o = memory.with([&](modbus::Writes& writes) {
            return modbus::answer(device, writes, header.unit, *pdu, now);
        });
        auto event = s.event(o.write ? "modbus_write" : "modbus_request",
                             o.write ? Severity::warning : Severity::info);
        event.add("unit", header.unit).add("function", o.function).add("name", o.name);
        if (o.address) event.add("address", *o.address);
        if (o.count) event.add("count", *o.count);
        if (o.write) event.add("values", values_text(o.values));
        if (o.exception) event.add("exception", o.exception);
        s.emit(std::move(event));
        const std::string reply = modbus::encode_adu(header, o.pdu);
        if (!co_await s.write(reply)) co_return;
    }
}

}  // namespace decnet::honeypot::conpot
