// SyslogListener: receives syslog lines from remote sensors over UDP, TCP, TLS and RELP
// (RFC 5426 / RFC 6587 octet counting or newline framing / RFC 5425 / rsyslog's RELP) and
// hands each line to a callback. Bounded: line size, connections, idle time. Never throws past a
// connection; bind failures at start() are ConfigErrors naming the endpoint.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace decnet {

struct ListenEndpoint {
    enum class Protocol { udp, tcp, tls, relp } protocol = Protocol::udp;
    std::string host;
    std::uint16_t port = 0;  // 0 = any free port (tests)
    std::string str() const;
};

// "udp://127.0.0.1:5514,tcp://0.0.0.0:5514,tls://[::1]:6514,relp://0.0.0.0:2514";
// throws ConfigError.
std::vector<ListenEndpoint> parse_listen_list(std::string_view text);

struct SyslogTlsOptions {
    std::string cert_file;       // server certificate chain (PEM)
    std::string key_file;        // its private key (PEM)
    std::string client_ca_file;  // when set, clients must present a certificate it signed
};

struct SyslogListenerLimits {
    std::size_t max_line = 64 * 1024;
    std::size_t max_connections = 1024;
    std::chrono::seconds idle_timeout{300};
    std::size_t relp_max_frame = 128 * 1024;  // a RELP frame's DATALEN; larger = bad frame
    std::size_t relp_window = 1024;           // unanswered messages per RELP connection
};

struct SyslogListenerStats {
    std::uint64_t lines = 0;
    std::uint64_t oversized = 0;        // lines or frames over max_line, discarded
    std::uint64_t connections = 0;      // accepted stream connections
    std::uint64_t refused = 0;          // over max_connections
    std::uint64_t tls_failures = 0;     // failed handshakes
    std::uint64_t framing_errors = 0;   // bad octet counts; the connection is closed
    std::uint64_t relp_messages = 0;    // RELP syslog frames received
    std::uint64_t relp_bad_frames = 0;  // RELP framing/protocol errors (error rsp, serverclose)
    std::uint64_t relp_nacked = 0;      // RELP messages answered "500 not stored"
};

// Called on the listener's thread for every complete line (no trailing newline); `peer`
// is "ip:port". Must be quick: queue, don't store.
using SyslogLineHandler = std::function<void(std::string_view line, std::string_view peer)>;

// RELP lines come with an acknowledgement to call exactly once, from any thread: true
// once the line is stored (or deliberately discarded: unparseable, a duplicate), false
// when it could not be taken (the sender is told to retry and disconnected). The
// listener's io must still exist when it is called (stop the store's queue before
// destroying the listener).
using SyslogAck = std::function<void(bool stored)>;
using SyslogReliableHandler =
    std::function<void(std::string_view line, std::string_view peer, SyslogAck ack)>;

class SyslogListener {
  public:
    SyslogListener(std::vector<ListenEndpoint> endpoints, SyslogLineHandler handler,
                   SyslogTlsOptions tls = {}, SyslogListenerLimits limits = {});
    ~SyslogListener();
    SyslogListener(const SyslogListener&) = delete;

    // For relp:// endpoints; without it, RELP lines go to the line handler and are
    // acknowledged at once. Set it before start().
    void set_reliable_handler(SyslogReliableHandler handler);
    SyslogListener& operator=(const SyslogListener&) = delete;

    // Binds every endpoint; throws ConfigError ("cannot listen on tcp://…: Address in use").
    void start();
    // Serves until stop(); may be called from one thread.
    void run();
    void stop();
    // Actual ports, in endpoint order (resolves port 0).
    std::vector<std::uint16_t> bound_ports() const;
    SyslogListenerStats stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace decnet
