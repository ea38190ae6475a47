// Asio implementation of the syslog listener: one coroutine per UDP socket, per TCP/TLS
// acceptor and per connection, all on one io_context.
#include "events/syslog_listener.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <atomic>
#include <charconv>

#include "core/error.hpp"
#include "events/relp_session.hpp"

namespace decnet {
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

std::string_view protocol_name(ListenEndpoint::Protocol p) {
    switch (p) {
        case ListenEndpoint::Protocol::udp:
            return "udp";
        case ListenEndpoint::Protocol::tcp:
            return "tcp";
        case ListenEndpoint::Protocol::tls:
            return "tls";
        case ListenEndpoint::Protocol::relp:
            return "relp";
    }
    return "udp";
}

void close_lowest(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.close(ignored);
}

void close_lowest(asio::ssl::stream<tcp::socket>& stream) {
    close_lowest(stream.next_layer());
}

std::string strip_cr(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    return std::string(line);
}

}  // namespace

std::string ListenEndpoint::str() const {
    const bool v6 = host.find(':') != std::string::npos;
    return std::string(protocol_name(protocol)) + "://" + (v6 ? "[" + host + "]" : host) + ":" +
           std::to_string(port);
}

std::vector<ListenEndpoint> parse_listen_list(std::string_view text) {
    std::vector<ListenEndpoint> out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.empty()) continue;
        const auto bad = [&](const std::string& why) {
            return ConfigError("invalid --listen entry '" + std::string(item) + "': " + why +
                               " (expected udp://HOST:PORT, tcp://HOST:PORT, tls://HOST:PORT or "
                               "relp://HOST:PORT)");
        };
        ListenEndpoint ep;
        const auto scheme_end = item.find("://");
        if (scheme_end == std::string_view::npos) throw bad("no scheme");
        const auto scheme = item.substr(0, scheme_end);
        if (scheme == "udp")
            ep.protocol = ListenEndpoint::Protocol::udp;
        else if (scheme == "tcp")
            ep.protocol = ListenEndpoint::Protocol::tcp;
        else if (scheme == "tls")
            ep.protocol = ListenEndpoint::Protocol::tls;
        else if (scheme == "relp")
            ep.protocol = ListenEndpoint::Protocol::relp;
        else
            throw bad("unknown scheme");
        auto rest = item.substr(scheme_end + 3);
        const auto colon = rest.rfind(':');
        if (colon == std::string_view::npos || colon == 0) throw bad("no host:port");
        auto host = rest.substr(0, colon);
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
            host = host.substr(1, host.size() - 2);
        const auto port = rest.substr(colon + 1);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535)
            throw bad("bad port");
        boost::system::error_code address_error;
        asio::ip::make_address(std::string(host), address_error);
        if (address_error) throw bad("host must be an IP address");
        ep.host = std::string(host);
        ep.port = static_cast<std::uint16_t>(value);
        out.push_back(std::move(ep));
    }
    if (out.empty())
        throw ConfigError("--listen needs at least one udp://, tcp://, tls:// or relp:// endpoint");
    return out;
}

struct SyslogListener::Impl {
    std::vector<ListenEndpoint> endpoints;
    SyslogLineHandler handler;
    SyslogReliableHandler reliable_handler;
    SyslogTlsOptions tls_options;
    SyslogListenerLimits limits;
    asio::io_context io{1};
    std::unique_ptr<asio::ssl::context> tls;
    std::vector<std::unique_ptr<udp::socket>> udp_sockets;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    std::vector<std::uint16_t> ports;
    std::atomic<std::uint64_t> lines{0}, oversized{0}, connections{0}, refused{0}, tls_failures{0},
        framing_errors{0}, relp_messages{0}, relp_bad_frames{0}, relp_nacked{0};
    std::atomic<std::size_t> open_connections{0};

    void deliver(std::string_view line, const std::string& peer) {
        if (line.size() > limits.max_line) {
            ++oversized;
            return;
        }
        const auto clean = strip_cr(line);
        if (clean.empty()) return;
        ++lines;
        handler(clean, peer);
    }

