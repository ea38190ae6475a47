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
    Event e;
    e.time = event_now();
    e.decky = context_.decky;
    e.service = context_.log_name;
    e.event_type = std::move(event_type);
    e.severity = severity;
    e.src_ip = peer_ip_;
    e.src_port = peer_port_;
    return e;
}

void DatagramExchange::emit(Event event) const {
    if (context_.events) ++*context_.events;
    if (!context_.bus) return;
    if (!telemetry::tracing_enabled()) {
        context_.bus->publish(std::move(event));
        return;
    }
    const auto parent = span_.context();
    telemetry::Span span(
        "honeypot.event",
        telemetry::SpanStart{.kind = telemetry::SpanKind::producer, .parent = &parent});
    if (span.recording())
        span.set_attributes({{"decky", event.decky},
                             {"service", event.service},
                             {"event_type", event.event_type},
                             {"attacker_ip", event.src_ip}});
    event.trace = span.context();
    context_.bus->publish(std::move(event));
}

}  // namespace decnet::honeypot
