// Session I/O with deadlines and byte limits, plain or over TLS (start_tls), and event
// construction.
#include "honeypot/session.hpp"

#include <openssl/ssl.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>

#include "core/service_catalog.hpp"
#include "events/event_bus.hpp"
#include "honeypot/live_sessions.hpp"
#include "honeypot/world/certificates.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot {
namespace asio = boost::asio;
namespace ssl = asio::ssl;

namespace {
// A TLS client that neither finishes nor abandons its handshake is dropped after this.
constexpr auto kMaxHandshakeTime = std::chrono::seconds(15);
// How often a handshake waiting for its decky's first certificate looks again.
constexpr auto kCertificatePoll = std::chrono::milliseconds(20);
}  // namespace

// The TLS layer over the session's own socket, which stays the session's (local_ip(),
// cancel() and close() keep working on it).
struct Session::Tls {
    std::shared_ptr<ssl::context> context;  // outlives the stream that uses it
    ssl::stream<asio::ip::tcp::socket&> stream;

    Tls(asio::ip::tcp::socket& socket, std::shared_ptr<ssl::context> c)
        : context(std::move(c)), stream(socket, *context) {}
};

std::string ServiceContext::persona_value(std::string_view key) const {
    if (persona) {
        const auto it = persona->find(std::string(key));
        if (it != persona->end()) return it->second;
    }
    std::string value;
    if (const auto* info = find_service(service))
        for (const auto& k : info->persona)
            if (k.key == key) value = std::string(k.default_value);
    // What the product would print there is its host's name, never the decky's own name.
    const std::string& node = hostname.empty() ? decky : hostname;
    for (auto pos = value.find("{node}"); pos != std::string::npos; pos = value.find("{node}"))
        value.replace(pos, 6, node);
    return value;
}

Event ServiceContext::make_event(std::string event_type, Severity severity,
                                 const std::string& peer_ip, std::uint16_t peer_port) const {
    Event e;
    e.time = event_now();
    e.decky = decky;
    e.service = log_name;
    e.event_type = std::move(event_type);
    e.severity = severity;
    e.src_ip = peer_ip;
    e.src_port = peer_port;
    // Every service names the attacker the same way, first (the collector's first choice).
    e.add("src_ip", peer_ip).add("src_port", peer_port);
    return e;
}

void ServiceContext::emit(Event event, const telemetry::Span& exchange) const {
    if (events) ++*events;
    if (!bus) return;
    if (!telemetry::tracing_enabled()) {
        bus->publish(std::move(event));
        return;
    }
    // A child of the exchange, current only while the event is handed to the bus (no
    // co_await in between), so anything the publish path traces nests under it.
    const auto parent = exchange.context();
    telemetry::Span span(
        "honeypot.event",
        telemetry::SpanStart{.kind = telemetry::SpanKind::producer, .parent = &parent});
    if (span.recording())
        span.set_attributes({{"decky", event.decky},
                             {"service", event.service},
                             {"event_type", event.event_type},
                             {"attacker_ip", event.src_ip}});
    event.trace = span.context();
    bus->publish(std::move(event));
}

Session::Session(asio::ip::tcp::socket socket, const asio::ip::tcp::endpoint& peer,
                 const ServiceContext& context, const SessionLimits& limits, LiveSession* live)
    : socket_(std::move(socket)),
      context_(context),
      limits_(limits),
      // The runtime formatted the address once already, for the per-source table.
      peer_ip_(live ? live->source() : peer.address().to_string()),
      peer_port_(peer.port()),
      deadline_(std::chrono::steady_clock::now() + limits.max_session_time),
      live_(live),
      span_("honeypot.session",
            telemetry::SpanStart{
                .kind = telemetry::SpanKind::server, .new_root = true, .make_current = false}) {
    if (span_.recording())
        span_.set_attributes({{"decky", context.decky},
                              {"service", context.service},
                              {"attacker_ip", peer_ip_},
                              {"attacker_port", static_cast<std::int64_t>(peer_port_)}});
    if (live_) live_->attach(this);
}

Session::~Session() {
    if (live_) live_->attach(nullptr);
}

void Session::finish_trace(const char* error) {
    if (!span_.recording()) return;
    span_.set_attribute("bytes_in", static_cast<std::int64_t>(bytes_in_));
    if (*close_reason_) span_.set_attribute("close_reason", close_reason_);
    if (error) span_.set_status(telemetry::StatusCode::error, error);
    span_.end();
}