    asio::awaitable<void> serve_udp(udp::socket& socket) {
        std::vector<char> buffer(limits.max_line + 1);
        udp::endpoint sender;
        for (;;) {
            boost::system::error_code ec;
            const auto n = co_await socket.async_receive_from(
                asio::buffer(buffer), sender, asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::operation_aborted || !socket.is_open()) co_return;
            if (ec) continue;
            if (n > limits.max_line) {
                ++oversized;
                continue;
            }
            // One datagram may carry several newline-separated messages.
            const std::string peer =
                sender.address().to_string() + ":" + std::to_string(sender.port());
            std::string_view data(buffer.data(), n);
            while (!data.empty()) {
                const auto nl = data.find('\n');
                deliver(data.substr(0, nl), peer);
                if (nl == std::string_view::npos) break;
                data.remove_prefix(nl + 1);
            }
        }
    }

    // RFC 6587: "LEN SP MSG" when a frame starts with a digit, else up to LF.
    template <class Stream>
    asio::awaitable<void> read_frames(Stream& stream, const std::string& peer) {
        std::string buffer;
        std::array<char, 16384> chunk{};
        asio::steady_timer idle(io);
        for (;;) {
            // Extract every complete frame already buffered.
            for (;;) {
                if (buffer.empty()) break;
                if (buffer[0] >= '1' && buffer[0] <= '9') {
                    const auto space = buffer.find(' ');
                    if (space == std::string::npos) {
                        if (buffer.size() > 10) co_return void(++framing_errors);
                        break;
                    }
                    std::size_t length = 0;
                    const auto [end, ec] =
                        std::from_chars(buffer.data(), buffer.data() + space, length);
                    if (ec != std::errc{} || end != buffer.data() + space)
                        co_return void(++framing_errors);
                    if (length > limits.max_line) {
                        ++oversized;
                        co_return void(++framing_errors);
                    }
                    if (buffer.size() < space + 1 + length) break;
                    deliver(std::string_view(buffer).substr(space + 1, length), peer);
                    buffer.erase(0, space + 1 + length);
                } else {
                    const auto nl = buffer.find('\n');
                    if (nl == std::string::npos) {
                        if (buffer.size() > limits.max_line) {
                            ++oversized;
                            buffer.clear();  // drop the oversized line; resync at next LF
                        }
                        break;
                    }
                    deliver(std::string_view(buffer).substr(0, nl), peer);
                    buffer.erase(0, nl + 1);
                }
            }
            idle.expires_after(limits.idle_timeout);
            idle.async_wait([&stream](boost::system::error_code ec) {
                if (!ec) close_lowest(stream);  // idle or slowloris: drop the connection
            });
            boost::system::error_code ec;
            const auto n = co_await stream.async_read_some(
                asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
            idle.cancel();
            if (ec) co_return;
            buffer.append(chunk.data(), n);
        }
    }

    asio::awaitable<void> serve_connection(tcp::socket socket, ListenEndpoint::Protocol protocol) {
        struct Slot {
            std::atomic<std::size_t>& open;
            ~Slot() { --open; }
        } slot{open_connections};
        boost::system::error_code ec;
        const auto remote = socket.remote_endpoint(ec);
        const std::string peer =
            ec ? "unknown" : remote.address().to_string() + ":" + std::to_string(remote.port());
        if (protocol == ListenEndpoint::Protocol::relp) {
            co_await serve_relp(std::move(socket), peer, reliable_handler, limits,
                                {relp_messages, relp_bad_frames, relp_nacked});
            co_return;
        }
        if (protocol != ListenEndpoint::Protocol::tls) {
            co_await read_frames(socket, peer);
            co_return;
        }
        asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
        asio::steady_timer deadline(io);
        deadline.expires_after(std::chrono::seconds(10));
        deadline.async_wait([&stream](boost::system::error_code e) {
            if (!e) close_lowest(stream);
        });
        co_await stream.async_handshake(asio::ssl::stream_base::server,
                                        asio::redirect_error(asio::use_awaitable, ec));
        deadline.cancel();
        if (ec) {
            ++tls_failures;
            co_return;
        }
        co_await read_frames(stream, peer);
    }

    asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, ListenEndpoint::Protocol protocol) {
        for (;;) {
            boost::system::error_code ec;
            tcp::socket socket =
                co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            if (ec) continue;
            if (open_connections.load() >= limits.max_connections) {
                ++refused;
                continue;  // the socket closes as it goes out of scope
            }
            ++open_connections;
            ++connections;
            asio::co_spawn(io, serve_connection(std::move(socket), protocol), asio::detached);
        }
    }

