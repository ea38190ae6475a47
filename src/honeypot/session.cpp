// Session I/O with deadlines and byte limits, and event construction.
#include "honeypot/session.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/service_catalog.hpp"
#include "events/event_bus.hpp"

namespace decnet::honeypot {
namespace asio = boost::asio;

std::string ServiceContext::persona_value(std::string_view key) const {
    if (persona) {
        const auto it = persona->find(std::string(key));
        if (it != persona->end()) return it->second;
    }
    std::string value;
    if (const auto* info = find_service(service))
        for (const auto& k : info->persona)
            if (k.key == key) value = std::string(k.default_value);
    for (auto pos = value.find("{node}"); pos != std::string::npos; pos = value.find("{node}"))
        value.replace(pos, 6, decky);
    return value;
}

Session::Session(asio::ip::tcp::socket socket, const asio::ip::tcp::endpoint& peer,
                 const ServiceContext& context, const SessionLimits& limits)
    : socket_(std::move(socket)),
      context_(context),
      limits_(limits),
      peer_ip_(peer.address().to_string()),
      peer_port_(peer.port()),
      deadline_(std::chrono::steady_clock::now() + limits.max_session_time) {}

std::string Session::local_ip() const {
    boost::system::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    return ec ? std::string() : local.address().to_string();
}

bool Session::open() const {
    return socket_.is_open() && !failed_;
}

void Session::close() {
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

asio::awaitable<bool> Session::fill() {
    if (failed_ || bytes_in_ >= limits_.max_bytes_in) co_return false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline_) co_return false;
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
    const auto n = co_await socket_.async_read_some(asio::buffer(chunk, room),
                                                    asio::redirect_error(asio::use_awaitable, ec));
    timer.cancel();
    if (ec || n == 0) {
        failed_ = true;
        co_return false;
    }
    bytes_in_ += n;
    buffer_.append(chunk, n);
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
        if (buffer_.size() > limits_.max_line || !co_await fill()) co_return std::nullopt;
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
    if (!socket_.is_open()) co_return false;
    boost::system::error_code ec;
    co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) failed_ = true;
    co_return !ec;
}

Event Session::event(std::string event_type, Severity severity) const {
    Event e;
    e.time = event_now();
    e.decky = context_.decky;
    e.service = context_.log_name;
    e.event_type = std::move(event_type);
    e.severity = severity;
    e.src_ip = peer_ip_;
    e.src_port = peer_port_;
    return e;
}

void Session::emit(Event event) const {
    if (context_.events) ++*context_.events;
    if (context_.bus) context_.bus->publish(std::move(event));
}

}  // namespace decnet::honeypot
