// The collector's side of one RELP connection (internal to the events module): answers
// `open`, hands every `syslog` message to the handler, and sends its `rsp 200 OK` only
// when the handler acknowledges it (after the row is committed), in transaction order.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <string>

#include "events/syslog_listener.hpp"

namespace decnet {

struct RelpSessionCounters {
    std::atomic<std::uint64_t>& messages;    // syslog frames received
    std::atomic<std::uint64_t>& bad_frames;  // framing/protocol errors (answered, counted)
    std::atomic<std::uint64_t>& nacked;      // messages answered with an error rsp
};

boost::asio::awaitable<void> serve_relp(boost::asio::ip::tcp::socket socket, std::string peer,
                                        const SyslogReliableHandler& handler,
                                        const SyslogListenerLimits& limits,
                                        RelpSessionCounters counters);

}  // namespace decnet