    void make_tls_context() {
        tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
        tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
        try {
            tls->use_certificate_chain_file(tls_options.cert_file);
            tls->use_private_key_file(tls_options.key_file, asio::ssl::context::pem);
            if (!tls_options.client_ca_file.empty()) {
                tls->load_verify_file(tls_options.client_ca_file);
                tls->set_verify_mode(asio::ssl::verify_peer |
                                     asio::ssl::verify_fail_if_no_peer_cert);
            }
        } catch (const boost::system::system_error& e) {
            throw ConfigError(std::string("TLS listener: cannot load certificate/key: ") +
                              e.what());
        }
    }

    void bind(const ListenEndpoint& ep) {
        const auto address = asio::ip::make_address(ep.host);
        boost::system::error_code ec;
        if (ep.protocol == ListenEndpoint::Protocol::udp) {
            auto socket = std::make_unique<udp::socket>(io);
            const udp::endpoint where(address, ep.port);
            socket->open(where.protocol(), ec);
            if (!ec) socket->bind(where, ec);
            if (ec) throw ConfigError("cannot listen on " + ep.str() + ": " + ec.message());
            ports.push_back(socket->local_endpoint().port());
            udp_sockets.push_back(std::move(socket));
            return;
        }
        if (ep.protocol == ListenEndpoint::Protocol::tls && !tls) {
            if (tls_options.cert_file.empty() || tls_options.key_file.empty())
                throw ConfigError("tls:// listeners need --tls-cert and --tls-key");
            make_tls_context();
        }
        auto acceptor = std::make_unique<tcp::acceptor>(io);
        const tcp::endpoint where(address, ep.port);
        acceptor->open(where.protocol(), ec);
        if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
        if (!ec) acceptor->bind(where, ec);
        if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
        if (ec) throw ConfigError("cannot listen on " + ep.str() + ": " + ec.message());
        ports.push_back(acceptor->local_endpoint().port());
        acceptors.push_back(std::move(acceptor));
    }
};

SyslogListener::SyslogListener(std::vector<ListenEndpoint> endpoints, SyslogLineHandler handler,
                               SyslogTlsOptions tls, SyslogListenerLimits limits)
    : impl_(std::make_unique<Impl>()) {
    impl_->endpoints = std::move(endpoints);
    impl_->handler = std::move(handler);
    impl_->tls_options = std::move(tls);
    impl_->limits = limits;
}

SyslogListener::~SyslogListener() = default;

void SyslogListener::set_reliable_handler(SyslogReliableHandler handler) {
    impl_->reliable_handler = std::move(handler);
}

void SyslogListener::start() {
    if (!impl_->reliable_handler) {
        impl_->reliable_handler = [this](std::string_view line, std::string_view peer,
                                         const SyslogAck& ack) {
            impl_->deliver(line, std::string(peer));
            ack(true);
        };
    }
    for (const auto& ep : impl_->endpoints) impl_->bind(ep);
    for (auto& socket : impl_->udp_sockets)
        asio::co_spawn(impl_->io, impl_->serve_udp(*socket), asio::detached);
    std::size_t acceptor_index = 0;
    for (const auto& ep : impl_->endpoints) {
        if (ep.protocol == ListenEndpoint::Protocol::udp) continue;
        auto& acceptor = *impl_->acceptors[acceptor_index++];
        asio::co_spawn(impl_->io, impl_->accept_loop(acceptor, ep.protocol), asio::detached);
    }
}

void SyslogListener::run() {
    impl_->io.run();
}

void SyslogListener::stop() {
    impl_->io.stop();
}

std::vector<std::uint16_t> SyslogListener::bound_ports() const {
    return impl_->ports;
}

SyslogListenerStats SyslogListener::stats() const {
    return {
        impl_->lines.load(),         impl_->oversized.load(),       impl_->connections.load(),
        impl_->refused.load(),       impl_->tls_failures.load(),    impl_->framing_errors.load(),
        impl_->relp_messages.load(), impl_->relp_bad_frames.load(), impl_->relp_nacked.load()};
}

}  // namespace decnet
