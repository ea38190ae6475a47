// Runtime: the deckies' sockets and sessions in one process. One io_context run by one
// thread per core; a listener per decky per service port; a coroutine per session. Protocol
// emulators come from the service modules (services/registry); events go to the EventBus. Deckies
// can be added, removed and given other services while it runs, without touching other deckies.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/service_catalog.hpp"
#include "honeypot/session_limits.hpp"
#include "honeypot/world/artifact_store.hpp"

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
    std::uint64_t rejected_source_limit = 0;  // only with max_sessions_per_source = 0
    // Sessions closed to admit a newer connection of a source at its limit.
    std::uint64_t evicted_source_limit = 0;
};

struct DeployReport {
    std::vector<ListenerInfo> listening;
    std::vector<std::string> unavailable;  // "decky-01/smb": no native emulator yet
};

// What the runtime knows about one decky it serves.
struct DeckyRuntimeInfo {
    std::string name;
    std::vector<std::string> services;  // as configured, emulated or not
    std::vector<ListenerInfo> listeners;
    std::uint64_t events = 0;  // events its sessions emitted since it was added
    std::uint64_t sessions_active = 0;
};

// Opens and binds `copies` sockets for `decky` on `port` (listening, for TCP) and returns
// their fds, which the runtime then owns (netns mode opens them inside the decky's network
// namespace). More than one: all in one SO_REUSEPORT group, one per I/O thread, so the
// kernel hands each connection to one thread's socket. Throws ConfigError naming the decky
// and port.
using SocketOpener = std::function<std::vector<int>(const DeckyConfig& decky, std::uint16_t port,
                                                    Transport transport, std::size_t copies)>;

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
    // One decky, all-or-nothing as deploy(); also throws when the name is already served.
    DeployReport add_decky(const DeckyConfig& decky);
    // Closes the decky's listeners (its open sessions may finish). False when unknown.
    bool remove_decky(std::string_view name);
    // Serves `services` on the decky instead of its current ones: new ports are bound
    // first (on failure nothing changes and ConfigError is thrown), then the dropped
    // services' listeners close. Kept listeners and every open session are untouched.
    // nullopt when the decky is unknown.
    std::optional<DeployReport> replace_services(std::string_view name,
                                                 const std::vector<std::string>& services);

    // Listeners bound after this call use `opener` instead of a plain bind in this
    // process's network namespace (an empty function restores the plain bind).
    void set_socket_opener(SocketOpener opener);
    // The instance's state directory: where each decky's persistent world lives (its
    // certificates and keys, the artifact store), so a restart shows the same host.
    // Empty (the default, as in unit tests): nothing is persisted. The first non-empty
    // directory also opens the artifact store, <dir>/artifacts, under `artifact_limits`
    // (throws ConfigError when it cannot be created).
    void set_state_dir(std::string dir, ArtifactLimits artifact_limits = {});
    const std::string& state_dir() const;
    // Where every service's captured payloads go; null until a state directory is set.
    ArtifactStore* artifact_store() const;

    // Starts the I/O threads (returns at once).
    void start();
    // Closes listeners and sessions and joins the threads.
    void stop();

    std::vector<ListenerInfo> listeners() const;
    std::vector<DeckyRuntimeInfo> deckies() const;
    RuntimeStats stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::honeypot
