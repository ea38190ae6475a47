// Listener setup (per-socket OS fingerprint options), accept loops, session limits, and
// the live changes (add/remove a decky, swap its services) made from other threads.
#include "honeypot/runtime.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <boost/asio.hpp>

#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "core/error.hpp"
#include "core/os_profiles.hpp"
#include "core/service_catalog.hpp"
#include "events/event_bus.hpp"
#include "honeypot/accepted_socket.hpp"
#include "honeypot/live_sessions.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/udp_listener.hpp"
#include "honeypot/world/certificates.hpp"
#include "honeypot/world/decky_world.hpp"
#include "telemetry/metrics.hpp"

namespace decnet::honeypot {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// The APP-NAME a service's events carry (a catalogue fact: smtp_relay logs as smtp).
std::string log_name_for(std::string_view slug) {
    const auto* info = find_service(slug);
    return std::string(info ? info->app_name() : slug);
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

// Counters shared by a decky's listeners and the sessions they start (which may outlive
// the listeners when the decky is removed or mutated).
struct DeckyCounters {
    std::atomic<std::size_t> sessions{0};
    std::atomic<std::uint64_t> events{0};
};

// decnet_service_sessions_active{decky,service} (docs/METRICS.md): the one per-service
// figure the scrape-time collectors cannot derive from DeckyCounters.
telemetry::metrics::GaugeFamily& service_sessions_active() {
    static auto& family = telemetry::metrics::registry().gauge(
        "decnet_service_sessions_active", "Attacker sessions open now per decky and service",
        {"decky", "service"});
    return family;
}

// One listening socket per I/O thread, all bound to the same address in one SO_REUSEPORT
// group: acceptors[i] is thread i's, the kernel hands each connection to one of them, and
// its session runs on that thread. A single socket shared by every thread would wake all
// of them for each connection, all but one to find nothing to accept. Each acceptor is
// closed by posting to its own (single-threaded) io_context; sessions keep the listener
// alive through shared_ptr.
struct Listener {
    ListenerInfo info;
    PersonaConfig persona;
    ServiceContext context;
    StreamHandler handler = nullptr;
    SessionLimits limits;                             // the runtime's, as the module adjusts them
    std::shared_ptr<const ServiceSettings> settings;  // context.settings points into it
    bool tls = false;  // the port speaks TLS: start it before the handler runs
    std::shared_ptr<DeckyCounters> counters;
    std::shared_ptr<const DeckyWorld> world;                // context.world points into it
    std::shared_ptr<TlsIdentity> tls_identity;              // context.tls; null: the decky's
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;  // [i] runs on io_contexts[i]
    telemetry::metrics::Gauge* active_sessions = nullptr;   // looked up once, lives forever
    std::shared_ptr<UdpListener> udp;  // a UDP port: its socket and loop, no acceptors
};

struct DeckyEntry {
    DeckyConfig config;
    std::shared_ptr<const DeckyWorld> world;  // shared with its listeners' contexts
    std::shared_ptr<DeckyCounters> counters = std::make_shared<DeckyCounters>();
    std::vector<std::shared_ptr<Listener>> listeners;
};

// A deadline every I/O thread re-arms forever: it keeps the earliest timer in each
// io_context's queue at most this far away, so arming a session's (longer) idle deadline on
// every read never reprograms the thread's timerfd (a syscall per connection otherwise).
constexpr auto kHeartbeat = std::chrono::milliseconds(500);

asio::awaitable<void> heartbeat() {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_after(kHeartbeat);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
    }
}

// How long a live change waits for a listener's threads to close it.
constexpr auto kCloseTimeout = std::chrono::seconds(5);

}  // namespace

struct Runtime::Impl {
    EventBus& bus;
    SessionLimits limits;
    unsigned thread_count;
    // Declared before the io_contexts: sessions they still hold may hand bytes to it
    // while they are destroyed.
    std::unique_ptr<ArtifactStore> artifacts;  // set with the state dir; guarded like it
    // One io_context per I/O thread (concurrency hint 1: no scheduler locking, and work
    // posted from its own thread never wakes another one).
    std::vector<std::unique_ptr<asio::io_context>> io_contexts;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::vector<std::thread> threads;  // touched by start()/stop() only
    SocketOpener socket_opener;        // guarded by deckies_mutex; empty: plain bind
    std::string state_dir;             // set before deckies are added; empty: none
    unsigned next_udp_thread = 0;      // UDP sockets spread over the threads; guarded too

