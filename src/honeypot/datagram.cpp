// Event plumbing for datagram services (the same fields and counters as Session's).
#include "honeypot/datagram.hpp"

#include "events/event_bus.hpp"

namespace decnet::honeypot {

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
    if (context_.bus) context_.bus->publish(std::move(event));
}

}  // namespace decnet::honeypot
