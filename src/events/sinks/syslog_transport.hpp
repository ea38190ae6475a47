// The forwarder's wire: a connected UDP, TCP or TLS socket with deadlines on every
// operation. Internal to the events module; OpenSSL stays in the .cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "events/sinks/syslog_forwarder.hpp"

namespace decnet {

class SyslogTransport {
  public:
    virtual ~SyslogTransport() = default;

    // Resolves, connects (and handshakes). Empty on success, else why it failed.
    virtual std::string connect() = 0;
    // Stream transports: writes bytes, `sent` = how many the kernel/TLS layer took even
    // on failure. UDP: `bytes` is one datagram, sent whole or not at all.
    virtual std::string send(std::string_view bytes, std::size_t& sent) = 0;
    // Stream transports: appends what arrives (at least one byte) to `into`, waiting until
    // `deadline`. Empty on success, else why not (timed out, closed). RELP reads answers.
    virtual std::string receive(std::string& into,
                                std::chrono::steady_clock::time_point deadline) = 0;
    // Whether the peer closed or reset an established connection (never blocks). A
    // syslog receiver never sends data, so anything readable but TLS records means EOF.
    virtual bool peer_closed() = 0;
    virtual void close() = 0;
    virtual bool is_stream() const = 0;
};

// Throws ConfigError when TLS material cannot be loaded.
std::unique_ptr<SyslogTransport> make_syslog_transport(const SyslogForwarderOptions& options);

}  // namespace decnet
