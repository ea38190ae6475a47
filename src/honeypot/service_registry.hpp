// Which coroutine serves which catalogue slug. One registration line per emulator in
// service_registry.cpp; nothing else in the code knows services by name.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace decnet::honeypot {

class Session;
using ServiceHandler = boost::asio::awaitable<void> (*)(Session&);

// nullptr when the slug has no native emulator yet.
ServiceHandler find_service_handler(std::string_view slug);

// The emulators (one file each under services/).
boost::asio::awaitable<void> serve_http(Session& session);
boost::asio::awaitable<void> serve_ftp(Session& session);
boost::asio::awaitable<void> serve_redis(Session& session);
boost::asio::awaitable<void> serve_telnet(Session& session);

}  // namespace decnet::honeypot
