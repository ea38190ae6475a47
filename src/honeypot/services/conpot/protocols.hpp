// The conpot decky's protocols, one file each, all describing the one PlcDevice (and Modbus
// writing into its PlcMemory): Modbus/TCP
// (502), S7comm (102) and BACnet/IP (47808/udp). conpot.cpp registers the service and hands
// each port to its protocol; the SNMP agent and web front on 161 and 80 are the snmp and
// http modules (the catalogue's `served_by`), which read the device from the decky's world.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <span>

#include "honeypot/datagram.hpp"
#include "honeypot/services/conpot/note.hpp"
#include "honeypot/services/module.hpp"

namespace decnet::honeypot {

class Session;
struct PlcDevice;

namespace conpot {

class PlcMemory;

boost::asio::awaitable<void> serve_modbus(Session& s, const PlcDevice& device, PlcMemory& memory);
boost::asio::awaitable<void> serve_s7comm(Session& s, const PlcDevice& device, PlcMemory& memory);
void serve_bacnet(DatagramExchange& x, const PlcDevice& device);

std::span<const EventDecl> modbus_events();
std::span<const EventDecl> s7comm_events();
std::span<const EventDecl> bacnet_events();

// A protocol's note as an event of the session or exchange.
template <class Exchange>
void emit_note(const Exchange& x, const Note& note) {
    auto event = x.event(note.type, note.warning ? Severity::warning : Severity::info);
    for (const auto& [name, value] : note.fields) event.add(name, value);
    x.emit(std::move(event));
}

}  // namespace conpot
}  // namespace decnet::honeypot
