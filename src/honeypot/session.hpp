// Session: one attacker connection to one service of one decky. Protocol emulators are
// coroutines over a Session: they read bounded frames, write answers and emit events;
// deadlines, byte limits and event plumbing live here, not in the emulators.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "events/event.hpp"
#include "honeypot/session_limits.hpp"
#include "telemetry/span.hpp"

namespace decnet {
class EventBus;
}

namespace decnet::honeypot {

struct DeckyWorld;
class ArtifactStore;
struct ServiceSettings;
class LiveSession;
class TlsIdentity;

// What a service knows about where it runs.
struct ServiceContext {
    std::string decky;     // decky name (syslog HOSTNAME)
    std::string hostname;  // the decky's believable hostname
    std::string service;   // catalogue slug
    std::string log_name;  // APP-NAME (smtp_relay logs as smtp)
    const PersonaConfig* persona = nullptr;
    EventBus* bus = nullptr;
    std::atomic<std::uint64_t>* events = nullptr;  // the decky's "events seen" counter
    const DeckyWorld* world = nullptr;             // the decky's fake host (identity, files, TLS)
    ArtifactStore* artifacts = nullptr;            // where captured payloads go; null: not kept
    const ServiceSettings* settings = nullptr;     // the module's typed persona (module.hpp)
    // This service's own certificate (persona tls_cert/tls_key/tls_cn); null: the decky's.
    TlsIdentity* tls = nullptr;

    // The module's settings as its own type (what its `configure` returned).
    template <class T>
    const T& settings_as() const {
        return static_cast<const T&>(*settings);
    }

    // The raw persona value for `key`, else its catalogue default ("{node}" → the decky's
    // hostname). Modules read their typed settings instead; the runtime's own keys (`port`)
    // come through here.
    std::string persona_value(std::string_view key) const;

    // An event of this service about one attacker endpoint: time, decky, service, and the
    // fields `src_ip` and `src_port` (every event of every service starts with them).
    Event make_event(std::string event_type, Severity severity, const std::string& peer_ip,
                     std::uint16_t peer_port) const;
    // Counts the event and publishes it; with tracing on, under a short `honeypot.event`
    // child of `exchange` (the session or datagram span) whose context the event carries.
    void emit(Event event, const telemetry::Span& exchange) const;
};

class Session {
  public:
    // `peer` is the address accept() reported (saves a getpeername() per connection).
    // `live`, when given, is how the runtime sees this session from other threads: it is
    // touched on every read and may evict() the session; it must outlive the Session.
    Session(boost::asio::ip::tcp::socket socket, const boost::asio::ip::tcp::endpoint& peer,
            const ServiceContext& context, const SessionLimits& limits,
            LiveSession* live = nullptr);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const ServiceContext& context() const { return context_; }
    const std::string& peer_ip() const { return peer_ip_; }
    std::uint16_t peer_port() const { return peer_port_; }
    // The decky address the attacker reached (FTP's passive listener binds beside it); the
    // same on a TLS session.
    std::string local_ip() const;
    // The decky port the attacker reached (0 on a socket without one); where a protocol's
    // framing depends on the port (NetBIOS on 139, direct SMB on 445).
    std::uint16_t local_port() const;
    // Where this session's I/O runs: protocol timers and side channels (FTP data) use it.
    boost::asio::any_io_executor executor() { return socket_.get_executor(); }

    // A line ending in LF (CR stripped), at most limits.max_line bytes; nullopt when the
    // peer closed, went idle, sent too much, or the line is too long (then the session
    // should end).
    boost::asio::awaitable<std::optional<std::string>> read_line();
    // Exactly n bytes (n ≤ max_line), or nullopt.
    boost::asio::awaitable<std::optional<std::string>> read_exact(std::size_t n);
    // Whatever arrives next (≤ max_line), or nullopt.
    boost::asio::awaitable<std::optional<std::string>> read_some();
    // False when the peer is gone.
    boost::asio::awaitable<bool> write(std::string_view data);

