// Event plumbing for datagram services (the same fields and counters as Session's).
#include "honeypot/datagram.hpp"

#include "events/event_bus.hpp"

namespace decnet::honeypot {

DatagramExchange::DatagramExchange(const ServiceContext& context, std::string peer_ip,
                                   std::uint16_t peer_port, std::uint16_t local_port,
                                   std::string_view payload)
    : context_(context),
      peer_ip_(std::move(peer_ip)),
      peer_port_(peer_port),
      local_port_(local_port),
      payload_(payload),
      span_("honeypot.datagram",
            telemetry::SpanStart{
                .kind = telemetry::SpanKind::server, .new_root = true, .make_current = false}) {
    if (span_.recording())
        span_.set_attributes({{"decky", context.decky},
                              {"service", context.service},
                              {"attacker_ip", peer_ip_},
                              {"attacker_port", static_cast<std::int64_t>(peer_port_)},
                              {"bytes_in", static_cast<std::int64_t>(payload.size())}});
}

Event DatagramExchange::event(std::string event_type, Severity severity) const {
    return context_.make_event(std::move(event_type), severity, peer_ip_, peer_port_);
}

void DatagramExchange::emit(Event event) const {
    context_.emit(std::move(event), span_);
}

}  // namespace decnet::honeypot
