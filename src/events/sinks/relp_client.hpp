// RelpClient: the forwarder's side of RELP on a connected stream transport. Opens the
// session, sends messages a window at a time and reports how many the collector
// acknowledged ("rsp 200 OK"), so the forwarder keeps (spools) only the rest.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "events/relp_frame.hpp"
#include "events/sinks/syslog_transport.hpp"

namespace decnet {

class RelpClient {
  public:
    RelpClient(SyslogTransport& transport, std::size_t window, std::chrono::milliseconds timeout);

    // After transport.connect(): "open" with relp_version=0 and commands=syslog, then
    // waits for "200". Empty on success, else why the session failed.
    std::string open();
    // Sends `batch` in order, `window` frames in flight at most, and returns how many of
    // its first messages were acknowledged. On an error (timeout, error rsp, serverclose,
    // broken stream) `error` says why; messages past the returned count may still have
    // been stored (their rsp was lost): resending them is RELP's at-least-once.
    std::size_t send(std::span<const std::string> batch, std::string& error);
    // Best effort "close" (never waits for its answer).
    void close();

  private:
    std::string next_frame(RelpFrame& frame, std::chrono::steady_clock::time_point deadline);

    SyslogTransport& transport_;
    const std::size_t window_;
    const std::chrono::milliseconds timeout_;
    std::uint32_t txnr_ = 0;  // last used
    std::string inbox_;       // received bytes not yet parsed into frames
    std::string frames_;      // send buffer, reused
};

}  // namespace decnet
