// The API server's front: the acceptor, the I/O threads (one io_context each, run by that
// thread alone: a connection lives on the context the acceptor dealt it to, round robin,
// so its handlers never race and need no strand; an SSE stream then moves to a thread of
// its own), the deadline sweeps, and a graceful stop. A connection's life is in
// http_session.cpp.
#include "api/server/api_server.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <stdexcept>
#include <thread>

#include "api/auth/auth_service.hpp"
#include "api/server/http_session.hpp"
#include "api/server/server_core.hpp"

namespace decnet::api {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// How often each I/O thread looks for connections past their deadline.
constexpr auto kSweepInterval = std::chrono::milliseconds(250);

std::size_t thread_count(const ServerOptions& options) {
    return options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
}

std::vector<std::unique_ptr<IoThread>> make_io_threads(std::size_t count) {
    std::vector<std::unique_ptr<IoThread>> threads;
    for (std::size_t i = 0; i < count; ++i) threads.push_back(std::make_unique<IoThread>());
    return threads;
}

void schedule_sweep(IoThread& io, const ServerCore& core) {
    io.sweep.expires_after(kSweepInterval);
    io.sweep.async_wait([&io, &core](boost::system::error_code ec) {
        if (ec || core.stopping) return;
        expire_overdue_sessions(io);
        schedule_sweep(io, core);
    });
}

}  // namespace

struct ApiServer::Impl {
    std::vector<std::unique_ptr<IoThread>> io;  // io[0] also runs the acceptor
    std::size_t accepting = 0;                  // io[0..accepting) get new connections
    std::size_t next_io = 0;                    // round robin, on io[0]'s thread only
    auth::AuthService& auth;
    ServerCore core;
    tcp::acceptor acceptor;
    net::steady_timer retry;
    std::vector<std::thread> threads;
    std::mutex stop_mutex;
    bool started = false;
    bool stopped = false;
    unsigned short bound_port = 0;

    Impl(std::vector<Route> routes, auth::AuthService& a, CorsPolicy cors,
         const ServerOptions& options)
        // One more than the connections' threads: the last one serves the SSE streams.
        : io(make_io_threads(thread_count(options) + 1)),
          accepting(io.size() - 1),
          auth(a),
          core(Router(std::move(routes), a, std::move(cors)), options),
          acceptor(io[0]->ioc),
          retry(io[0]->ioc) {
        core.stream_io = io.back().get();
        boost::system::error_code ec;
        const auto address = net::ip::make_address(options.host, ec);
        if (ec) throw std::runtime_error("invalid listen address '" + options.host + "'");
        const tcp::endpoint endpoint(address, options.port);
        acceptor.open(endpoint.protocol(), ec);
        if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
        if (!ec) acceptor.bind(endpoint, ec);
        if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
        // accept_backlog() asks until the queue is empty.
        if (!ec) acceptor.non_blocking(true, ec);
        if (ec)
            throw std::runtime_error("cannot listen on " + options.host + ":" +
                                     std::to_string(options.port) + ": " + ec.message());
        bound_port = acceptor.local_endpoint().port();
    }

    // Takes every connection already queued, in this handler. One accept per pass of the
    // acceptor thread's queue would leave a burst of new clients (500 dashboards after a
    // restart, a load test starting) waiting behind every request being served there.
    void accept_backlog() {
        for (int i = 0; i < 1024; ++i) {
            auto& target = *io[next_io++ % accepting];
            HttpSocket socket(target.ioc);
            boost::system::error_code ec;
            acceptor.accept(socket, ec);
            if (ec) return;  // would_block: drained; anything else: async_accept reports it
            serve_connection(std::move(socket), core, target);
        }
    }

    void accept() {
        auto& target = *io[next_io++ % accepting];
        acceptor.async_accept(target.ioc,
                              [this, &target](boost::system::error_code ec, HttpSocket socket) {
                                  if (core.stopping || !acceptor.is_open()) return;
                                  if (!ec) {
                                      serve_connection(std::move(socket), core, target);
                                      accept_backlog();
                                      return accept();
                                  }
                                  // Out of descriptors or buffers: keep serving the open
                                  // connections and try again shortly, instead of spinning on the
                                  // failing accept.
                                  spdlog::warn("api: accept: {}", ec.message());
                                  retry.expires_after(std::chrono::milliseconds(100));
                                  retry.async_wait([this](boost::system::error_code) {
                                      if (!core.stopping) accept();
                                  });
                              });
    }
};

ApiServer::ApiServer(std::vector<Route> routes, auth::AuthService& auth, CorsPolicy cors,
                     const ServerOptions& options)
    : impl_(std::make_unique<Impl>(std::move(routes), auth, std::move(cors), options)) {}

ApiServer::~ApiServer() {
    stop();
}

void ApiServer::start() {
    std::lock_guard lock(impl_->stop_mutex);
    if (impl_->started) return;
    impl_->started = true;
    net::dispatch(impl_->acceptor.get_executor(), [impl = impl_.get()] { impl->accept(); });
    for (auto& io : impl_->io)
        net::dispatch(io->ioc.get_executor(),
                      [&io = *io, &core = impl_->core] { schedule_sweep(io, core); });
    for (auto& io : impl_->io)
        impl_->threads.emplace_back([&ioc = io->ioc, streams = io.get() == impl_->core.stream_io] {
            pthread_setname_np(pthread_self(), streams ? "api-stream" : "api-io");  // `top -H`
            // An exception escaping a handler must not end the thread: log and go on.
            for (;;) {
                try {
                    ioc.run();
                    return;
                } catch (const std::exception& e) {
                    spdlog::error("api: I/O thread: {}", e.what());
                }
            }
        });
}

void ApiServer::stop() {
    std::lock_guard lock(impl_->stop_mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
    auto& core = impl_->core;
    core.stopping = true;
    net::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
        boost::system::error_code ec;
        impl->acceptor.close(ec);
    });
    if (impl_->started) {
        for (auto& io : impl_->io) net::post(io->ioc, [&io = *io] { close_idle_sessions(io); });
        std::unique_lock wait(core.mutex);
        core.drained.wait_for(wait, core.options.shutdown_grace,
                              [&] { return core.open_sessions == 0; });
    }
    // Replies still owed by the crypto pool post into this io_context: let them land
    // before it goes away (bounded by the pool's queue bound).
    impl_->auth.crypto_pool().wait_idle();
    for (auto& io : impl_->io) io->ioc.stop();
    for (auto& thread : impl_->threads) thread.join();
    impl_->threads.clear();
}

unsigned short ApiServer::port() const {
    return impl_->bound_port;
}

std::string ApiServer::url() const {
    const auto& host = impl_->core.options.host;
    const bool v6 = host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port());
}

}  // namespace decnet::api
