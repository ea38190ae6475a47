// UDP receive loop and its guards (see udp_listener.hpp).
#include "honeypot/udp_listener.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <future>

#include "core/error.hpp"
#include "telemetry/metrics.hpp"

namespace decnet::honeypot {
namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// A UDP datagram's largest payload; reading into this much never truncates silently.
constexpr std::size_t kReadBuffer = 64 * 1024;

telemetry::metrics::CounterFamily& dropped_family() {
    static auto& family = telemetry::metrics::registry().counter(
        "decnet_udp_datagrams_dropped_total",
        "UDP datagrams not handed to an emulator, or replies not sent, by reason", {"reason"});
    return family;
}

telemetry::metrics::Counter& dropped(std::string_view reason) {
    return dropped_family().with({reason});
}

telemetry::metrics::Counter& received() {
    static auto& counter = telemetry::metrics::registry()
                               .counter("decnet_udp_datagrams_received_total",
                                        "UDP datagrams received on deckies' service ports", {})
                               .with(std::vector<std::string>{});
    return counter;
}

}  // namespace

std::uint64_t udp_datagrams_dropped(std::string_view reason) {
    return dropped(reason).value();
}

UdpListener::UdpListener(asio::io_context& io, const std::string& decky, const std::string& ip,
                         std::uint16_t port, int ttl, int fd, ServiceContext context,
                         PersonaConfig persona, std::shared_ptr<const void> keep_alive,
                         DatagramHandler handler, UdpLimits limits)
    : io_(io),
      socket_(std::make_unique<udp::socket>(io)),
      persona_(std::move(persona)),
      context_(std::move(context)),
      keep_alive_(std::move(keep_alive)),
      handler_(handler),
      limits_(limits),
      port_(port),
      port_bucket_{limits.per_port_burst, std::chrono::steady_clock::now()} {
    context_.persona = &persona_;
    const std::string where = ip + ":" + std::to_string(port) + "/udp (" + context_.service + ")";
    boost::system::error_code ec;
    if (fd >= 0) {
        socket_->assign(udp::v4(), fd, ec);
        if (ec) ::close(fd);
    } else {
        const udp::endpoint at(asio::ip::make_address_v4(ip), port);
        socket_->open(udp::v4(), ec);
        // No SO_REUSEADDR: for UDP it would let a second socket share the port silently.
        if (!ec) socket_->bind(at, ec);
    }
    // Replies are sent without waiting: a full send buffer drops the reply, never blocks.
    if (!ec) socket_->non_blocking(true, ec);
    if (ec) throw ConfigError(decky + ": cannot listen on " + where + ": " + ec.message());
    // The OS family's TTL on every reply, as TCP listeners do for their connections.
    setsockopt(socket_->native_handle(), IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    dropped("oversize");
    dropped("rate_limited");
    dropped("amplification");
    received();
}

void UdpListener::start() {
    asio::co_spawn(
        io_, [self = shared_from_this()] { return self->receive_loop(); }, asio::detached);
}

void UdpListener::close(bool threads_running, std::chrono::milliseconds timeout) {
    if (!threads_running) {
        boost::system::error_code ignored;
        if (socket_) socket_->close(ignored);
        return;
    }
    auto closed = std::make_shared<std::promise<void>>();
    auto done = closed->get_future();
    asio::post(io_, [self = shared_from_this(), closed] {
        boost::system::error_code ignored;
        if (self->socket_) self->socket_->close(ignored);
        closed->set_value();
    });
    done.wait_for(timeout);
}

void UdpListener::release() {
    socket_.reset();
}

bool UdpListener::take(Bucket& bucket, double rate, double burst,
                       std::chrono::steady_clock::time_point now) {
    const std::chrono::duration<double> elapsed = now - bucket.last;
    bucket.tokens = std::min(burst, bucket.tokens + elapsed.count() * rate);
    bucket.last = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
}

bool UdpListener::admit(const std::string& source, std::chrono::steady_clock::time_point now) {
    // The source's own bucket first, so one flooder exhausts only its own budget and
    // leaves the port's to everyone else.
    auto it = sources_.find(source);
    if (it == sources_.end() && sources_.size() >= limits_.max_sources &&
        now - last_prune_ >= std::chrono::milliseconds(100)) {
        // Forget sources whose bucket has refilled: they are indistinguishable from new.
        // At most every 100 ms, so a flood of new addresses costs no scan per datagram.
        last_prune_ = now;
        const auto refill =
            std::chrono::duration<double>(limits_.per_source_burst / limits_.per_source_rate);
        std::erase_if(sources_,
                      [&](const auto& entry) { return now - entry.second.last >= refill; });
    }
    if (it == sources_.end() && sources_.size() < limits_.max_sources)
        it = sources_.emplace(source, Bucket{limits_.per_source_burst, now}).first;
    // Still full: a flood from many (spoofed) addresses; only the port's bucket bounds it.
    if (it != sources_.end() &&
        !take(it->second, limits_.per_source_rate, limits_.per_source_burst, now))
        return false;
    return take(port_bucket_, limits_.per_port_rate, limits_.per_port_burst, now);
}

void UdpListener::handle(std::string_view payload, const udp::endpoint& peer) {
    std::string source = peer.address().to_string();
    if (!admit(source, std::chrono::steady_clock::now())) {
        dropped("rate_limited").inc();
        return;
    }
    DatagramExchange exchange(context_, std::move(source), peer.port(), port_, payload);
    try {
        handler_(exchange);
    } catch (const std::exception& e) {
        // An emulator bug must never take the process down: record it and move on.
        exchange.emit(exchange.event("session_error", Severity::error).add("error", e.what()));
        return;
    }
    std::size_t total = 0;
    for (const auto& r : exchange.replies()) total += r.size();
    if (total > limits_.amplification * payload.size()) {
        dropped("amplification").inc();
        return;
    }
    for (const auto& r : exchange.replies()) {
        boost::system::error_code ec;
        socket_->send_to(asio::buffer(r), peer, 0, ec);
        if (ec) dropped("send_error").inc();
    }
}

asio::awaitable<void> UdpListener::receive_loop() {
    std::vector<char> buffer(kReadBuffer);
    for (;;) {
        if (!socket_ || !socket_->is_open()) co_return;
        boost::system::error_code ec;
        udp::endpoint peer;
        const auto n = co_await socket_->async_receive_from(
            asio::buffer(buffer), peer, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !socket_ || !socket_->is_open()) co_return;
        if (ec) continue;  // e.g. ICMP port unreachable reported for an earlier reply
        received().inc();
        if (n > limits_.max_datagram) {
            dropped("oversize").inc();
            continue;
        }
        handle(std::string_view(buffer.data(), n), peer);
    }
}

}  // namespace decnet::honeypot
