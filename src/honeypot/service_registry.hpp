// Which coroutine (TCP) or datagram handler (UDP) serves which catalogue slug. One registration
// line per emulator in service_registry.cpp; nothing else in the code knows services by name.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string_view>

#include "honeypot/datagram.hpp"

namespace decnet::honeypot {

class Session;
using ServiceHandler = boost::asio::awaitable<void> (*)(Session&);

// nullptr when the slug has no native emulator yet.
ServiceHandler find_service_handler(std::string_view slug);
// The slug's emulator for its UDP ports (tftp, snmp); nullptr when it has none.
DatagramHandler find_datagram_handler(std::string_view slug);
// A stream or datagram emulator exists: the service can be deployed.
bool has_emulator(std::string_view slug);

// The emulators (one file each under services/).
boost::asio::awaitable<void> serve_http(Session& session);
boost::asio::awaitable<void> serve_ftp(Session& session);
boost::asio::awaitable<void> serve_redis(Session& session);
boost::asio::awaitable<void> serve_telnet(Session& session);
void serve_tftp(DatagramExchange& exchange);
void serve_snmp(DatagramExchange& exchange);

}  // namespace decnet::honeypot
