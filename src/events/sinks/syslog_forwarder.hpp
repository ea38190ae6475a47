// SyslogForwarder: sends every event as an RFC 5424 line to a remote collector over UDP
// (RFC 5426), TCP (RFC 6587 octet counting), TLS (RFC 5425) or RELP (acknowledged per
// message), reconnecting with exponential backoff and keeping what it cannot send (over
// RELP: what the collector has not acknowledged) in a bounded on-disk spool.
//
// Threading: it is an EventSink, so it runs on a SinkRunner thread fed by its own bus
// Subscription — runner.start(bus.subscribe("syslog"), make_unique<SyslogForwarder>(o)).
// Its I/O is blocking with deadlines on that thread (never on the shared io_context), so a
// slow or dead collector only fills the "syslog" queue; publishers never wait.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "events/sinks/event_sink.hpp"
#include "events/sinks/log_target.hpp"

namespace decnet {

struct ForwarderTlsOptions {
    // PEM CA bundle the server certificate must chain to; empty = the system store.
    std::string ca_file;
    // The name the certificate must carry (DNS SAN, or IP SAN for an IP literal) and the
    // SNI sent; empty = the target's host. Verification is always on.
    std::string server_name;
    // Optional client certificate (PEM chain) and its key (empty = inside cert_file).
    std::string cert_file;
    std::string key_file;
};

struct SyslogForwarderOptions {
    LogTarget target;
    ForwarderTlsOptions tls;

    // Where undeliverable messages wait; empty = no spool (they are dropped and counted).
    std::filesystem::path spool_dir;
    std::uint64_t spool_max_bytes = 64ull << 20;
    std::uint64_t spool_segment_bytes = 1ull << 20;

    // Reconnect delay: first retry after backoff_initial, doubling up to backoff_max; back
    // to backoff_initial once a send succeeds.
    std::chrono::milliseconds backoff_initial{500};
    std::chrono::milliseconds backoff_max{30000};
    std::chrono::milliseconds connect_timeout{5000};  // resolve excluded; TLS handshake incl.
    std::chrono::milliseconds io_timeout{5000};       // one send may stall this long

    // UDP: longer lines are cut (at a UTF-8 boundary) to this many bytes and counted.
    // 8 KiB passes loopback and jumbo-less LANs (fragmented) and every syslogd we know.
    std::size_t max_datagram = 8192;
    // RELP: longer lines are cut to this (the collector refuses bigger frames) and
    // at most relp_window messages are in flight unacknowledged.
    std::size_t relp_max_message = 128 * 1024;
    std::size_t relp_window = 128;
    // Bytes of spool replayed per write_batch()/poll() call, so stop() stays responsive.
    std::size_t replay_chunk_bytes = 256 * 1024;
};

class SyslogForwarder final : public EventSink {
  public:
    // Throws ConfigError when the TLS CA / certificate / key files cannot be loaded (a
    // start-up failure). Does not connect yet: the first batch does.
    explicit SyslogForwarder(SyslogForwarderOptions options);
    ~SyslogForwarder() override;

    void write_batch(std::span<const EventPtr> events) override;
    void poll() override;
    void close() override;
    // Drops the connection and reconnects at once (SIGHUP; also resets the backoff).
    void reopen() override;
    SinkStats stats() const override;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace decnet