std::string Session::local_ip() const {
    boost::system::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    // An AF_UNIX socket (the dialogue tests' socketpair) has no address, and asio would read
    // its sockaddr as "::" (a passive listener there would be on every interface).
    const auto family = local.data()->sa_family;
    if (ec || (family != AF_INET && family != AF_INET6)) return {};
    return local.address().to_string();
}

std::uint16_t Session::local_port() const {
    boost::system::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    const auto family = local.data()->sa_family;
    if (ec || (family != AF_INET && family != AF_INET6)) return 0;
    return local.port();
}

bool Session::open() const {
    return socket_.is_open() && !failed_;
}

std::chrono::milliseconds Session::wait_budget(std::chrono::milliseconds wanted) const {
    if (limits_.instant_waits) return std::chrono::milliseconds::zero();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - std::chrono::steady_clock::now());
    return std::clamp(left, std::chrono::milliseconds::zero(), wanted);
}

asio::awaitable<void> Session::pause(std::chrono::milliseconds wanted) {
    const auto budget = wait_budget(wanted);
    if (budget <= std::chrono::milliseconds::zero()) co_return;
    asio::steady_timer timer(socket_.get_executor(), budget);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void Session::close() {
    boost::system::error_code ignored;
    // Once the peer has closed or reset, close() alone sends what shutdown() would (a FIN,
    // or nothing on a reset connection): one syscall less on every finished session.
    if (!peer_gone_) socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

void Session::evict() {
    if (!*close_reason_) close_reason_ = "evicted";
    failed_ = true;
    close();  // a pending read or write completes at once with operation_aborted
}

asio::awaitable<bool> Session::fill() {
    if (failed_) co_return false;
    if (bytes_in_ >= limits_.max_bytes_in) {
        close_reason_ = "bytes_limit";
        co_return false;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline_) {
        close_reason_ = "session_timeout";
        co_return false;
    }
    // The timer closes the read when the peer is idle (slowloris) or the session is over.
    asio::steady_timer timer(socket_.get_executor());
    timer.expires_after(
        std::min<std::chrono::steady_clock::duration>(limits_.idle_timeout, deadline_ - now));
    timer.async_wait([this](boost::system::error_code ec) {
        if (!ec) {
            boost::system::error_code ignored;
            socket_.cancel(ignored);
        }
    });
    char chunk[4096];
    const std::size_t room = std::min<std::size_t>(sizeof chunk, limits_.max_bytes_in - bytes_in_);
    boost::system::error_code ec;
    std::size_t n = 0;
    if (tls_)
        n = co_await tls_->stream.async_read_some(asio::buffer(chunk, room),
                                                  asio::redirect_error(asio::use_awaitable, ec));
    else
        n = co_await socket_.async_read_some(asio::buffer(chunk, room),
                                             asio::redirect_error(asio::use_awaitable, ec));
    timer.cancel();
    if (ec || n == 0) {
        failed_ = true;
        // Only the timer above cancels a read (no state shared with its handler, which
        // may still run after this frame is gone), or evict(), which set its reason.
        if (!*close_reason_) {
            if (ec == asio::error::operation_aborted)
                close_reason_ = std::chrono::steady_clock::now() >= deadline_ ? "session_timeout"
                                                                              : "idle_timeout";
            else
                // A TLS peer that closes without close_notify reads as stream_truncated.
                close_reason_ = ec && ec != asio::error::eof && ec != ssl::error::stream_truncated
                                    ? "read_error"
                                    : "peer_closed";
        }
        peer_gone_ = ec != asio::error::operation_aborted;
        co_return false;
    }
    bytes_in_ += n;
    buffer_.append(chunk, n);
    if (live_) live_->touch();
    co_return true;
}

asio::awaitable<std::optional<std::string>> Session::read_line() {
    for (;;) {
        const auto nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            co_return line;
        }
        if (buffer_.size() > limits_.max_line) {
            close_reason_ = "line_too_long";
            co_return std::nullopt;
        }
        if (!co_await fill()) co_return std::nullopt;
    }
}

asio::awaitable<std::optional<std::string>> Session::read_exact(std::size_t n) {
    if (n > limits_.max_line) co_return std::nullopt;
    while (buffer_.size() < n)
        if (!co_await fill()) co_return std::nullopt;
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    co_return out;
}

asio::awaitable<std::optional<std::string>> Session::read_some() {
    if (buffer_.empty() && !co_await fill()) co_return std::nullopt;
    std::string out = std::move(buffer_);
    buffer_.clear();
    co_return out;
}

asio::awaitable<bool> Session::write(std::string_view data) {
    if (!socket_.is_open() || (tls_ && !tls_ready_)) co_return false;
    boost::system::error_code ec;
    if (tls_)
        co_await asio::async_write(tls_->stream, asio::buffer(data.data(), data.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
    else
        co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec) failed_ = true;
    co_return !ec;
}

asio::awaitable<bool> Session::start_tls() {
    if (tls_ || failed_ || !socket_.is_open()) {
        tls_error_ = tls_ ? "TLS already started" : "connection closed";
        co_return false;
    }
    // Whatever the client pipelined before seeing our go-ahead is not part of the TLS
    // session: never answer it (Postfix does the same).
    discarded_before_tls_ += buffer_.size();
    buffer_.clear();
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline_) {
        failed_ = true;
        close_reason_ = "session_timeout";
        co_return false;
    }
    TlsIdentity* identity = context_.tls;
    if (!identity && context_.world) identity = context_.world->tls.get();
    const auto handshake_deadline =
        now + std::min<std::chrono::steady_clock::duration>(
                  {limits_.idle_timeout, kMaxHandshakeTime, deadline_ - now});
    // A decky's first TLS connection waits for its certificate, made on the certificate
    // thread (an RSA key here would stall every session of this I/O thread).
    std::shared_ptr<ssl::context> context;
    std::string error = identity ? "" : "no TLS certificate for this service";
    while (identity) {
        context = identity->poll(error);
        if (context || !error.empty()) break;
        if (std::chrono::steady_clock::now() >= handshake_deadline) {
            error = "certificate not ready";
            break;
        }
        asio::steady_timer wait(socket_.get_executor(), kCertificatePoll);
        boost::system::error_code ignored;
        co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (!context) {
        failed_ = true;
        tls_error_ = error;
        close_reason_ = "tls_handshake_failed";
        co_return false;
    }
    try {
        tls_ = std::make_unique<Tls>(socket_, std::move(context));
    } catch (const std::exception& e) {  // SSL_new failed: this session ends, not the process
        failed_ = true;
        tls_error_ = e.what();
        close_reason_ = "tls_handshake_failed";
        co_return false;
    }
    // A silent client must not hold the handshake forever. The handler touches the session
    // only while the handshake is pending (it may run after this frame and the session are
    // gone): 0 handshaking, 1 done, 2 timed out.
    asio::steady_timer timer(socket_.get_executor());
    timer.expires_at(handshake_deadline);
    auto phase = std::make_shared<int>(0);
    timer.async_wait([this, phase](const boost::system::error_code& ec) {
        if (ec || *phase != 0) return;
        *phase = 2;
        boost::system::error_code ignored;
        socket_.cancel(ignored);
    });
    boost::system::error_code ec;
    co_await tls_->stream.async_handshake(ssl::stream_base::server,
                                          asio::redirect_error(asio::use_awaitable, ec));
    const bool timed_out = *phase == 2;
    *phase = 1;
    timer.cancel();
    if (ec) {
        failed_ = true;
        if (timed_out) {
            tls_error_ = "handshake timed out";
            close_reason_ = "tls_handshake_timeout";
        } else if (ec == asio::error::eof || ec == ssl::error::stream_truncated) {
            // Connected and closed without a word: a connect scan, not a TLS error.
            peer_gone_ = true;
            close_reason_ = "peer_closed";
        } else {
            tls_error_ = ec.message();
            close_reason_ = "tls_handshake_failed";
        }
        co_return false;
    }
    tls_ready_ = true;
    if (span_.recording()) span_.set_attribute("tls_version", tls_version());
    co_return true;
}

std::string Session::tls_version() const {
    return tls_ready_ ? SSL_get_version(tls_->stream.native_handle()) : "";
}

Event Session::event(std::string event_type, Severity severity) const {
    return context_.make_event(std::move(event_type), severity, peer_ip_, peer_port_);
}

void Session::emit(Event event) const {
    context_.emit(std::move(event), span_);
}

}  // namespace decnet::honeypot