    // Live changes come from the control socket, the mutator and the API; one at a time.
    mutable std::mutex deckies_mutex;
    std::map<std::string, DeckyEntry, std::less<>> deckies;  // guarded by deckies_mutex
    // Every listener still alive (removed ones may live on in their sessions): a listener
    // has an acceptor on every io_context, so stop() destroys them all before any
    // io_context goes, or the last io_context's shutdown would free acceptors of one
    // already destroyed. Guarded by deckies_mutex.
    std::vector<std::weak_ptr<Listener>> all_listeners;
    std::atomic<bool> running{false};

    SourceSessions sources;  // every live session by attacker address

    std::atomic<std::uint64_t> sessions_total{0}, sessions_active{0}, rejected_decky{0},
        rejected_source{0}, evicted_source{0};

    Impl(EventBus& b, SessionLimits l, unsigned t)
        : bus(b),
          limits(l),
          thread_count(t ? t : std::max(1u, std::thread::hardware_concurrency())),
          sources(l.max_sessions_per_source) {
        for (unsigned i = 0; i < thread_count; ++i)
            io_contexts.push_back(std::make_unique<asio::io_context>(1));
    }

    // Threads joined (or never started): see all_listeners.
    void destroy_acceptors() {
        for (const auto& weak : all_listeners)
            if (const auto l = weak.lock()) {
                l->acceptors.clear();
                if (l->udp) l->udp->release();
            }
        all_listeners.clear();
    }

    ~Impl() {
        deckies.clear();
        destroy_acceptors();
    }

    // TLS ports: the handshake on the session itself, so the emulator reads plaintext and
    // local_ip() is the decky's. A failure is a `tls_error` event (plain HTTP on 443 is a
    // scanner's habit worth seeing); a connect-and-close (port scan) is not an error, like
    // an empty plain connection.
    asio::awaitable<bool> start_implicit_tls(const Listener& listener, Session& session) {
        const bool started = co_await session.start_tls();
        if (started) co_return true;
        if (!session.tls_error().empty())
            session.emit(session.event("tls_error", Severity::warning)
                             .add("dst_port", listener.info.port)
                             .add("error", session.tls_error()));
        co_return false;
    }

    asio::awaitable<void> run_session(std::shared_ptr<Listener> listener, tcp::socket socket,
                                      tcp::endpoint peer, std::shared_ptr<LiveSession> live) {
        {
            Session session(std::move(socket), peer, listener->context, listener->limits,
                            live.get());
            bool ready = true;
            if (listener->tls) ready = co_await start_implicit_tls(*listener, session);
            std::optional<std::string> error;
            if (ready) {
                try {
                    co_await listener->handler(session);
                } catch (const std::exception& e) {
                    // An emulator bug must never take the process down: record it and move on.
                    error = e.what();
                    session.emit(
                        session.event("session_error", Severity::error).add("error", e.what()));
                }
            }
            session.finish_trace(error ? error->c_str() : nullptr);
            session.close();
        }
        sources.release(live);
        --listener->counters->sessions;
        --sessions_active;
    }

    // Takes one connection: the limits first, then its session on this thread.
    void start_session(const std::shared_ptr<Listener>& listener, asio::io_context& io,
                       tcp::socket socket, const tcp::endpoint& remote) {
        if (listener->counters->sessions.load() >= limits.max_sessions_per_decky) {
            ++rejected_decky;
            return;
        }
        // A source at its limit gets its longest-idle session closed for this one: a
        // scanner run after run still sees every service answer.
        auto admission = sources.admit(remote.address().to_string(), io.get_executor());
        if (!admission.session) {
            ++rejected_source;
            return;
        }
        if (admission.evicted) ++evicted_source;
        ++listener->counters->sessions;
        ++sessions_total;
        ++sessions_active;
        listener->active_sessions->add(1);
        // Decremented when the session's coroutine has finished, however it ended.
        asio::co_spawn(
            io, run_session(listener, std::move(socket), remote, std::move(admission.session)),
            [gauge = listener->active_sessions](const std::exception_ptr&) { gauge->add(-1); });
    }

