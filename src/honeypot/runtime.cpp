// Listener setup (per-socket OS fingerprint options), accept loops and session limits.
#include "honeypot/runtime.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <boost/asio.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/error.hpp"
#include "core/os_profiles.hpp"
#include "core/service_catalog.hpp"
#include "events/event_bus.hpp"
#include "honeypot/service_registry.hpp"
#include "honeypot/session.hpp"

namespace decnet::honeypot {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// The reference logs smtp_relay under APP-NAME "smtp"; keep that for collector parity.
std::string log_name_for(std::string_view slug) {
    return slug == "smtp_relay" ? std::string("smtp") : std::string(slug);
}

// TTL, MSS and receive buffer on the listening socket are inherited by every accepted
// connection, so even a loopback decky's SYN-ACK carries its OS family's TTL.
void apply_os_profile(tcp::acceptor& acceptor, const OsProfile& os) {
    const int fd = acceptor.native_handle();
    const int ttl = os.ttl;
    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    const int mss = os.mss;
    setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
    const int rcvbuf = os.rmem_default;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
}

}  // namespace

struct Runtime::Impl {
    struct Listener {
        ListenerInfo info;
        ServiceContext context;
        ServiceHandler handler = nullptr;
        std::unique_ptr<tcp::acceptor> acceptor;
        std::atomic<std::size_t>* decky_sessions = nullptr;
    };

    EventBus& bus;
    SessionLimits limits;
    unsigned thread_count;
    asio::io_context io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::vector<std::thread> threads;
    std::vector<std::unique_ptr<Listener>> listeners;
    std::unordered_map<std::string, std::unique_ptr<std::atomic<std::size_t>>> decky_sessions;
    std::unordered_map<std::string, PersonaConfig> personas;  // "decky/service" → persona

    std::mutex sources_mutex;
    std::unordered_map<std::string, std::size_t> sessions_per_source;  // guarded

    std::atomic<std::uint64_t> sessions_total{0}, sessions_active{0}, rejected_decky{0},
        rejected_source{0};

    Impl(EventBus& b, SessionLimits l, unsigned t)
        : bus(b),
          limits(l),
          thread_count(t ? t : std::max(1u, std::thread::hardware_concurrency())),
          io(static_cast<int>(thread_count)) {}

    bool admit_source(const std::string& ip) {
        const std::lock_guard lock(sources_mutex);
        auto& count = sessions_per_source[ip];
        if (count >= limits.max_sessions_per_source) return false;
        ++count;
        return true;
    }

    void release_source(const std::string& ip) {
        const std::lock_guard lock(sources_mutex);
        const auto it = sessions_per_source.find(ip);
        if (it != sessions_per_source.end() && --it->second == 0) sessions_per_source.erase(it);
    }

    asio::awaitable<void> run_session(Listener& listener, tcp::socket socket, std::string source) {
        Session session(std::move(socket), listener.context, limits);
        try {
            co_await listener.handler(session);
        } catch (const std::exception& e) {
            // An emulator bug must never take the process down: record it and move on.
            session.emit(session.event("session_error", Severity::error)
                             .add("src", session.peer_ip())
                             .add("error", e.what()));
        }
        session.close();
        release_source(source);
        --*listener.decky_sessions;
        --sessions_active;
    }

    asio::awaitable<void> accept_loop(Listener& listener) {
        for (;;) {
            boost::system::error_code ec;
            tcp::socket socket = co_await listener.acceptor->async_accept(
                asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::operation_aborted || !listener.acceptor->is_open()) co_return;
            if (ec) continue;
            const auto remote = socket.remote_endpoint(ec);
            if (ec) continue;
            std::string source = remote.address().to_string();
            if (listener.decky_sessions->load() >= limits.max_sessions_per_decky) {
                ++rejected_decky;
                continue;
            }
            if (!admit_source(source)) {
                ++rejected_source;
                continue;
            }
            ++*listener.decky_sessions;
            ++sessions_total;
            ++sessions_active;
            asio::co_spawn(io, run_session(listener, std::move(socket), std::move(source)),
                           asio::detached);
        }
    }

    void bind_listener(const DeckyConfig& decky, const std::string& slug, const ServicePort& port,
                       ServiceHandler handler) {
        auto listener = std::make_unique<Listener>();
        listener->info = {decky.name, decky.ip, slug, port.port, "tcp"};
        listener->handler = handler;
        auto& persona = personas[decky.name + "/" + slug];
        if (const auto it = decky.service_config.find(slug); it != decky.service_config.end())
            persona = it->second;
        listener->context = {decky.name, decky.hostname, slug, log_name_for(slug), &persona, &bus};
        auto& counter = decky_sessions[decky.name];
        if (!counter) counter = std::make_unique<std::atomic<std::size_t>>(0);
        listener->decky_sessions = counter.get();

        const tcp::endpoint where(asio::ip::make_address_v4(decky.ip), port.port);
        auto acceptor = std::make_unique<tcp::acceptor>(io);
        boost::system::error_code ec;
        acceptor->open(where.protocol(), ec);
        if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
        if (!ec) apply_os_profile(*acceptor, os_profile(decky.nmap_os));
        if (!ec) acceptor->bind(where, ec);
        if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            throw ConfigError(decky.name + ": cannot listen on " + decky.ip + ":" +
                              std::to_string(port.port) + "/tcp (" + slug + "): " + ec.message());
        listener->acceptor = std::move(acceptor);
        listeners.push_back(std::move(listener));
    }
};

Runtime::Runtime(EventBus& bus, SessionLimits limits, unsigned threads)
    : impl_(std::make_unique<Impl>(bus, limits, threads)) {}

Runtime::~Runtime() {
    stop();
}

DeployReport Runtime::deploy(const DeploymentConfig& config) {
    DeployReport report;
    const auto first_new = impl_->listeners.size();
    try {
        for (const auto& decky : config.deckies) {
            for (const auto& slug : decky.services) {
                const auto* info = find_service(slug);
                const auto handler = find_service_handler(slug);
                if (!info || !handler) {
                    report.unavailable.push_back(decky.name + "/" + slug);
                    continue;
                }
                for (const auto& port : info->ports) {
                    if (port.transport != Transport::tcp) continue;
                    impl_->bind_listener(decky, slug, port, handler);
                    report.listening.push_back(impl_->listeners.back()->info);
                }
            }
        }
    } catch (...) {
        impl_->listeners.resize(first_new);  // closes what this call bound
        throw;
    }
    for (auto i = first_new; i < impl_->listeners.size(); ++i)
        asio::co_spawn(impl_->io, impl_->accept_loop(*impl_->listeners[i]), asio::detached);
    return report;
}

void Runtime::start() {
    if (!impl_->threads.empty()) return;
    impl_->work.emplace(impl_->io.get_executor());
    for (unsigned i = 0; i < impl_->thread_count; ++i)
        impl_->threads.emplace_back([this] { impl_->io.run(); });
}

void Runtime::stop() {
    if (impl_->threads.empty()) return;
    impl_->work.reset();
    impl_->io.stop();
    for (auto& t : impl_->threads) t.join();
    impl_->threads.clear();
    impl_->listeners.clear();
}

std::vector<ListenerInfo> Runtime::listeners() const {
    std::vector<ListenerInfo> out;
    for (const auto& l : impl_->listeners) out.push_back(l->info);
    return out;
}

RuntimeStats Runtime::stats() const {
    return {impl_->sessions_total.load(), impl_->sessions_active.load(),
            impl_->rejected_decky.load(), impl_->rejected_source.load()};
}

}  // namespace decnet::honeypot
