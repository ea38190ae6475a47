// Datagram services (UDP): an emulator gets one datagram and may answer with a few small
// datagrams. No session, no coroutine: the exchange is stateless from the runtime's side,
// which keeps a UDP flood from costing more than a bounded amount of work per datagram.
// Rate limits, size bounds and the amplification guard live in udp_listener, not here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.hpp"
#include "honeypot/session.hpp"
#include "telemetry/span.hpp"

namespace decnet::honeypot {

class DatagramExchange {
  public:
    DatagramExchange(const ServiceContext& context, std::string peer_ip, std::uint16_t peer_port,
                     std::uint16_t local_port, std::string_view payload);

    const ServiceContext& context() const { return context_; }
    const std::string& peer_ip() const { return peer_ip_; }
    std::uint16_t peer_port() const { return peer_port_; }
    std::uint16_t local_port() const { return local_port_; }
    std::string_view payload() const { return payload_; }

    // An event with time, decky, service and the sender's address filled in. With tracing
    // on, emit() gives each event a `honeypot.event` child span of the exchange's
    // `honeypot.datagram` span (a new trace per datagram), as Session does per connection.
    Event event(std::string event_type, Severity severity = Severity::info) const;
    void emit(Event event) const;

    // Queues a datagram back to the sender (sent from the service port). The listener
    // drops every reply of an exchange whose total exceeds its amplification bound.
    void reply(std::string datagram) { replies_.push_back(std::move(datagram)); }
    const std::vector<std::string>& replies() const { return replies_; }

  private:
    const ServiceContext& context_;
    std::string peer_ip_;
    std::uint16_t peer_port_;
    std::uint16_t local_port_;
    std::string_view payload_;
    std::vector<std::string> replies_;
    telemetry::Span span_;  // ends with the exchange; with tracing off, one flag
};

using DatagramHandler = void (*)(DatagramExchange&);

}  // namespace decnet::honeypot