    // Waits until the listening socket is readable, then drains its backlog with accept4()
    // (accepted_socket.hpp: two system calls fewer per connection than async_accept). The
    // socket is watched edge-triggered, so the loop only waits after accept4() said the
    // backlog is empty; after a full batch it yields to the thread's other work and goes on
    // accepting, and after running out of descriptors it retries on a timer.
    asio::awaitable<void> accept_loop(std::shared_ptr<Listener> listener, std::size_t index) {
        constexpr int kBatch = 32;
        constexpr auto kOutOfResourcesPause = std::chrono::milliseconds(100);
        auto& acceptor = *listener->acceptors[index];
        auto& io = *io_contexts[index];
        boost::system::error_code ec;
        acceptor.non_blocking(true, ec);
        bool backlog_empty = false;  // unknown at first: connections may already be queued
        for (;;) {
            ec = {};
            if (backlog_empty)
                co_await acceptor.async_wait(tcp::acceptor::wait_read,
                                             asio::redirect_error(asio::use_awaitable, ec));
            else
                co_await asio::post(io, asio::use_awaitable);
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            backlog_empty = false;
            for (int taken = 0; taken < kBatch; ++taken) {
                // accept4() fills in the peer, so no getpeername() per connection.
                tcp::endpoint remote;
                auto socket = accept_pending(acceptor.native_handle(), io, remote, ec);
                if (socket) {
                    start_session(listener, io, std::move(*socket), remote);
                    continue;
                }
                if (ec == asio::error::would_block) {
                    backlog_empty = true;
                    break;
                }
                if (affects_one_connection(ec)) continue;
                asio::steady_timer pause(io, kOutOfResourcesPause);
                co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                break;
            }
        }
    }

    // netns mode: the opener made the sockets (bound and listening inside the decky's
    // namespace, one per I/O thread in a SO_REUSEPORT group); the acceptors adopt them and
    // get the same per-socket OS options.
    void adopt_opened_sockets(Listener& listener, const DeckyConfig& decky, std::uint16_t port) {
        auto fds = socket_opener(decky, port, Transport::tcp, listener.acceptors.size());
        boost::system::error_code ec;
        if (fds.size() != listener.acceptors.size()) ec = asio::error::invalid_argument;
        for (std::size_t i = 0; i < fds.size() && !ec; ++i) {
            listener.acceptors[i]->assign(tcp::v4(), fds[i], ec);
            if (!ec) fds[i] = -1;  // the acceptor owns it now
        }
        for (const int fd : fds)
            if (fd >= 0) ::close(fd);
        if (ec)
            throw ConfigError(decky.name + ": cannot adopt the sockets for " + decky.ip + ":" +
                              std::to_string(port) + "/tcp: " + ec.message());
        for (auto& acceptor : listener.acceptors)
            apply_os_profile(*acceptor, os_profile(decky.nmap_os));
    }

