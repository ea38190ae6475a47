// Runtime: the deckies' sockets and sessions in one process. One io_context run by one
// thread per core; a listener per decky per service port; a coroutine per session. Protocol
// emulators come from service_registry; events go to the EventBus.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "honeypot/session_limits.hpp"

namespace decnet {
class EventBus;
}

namespace decnet::honeypot {

struct ListenerInfo {
    std::string decky;
    std::string ip;
    std::string service;
    std::uint16_t port = 0;
    std::string transport;  // tcp | udp
};

struct RuntimeStats {
    std::uint64_t sessions_total = 0;
    std::uint64_t sessions_active = 0;
    std::uint64_t rejected_decky_limit = 0;
    std::uint64_t rejected_source_limit = 0;
};

struct DeployReport {
    std::vector<ListenerInfo> listening;
    std::vector<std::string> unavailable;  // "decky-01/smb: no native emulator yet"
};

class Runtime {
  public:
    Runtime(EventBus& bus, SessionLimits limits = {}, unsigned threads = 0);
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // Binds every port of every decky service that has an emulator. Nothing is left bound
    // on failure; throws ConfigError naming the decky and port ("decky-01: cannot listen on
    // 127.77.0.1:6379/tcp (redis): Address already in use").
    DeployReport deploy(const DeploymentConfig& config);
    // Starts the I/O threads (returns at once).
    void start();
    // Closes listeners and sessions and joins the threads.
    void stop();

    std::vector<ListenerInfo> listeners() const;
    RuntimeStats stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::honeypot