    // How long the emulator may wait for something now (a product's own delay, a side
    // channel such as FTP's data connection): `wanted`, cut to what is left of the
    // session's time, so a waiting session still ends at its deadline; zero under
    // limits.instant_waits.
    std::chrono::milliseconds wait_budget(std::chrono::milliseconds wanted) const;
    // Waits wait_budget(wanted): the real product's pauses (login's failure delay, a
    // progress tick), on this session's executor.
    boost::asio::awaitable<void> pause(std::chrono::milliseconds wanted);

    // TLS from here on (STARTTLS, or an implicit-TLS port before its first byte): the server
    // handshake on the live connection with the service's certificate (the decky's unless the
    // persona names one), within min(idle timeout, 15 s). Bytes the client sent before the
    // handshake are discarded, never read as if they came over TLS (a command injected behind
    // STARTTLS, CVE-2011-0411). Then read_line/read_exact/read_some/write go through TLS.
    // False when the handshake failed, timed out or TLS is already on: the session should
    // end (tls_error() says why).
    boost::asio::awaitable<bool> start_tls();
    bool tls_active() const { return tls_ != nullptr && tls_ready_; }
    // Why start_tls() failed; "" when it did not, or when the peer just closed (a connect
    // scan, not worth a `tls_error` event).
    const std::string& tls_error() const { return tls_error_; }
    // "TLSv1.3" once start_tls() succeeded.
    std::string tls_version() const;
    // Plaintext bytes start_tls() threw away (pipelined after STARTTLS).
    std::size_t discarded_before_tls() const { return discarded_before_tls_; }
    void close();
    bool open() const;
    // Ends the session from the runtime (its source needed the room): the pending read
    // returns nullopt with close reason "evicted". On the session's thread only.
    void evict();

    // An event for this session: time, decky, service, and the attacker's address
    // (`src_ip`, `src_port`) filled in. Add fields, then emit(). With tracing on, emit() gives each
    // event a short `honeypot.event` child span of the session's span and stores its context in
    // Event::trace, so the stored row and every later stage point back to the session.
    Event event(std::string event_type, Severity severity = Severity::info) const;
    void emit(Event event) const;

    std::uint64_t bytes_in() const { return bytes_in_; }
    // Why reading stopped ("peer_closed", "idle_timeout", "session_timeout",
    // "bytes_limit", "line_too_long", "read_error", "evicted", "tls_handshake_timeout",
    // "tls_handshake_failed"), or "" while the peer is still
    // readable. Recorded on the session span when it ends.
    const char* close_reason() const { return close_reason_; }
    // Ends the session span (attributes bytes_in, close reason; status error with
    // `error` when the emulator threw). The destructor ends it too, without these.
    void finish_trace(const char* error = nullptr);

  private:
    struct Tls;                           // the TLS stream over socket_ (session.cpp)
    boost::asio::awaitable<bool> fill();  // read more into buffer_, honouring limits

    boost::asio::ip::tcp::socket socket_;
    std::unique_ptr<Tls> tls_;  // null while plain
    bool tls_ready_ = false;
    std::string tls_error_;
    std::size_t discarded_before_tls_ = 0;
    const ServiceContext& context_;
    const SessionLimits& limits_;
    std::string peer_ip_;
    std::uint16_t peer_port_ = 0;
    std::string buffer_;
    std::uint64_t bytes_in_ = 0;
    std::chrono::steady_clock::time_point deadline_;
    bool failed_ = false;
    bool peer_gone_ = false;  // a read saw the peer's FIN or reset
    const char* close_reason_ = "";
    LiveSession* live_ = nullptr;
    // The connection's `honeypot.session` span: a new trace per connection, never the
    // thread's current span (it lives across co_await, where other sessions run on this
    // thread). With tracing off it is one flag and untouched storage.
    telemetry::Span span_;
};

}  // namespace decnet::honeypot