    std::shared_ptr<Listener> bind_listener(const DeckyConfig& decky, const DeckyEntry& entry,
                                            const std::string& slug, const ServicePort& port,
                                            const ServiceModule& module,
                                            std::shared_ptr<const ServiceSettings> settings,
                                            std::shared_ptr<TlsIdentity> tls_identity) {
        auto listener = std::make_shared<Listener>();
        listener->limits = module.session_limits ? module.session_limits(limits) : limits;
        std::erase_if(all_listeners, [](const auto& l) { return l.expired(); });
        all_listeners.push_back(listener);
        for (auto& io : io_contexts)
            listener->acceptors.push_back(std::make_unique<tcp::acceptor>(*io));
        listener->info = {decky.name, decky.ip, slug, port.port, "tcp"};
        listener->handler = module.serve;
        listener->settings = std::move(settings);
        listener->tls = port.tls;
        if (const auto it = decky.service_config.find(slug); it != decky.service_config.end())
            listener->persona = it->second;
        // Emulators that name their port (Apache's "Server at … Port 443") read it here;
        // an operator's own `port` persona value wins.
        listener->persona.emplace("port", std::to_string(port.port));
        listener->counters = entry.counters;
        listener->active_sessions = &service_sessions_active().with({decky.name, slug});
        listener->world = entry.world;
        listener->tls_identity = std::move(tls_identity);
        listener->context = {decky.name,
                             decky.hostname,
                             slug,
                             log_name_for(slug),
                             &listener->persona,
                             &bus,
                             &entry.counters->events,
                             entry.world.get(),
                             artifacts.get()};
        listener->context.settings = listener->settings.get();
        listener->context.tls = listener->tls_identity.get();

        if (socket_opener) {
            adopt_opened_sockets(*listener, decky, port.port);
            return listener;
        }
        const tcp::endpoint where(asio::ip::make_address_v4(decky.ip), port.port);
        const auto fail = [&](const boost::system::error_code& ec) {
            throw ConfigError(decky.name + ": cannot listen on " + decky.ip + ":" +
                              std::to_string(port.port) + "/tcp (" + slug + "): " + ec.message());
        };
        const bool group = listener->acceptors.size() > 1;
        boost::system::error_code ec;
        // A reuseport group would let another socket with SO_REUSEPORT (same user) share the
        // port unnoticed: a plain bind first proves nobody else listens there.
        if (group) {
            tcp::acceptor probe(*io_contexts[0]);
            probe.open(where.protocol(), ec);
            if (!ec) probe.set_option(tcp::acceptor::reuse_address(true), ec);
            if (!ec) probe.bind(where, ec);
            if (ec) fail(ec);
        }
        for (auto& acceptor : listener->acceptors) {
            acceptor->open(where.protocol(), ec);
            if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
            if (!ec && group) {
                const int on = 1;
                if (setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &on,
                               sizeof on) != 0)
                    ec.assign(errno, boost::system::system_category());
            }
            if (!ec) apply_os_profile(*acceptor, os_profile(decky.nmap_os));
            if (!ec) acceptor->bind(where, ec);
            if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
            if (ec) fail(ec);
        }
        return listener;
    }

    std::shared_ptr<Listener> bind_udp_listener(const DeckyConfig& decky, const DeckyEntry& entry,
                                                const std::string& slug, const ServicePort& port,
                                                const ServiceModule& module,
                                                std::shared_ptr<const ServiceSettings> settings) {
        auto listener = std::make_shared<Listener>();
        std::erase_if(all_listeners, [](const auto& l) { return l.expired(); });
        all_listeners.push_back(listener);
        listener->info = {decky.name, decky.ip, slug, port.port, "udp"};
        listener->counters = entry.counters;
        PersonaConfig persona;
        if (const auto it = decky.service_config.find(slug); it != decky.service_config.end())
            persona = it->second;
        persona.emplace("port", std::to_string(port.port));
        listener->world = entry.world;
        ServiceContext context{decky.name,
                               decky.hostname,
                               slug,
                               log_name_for(slug),
                               nullptr,
                               &bus,
                               &entry.counters->events,
                               entry.world.get(),
                               artifacts.get()};
        context.settings = settings.get();
        // The UDP loop outlives the Listener while it closes: it keeps what its context
        // points into (the counters, the world, the settings) alive itself.
        const auto keep_alive = std::make_shared<
            std::tuple<std::shared_ptr<DeckyCounters>, std::shared_ptr<const DeckyWorld>,
                       std::shared_ptr<const ServiceSettings>>>(entry.counters, entry.world,
                                                                std::move(settings));
        const int fd =
            socket_opener ? socket_opener(decky, port.port, Transport::udp, 1).at(0) : -1;
        auto& io = *io_contexts[next_udp_thread++ % io_contexts.size()];
        listener->udp = std::make_shared<UdpListener>(
            io, decky.name, decky.ip, port.port, os_profile(decky.nmap_os).ttl, fd, context,
            std::move(persona), keep_alive, module.datagram);
        return listener;
    }

    // Binds the listeners of `services` (all-or-nothing) without starting their loops.
    std::vector<std::shared_ptr<Listener>> bind_services(const DeckyConfig& decky,
                                                         const DeckyEntry& entry,
                                                         const std::vector<std::string>& services,
                                                         DeployReport& report) {
        std::vector<std::shared_ptr<Listener>> bound;
        for (const auto& slug : services) {
            const auto* info = find_service(slug);
            const auto* module = find_module(slug);
            if (!info || !module) {
                report.unavailable.push_back(decky.name + "/" + slug);
                continue;
            }
            // Parsed once per decky and service (a bad persona throws ConfigError here, before
            // anything of this decky is bound), shared by its ports and sessions.
            const auto settings = configure_service(*module, decky);
            // One certificate per service when its persona names one (all its ports share it).
            std::shared_ptr<TlsIdentity> service_tls;
            if (const auto it = decky.service_config.find(slug); it != decky.service_config.end())
                service_tls = persona_tls(*entry.world, slug, it->second);
            for (const auto& port : info->ports) {
                const bool udp = port.transport == Transport::udp;
                // A port another service's emulator answers (conpot's SNMP agent and web
                // front): left to that service when the decky runs it too, else served by
                // its module and persona under this service's name.
                const ServiceModule* serving = module;
                auto port_settings = settings;
                if (!port.served_by.empty()) {
                    const auto runs = [&](const std::vector<std::string>& list) {
                        return std::find(list.begin(), list.end(), port.served_by) != list.end();
                    };
                    if (runs(decky.services) || runs(services)) continue;
                    serving = find_module(port.served_by);
                    if (!serving) continue;
                    port_settings = configure_service(*serving, decky);
                }
                if (udp ? !serving->datagram : !serving->serve) continue;
                // On a throw, `bound` goes out of scope and its acceptors close.
                bound.push_back(
                    udp ? bind_udp_listener(decky, entry, slug, port, *serving, port_settings)
                        : bind_listener(decky, entry, slug, port, *serving, port_settings,
                                        service_tls));
                report.listening.push_back(bound.back()->info);
            }
        }
        return bound;
    }

    void start_accepting(const std::vector<std::shared_ptr<Listener>>& listeners) {
        for (const auto& l : listeners) {
            for (std::size_t i = 0; i < l->acceptors.size(); ++i)
                asio::co_spawn(*io_contexts[i], accept_loop(l, i), asio::detached);
            if (l->udp) l->udp->start();
        }
    }

    // Closes each acceptor on its own thread and waits, so the ports are closed on return.
    void close_listeners(const std::vector<std::shared_ptr<Listener>>& listeners) {
        if (!running) {
            boost::system::error_code ignored;
            for (const auto& l : listeners) {
                for (auto& a : l->acceptors) a->close(ignored);
                if (l->udp) l->udp->close(false, kCloseTimeout);
            }
            return;
        }
        std::vector<std::future<void>> done;
        for (const auto& l : listeners) {
            for (std::size_t i = 0; i < l->acceptors.size(); ++i) {
                auto closed = std::make_shared<std::promise<void>>();
                done.push_back(closed->get_future());
                asio::post(*io_contexts[i], [l, i, closed] {
                    boost::system::error_code ignored;
                    l->acceptors[i]->close(ignored);
                    closed->set_value();
                });
            }
        }
        for (const auto& l : listeners)
            if (l->udp) l->udp->close(true, kCloseTimeout);
        const auto deadline = std::chrono::steady_clock::now() + kCloseTimeout;
        for (auto& d : done) d.wait_until(deadline);
    }

    DeployReport add_decky(const DeckyConfig& decky) {
        check_personas(decky);  // unknown keys and bad values, before anything is bound
        const std::lock_guard lock(deckies_mutex);
        if (deckies.contains(decky.name))
            throw ConfigError("decky '" + decky.name + "' is already running");
        DeckyEntry entry;
        entry.config = decky;
        entry.world = make_decky_world(decky, state_dir);
        DeployReport report;
        entry.listeners = bind_services(decky, entry, decky.services, report);
        start_accepting(entry.listeners);
        deckies.emplace(decky.name, std::move(entry));
        return report;
    }

    bool remove_decky(std::string_view name) {
        const std::lock_guard lock(deckies_mutex);
        const auto it = deckies.find(name);
        if (it == deckies.end()) return false;
        close_listeners(it->second.listeners);
        deckies.erase(it);
        return true;
    }

    std::optional<DeployReport> replace_services(std::string_view name,
                                                 const std::vector<std::string>& services) {
        const std::lock_guard lock(deckies_mutex);
        const auto it = deckies.find(name);
        if (it == deckies.end()) return std::nullopt;
        auto& entry = it->second;
        const auto has = [](const std::vector<std::string>& list, const std::string& slug) {
            return std::find(list.begin(), list.end(), slug) != list.end();
        };
        std::vector<std::string> added;
        for (const auto& slug : services)
            if (!has(entry.config.services, slug)) added.push_back(slug);
        // A port one service answers for another (conpot's 161 and 80) goes to its own
        // service when that one is added: close it first so the newcomer can bind it.
        std::vector<std::shared_ptr<Listener>> displaced;
        std::erase_if(entry.listeners, [&](const std::shared_ptr<Listener>& l) {
            const auto* info = find_service(l->info.service);
            if (!info) return false;
            for (const auto& p : info->ports)
                if (p.port == l->info.port && to_string(p.transport) == l->info.transport &&
                    !p.served_by.empty() && has(added, std::string(p.served_by))) {
                    displaced.push_back(l);
                    return true;
                }
            return false;
        });
        close_listeners(displaced);
        DeployReport report;
        auto fresh = bind_services(entry.config, entry, added, report);

        std::vector<std::shared_ptr<Listener>> kept, dropped;
        for (auto& l : entry.listeners)
            (has(services, l->info.service) ? kept : dropped).push_back(l);
        close_listeners(dropped);
        start_accepting(fresh);
        kept.insert(kept.end(), fresh.begin(), fresh.end());
        entry.listeners = std::move(kept);
        entry.config.services = services;

        report = {};
        for (const auto& l : entry.listeners) report.listening.push_back(l->info);
        for (const auto& slug : services)
            if (!has_emulator(slug) || !find_service(slug))
                report.unavailable.push_back(entry.config.name + "/" + slug);
        return report;
    }
};

Runtime::Runtime(EventBus& bus, SessionLimits limits, unsigned threads)
    : impl_(std::make_unique<Impl>(bus, limits, threads)) {}

Runtime::~Runtime() {
    stop();
}

DeployReport Runtime::deploy(const DeploymentConfig& config) {
    DeployReport report;
    std::vector<std::string> added;
    try {
        for (const auto& decky : config.deckies) {
            auto one = impl_->add_decky(decky);
            added.push_back(decky.name);
            report.listening.insert(report.listening.end(), one.listening.begin(),
                                    one.listening.end());
            report.unavailable.insert(report.unavailable.end(), one.unavailable.begin(),
                                      one.unavailable.end());
        }
    } catch (...) {
        for (const auto& name : added) impl_->remove_decky(name);
        throw;
    }
    return report;
}

DeployReport Runtime::add_decky(const DeckyConfig& decky) {
    return impl_->add_decky(decky);
}

bool Runtime::remove_decky(std::string_view name) {
    return impl_->remove_decky(name);
}

std::optional<DeployReport> Runtime::replace_services(std::string_view name,
                                                      const std::vector<std::string>& services) {
    return impl_->replace_services(name, services);
}

void Runtime::set_socket_opener(SocketOpener opener) {
    const std::lock_guard lock(impl_->deckies_mutex);
    impl_->socket_opener = std::move(opener);
}

void Runtime::set_state_dir(std::string dir, ArtifactLimits artifact_limits) {
    const std::lock_guard lock(impl_->deckies_mutex);
    // Contexts already built point at the store: it is opened once and never replaced.
    if (!dir.empty() && !impl_->artifacts)
        impl_->artifacts = std::make_unique<ArtifactStore>(std::filesystem::path(dir) / "artifacts",
                                                           artifact_limits);
    impl_->state_dir = std::move(dir);
}

ArtifactStore* Runtime::artifact_store() const {
    return impl_->artifacts.get();
}

const std::string& Runtime::state_dir() const {
    return impl_->state_dir;
}

void Runtime::start() {
    if (!impl_->threads.empty()) return;
    for (auto& io : impl_->io_contexts) {
        impl_->work.push_back(asio::make_work_guard(*io));
        asio::co_spawn(*io, heartbeat(), asio::detached);
        impl_->threads.emplace_back([&io = *io] { io.run(); });
    }
    impl_->running = true;
}

void Runtime::stop() {
    if (impl_->threads.empty()) return;
    impl_->running = false;
    impl_->work.clear();
    for (auto& io : impl_->io_contexts) io->stop();
    for (auto& t : impl_->threads) t.join();
    impl_->threads.clear();
    const std::lock_guard lock(impl_->deckies_mutex);
    // Sockets first, while the deckies still own their listeners (UDP loops hold only
    // their socket's owner, not the Listener, so a cleared decky would hide it).
    impl_->destroy_acceptors();
    impl_->deckies.clear();
}

std::vector<ListenerInfo> Runtime::listeners() const {
    std::vector<ListenerInfo> out;
    const std::lock_guard lock(impl_->deckies_mutex);
    for (const auto& [name, entry] : impl_->deckies)
        for (const auto& l : entry.listeners) out.push_back(l->info);
    return out;
}

std::vector<DeckyRuntimeInfo> Runtime::deckies() const {
    std::vector<DeckyRuntimeInfo> out;
    const std::lock_guard lock(impl_->deckies_mutex);
    for (const auto& [name, entry] : impl_->deckies) {
        DeckyRuntimeInfo info{name,
                              entry.config.services,
                              {},
                              entry.counters->events.load(),
                              entry.counters->sessions.load()};
        for (const auto& l : entry.listeners) info.listeners.push_back(l->info);
        out.push_back(std::move(info));
    }
    return out;
}

RuntimeStats Runtime::stats() const {
    return {impl_->sessions_total.load(), impl_->sessions_active.load(),
            impl_->rejected_decky.load(), impl_->rejected_source.load(),
            impl_->evicted_source.load()};
}

}  // namespace decnet::honeypot
