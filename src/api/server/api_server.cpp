// Beast sessions in callback style (one object per connection, kept alive by its pending
// operation): read head → (100 Continue) → read body → route → write → read again.
// One io_context per I/O thread, each run by that thread alone: a connection lives on the
// context the acceptor dealt it to (round robin), so its handlers never race and need no
// strand. A synchronous handler's answer is written at once; handlers that wait on the
// crypto pool reply from another thread and the reply is posted back onto the
// connection's own context. A Response carrying a StreamSource turns the connection into
// a streamed (chunked, SSE) one until either side ends it.
#include "api/server/api_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "api/auth/auth_service.hpp"
#include "core/percent_encoding.hpp"

namespace decnet::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session;

// What every session shares: the router, the limits, and the registry that lets stop()
// find idle connections and wait for busy ones.
struct Core {
    Router router;
    ServerOptions options;
    std::atomic<bool> stopping{false};
    std::mutex mutex;
    std::condition_variable drained;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

    Core(Router r, ServerOptions o) : router(std::move(r)), options(std::move(o)) {}
};

Request to_request(http::request<http::string_body>&& message, const std::string& peer) {
    Request request;
    request.method = std::string(message.method_string());
    const auto raw_target = message.target();
    const std::string_view target(raw_target.data(), raw_target.size());
    const auto question = target.find('?');
    request.path = percent_decode(target.substr(0, question), false);
    if (question != std::string_view::npos)
        request.query = parse_query(target.substr(question + 1));
    for (const auto& field : message) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        request.headers.emplace(std::move(name), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.peer_ip = peer;
    return request;
}

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket&& socket, Core& core) : stream_(std::move(socket)), core_(core) {
        beast::error_code ec;
        const auto endpoint = stream_.socket().remote_endpoint(ec);
        if (!ec) peer_ = endpoint.address().to_string();
    }

    void start() {
        {
            std::lock_guard lock(core_.mutex);
            core_.sessions.emplace(this, weak_from_this());
        }
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_head(); });
    }

    ~Session() {
        std::lock_guard lock(core_.mutex);
        core_.sessions.erase(this);
        if (core_.sessions.empty()) core_.drained.notify_all();
    }

    // From stop() (any thread): an idle connection closes now, a busy one after its response; a
    // stream ends at once (it would never become idle).
    void close_if_idle() {
        net::post(stream_.get_executor(), [self = shared_from_this()] {
            if (self->streaming_) return self->end_stream();
            if (self->idle_) {
                beast::error_code ec;
                self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
                self->stream_.close();
            }
        });
    }

  private:
    void read_head() {
        if (core_.stopping) return close();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(core_.options.header_limit));
        parser_->body_limit(core_.options.body_limit);
        idle_ = true;
        stream_.expires_after(core_.options.idle_timeout);
        http::async_read_header(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_head(ec); });
    }

    void on_head(beast::error_code ec) {
        idle_ = false;
        if (ec) return on_read_error(ec);
        stream_.expires_after(core_.options.io_timeout);
        const auto& head = parser_->get();
        if (beast::iequals(head[http::field::expect], "100-continue")) {
            // curl waits a second for this before sending a body over 1 KiB.
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                             [self = shared_from_this()](beast::error_code e, std::size_t) {
                                 if (e) return self->close();
                                 self->read_body();
                             });
            return;
        }
        read_body();
    }

    void read_body() {
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
    }

    void on_read_error(beast::error_code ec) {
        // Only parser errors deserve an answer; transport ends, timeouts and a client that
        // left mid-request just close.
        const bool parse_error =
            &ec.category() == &http::make_error_code(http::error::bad_target).category();
        if (!parse_error || ec == http::error::end_of_stream || ec == http::error::partial_message)
            return close();
        // A malformed or oversized request gets an answer, then the connection ends.
        int status = 400;
        std::string text = "Bad Request";
        if (ec == http::error::header_limit) {
            status = 431;
            text = "Request Header Fields Too Large";
        } else if (ec == http::error::body_limit) {
            status = 413;
            text = "Request Entity Too Large";
        }
        Response response;
        response.status = status;
        response.content_type = "text/plain; charset=utf-8";
        response.body = text;
        keep_alive_ = false;
        send(std::move(response));
    }

    void on_body(beast::error_code ec) {
        if (ec) return on_read_error(ec);
        auto message = parser_->release();
        keep_alive_ = message.keep_alive();
        version_ = message.version();
        auto request = to_request(std::move(message), peer_);
        if (core_.options.outside_api && !request.path.starts_with("/api/") &&
            request.path != "/api") {
            if (auto answer = guarded_outside(request)) return send(std::move(*answer));
        }
        // dispatch: inline when the answer comes on this connection's thread (every sync
        // handler), posted onto it when it comes from elsewhere (the crypto pool).
        Reply reply = [self = shared_from_this()](Response response) {
            net::dispatch(self->stream_.get_executor(),
                          [self, response = std::move(response)]() mutable {
                              self->send(std::move(response));
                          });
        };
        core_.router.handle(std::move(request), std::move(reply));
    }

    // One answer on its way out: the message only points at the body, which is either
    // this answer's own or a cached one shared with other connections (never copied).
    struct Outgoing {
        std::string owned;
        std::shared_ptr<const std::string> shared;
        http::response<http::span_body<const char>> message;
    };

    void send(Response response) {
        if (response.stream) return start_stream(std::move(response));
        const bool keep_alive = keep_alive_ && !core_.stopping;
        auto out = std::make_shared<Outgoing>();
        out->shared = std::move(response.shared_body);
        if (!out->shared) out->owned = std::move(response.body);
        const std::string& body = out->shared ? *out->shared : out->owned;
        auto& message = out->message;
        message.result(static_cast<http::status>(response.status));
        message.version(version_ == 10 ? 10 : 11);
        if (!body.empty() || response.status != 307)
            message.set(http::field::content_type, response.content_type);
        for (auto& [name, value] : response.headers) message.insert(name, value);
        message.body() = {body.data(), body.size()};
        message.keep_alive(keep_alive);
        message.prepare_payload();
        stream_.expires_after(core_.options.io_timeout);
        http::async_write(
            stream_, message,
            [self = shared_from_this(), out, keep_alive](beast::error_code ec, std::size_t) {
                if (ec || !keep_alive) return self->close();
                self->read_head();
            });
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.close();
    }

    std::optional<Response> guarded_outside(const Request& request) {
        std::optional<Response> answer;
        auto failure = guarded([&] {
            answer = core_.options.outside_api(request);
            return Response{};
        });
        if (failure.status != 200) return failure;
        return answer;
    }

    // ---- streamed responses (SSE) ----
    // The sink the handler's side writes through, from any thread. It only posts onto the
    // session's context; it holds the session weakly, so a stream whose peer left is freed
    // even while the handler still holds the sink.
    class Sink : public StreamSink {
      public:
        Sink(std::weak_ptr<Session> session, Core& core)
            : session_(std::move(session)), core_(core) {}

        bool write(std::string data) override {
            if (over_ || core_.stopping) return false;
            // A write the socket has not taken for io_timeout: the peer stopped reading.
            const auto started = write_started_.load();
            if (started != 0 && now_ns() - started > timeout_ns()) {
                abort();
                return false;
            }
            auto session = session_.lock();
            if (!session) {
                over_ = true;
                return false;
            }
            queued_ += data.size();
            net::post(session->stream_.get_executor(), [session, data = std::move(data)]() mutable {
                session->push_chunk(std::move(data), false);
            });
            return true;
        }
        void close() override {
            if (auto session = session_.lock())
                net::post(session->stream_.get_executor(),
                          [session] { session->push_chunk({}, true); });
        }
        void abort() override {
            over_ = true;
            if (auto session = session_.lock())
                net::post(session->stream_.get_executor(), [session] { session->end_stream(); });
        }
        std::size_t queued_bytes() const override { return queued_; }

        static std::int64_t now_ns() {
            return std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                .count();
        }
        std::int64_t timeout_ns() const {
            return std::chrono::duration_cast<std::chrono::nanoseconds>(core_.options.io_timeout)
                .count();
        }

        std::weak_ptr<Session> session_;
        Core& core_;
        std::atomic<bool> over_{false};
        std::atomic<std::size_t> queued_{0};
        std::atomic<std::int64_t> write_started_{0};  // steady ns; 0 when no write is pending
    };

    void start_stream(Response response) {
        streaming_ = true;
        source_ = std::move(response.stream);
        auto head = std::make_shared<http::response<http::empty_body>>(
            static_cast<http::status>(response.status), 11);
        head->set(http::field::content_type, response.content_type);
        for (auto& [name, value] : response.headers) head->insert(name, value);
        head->chunked(true);
        head->keep_alive(false);
        auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*head);
        // Streams are long by design: no deadline on the socket; a stalled peer is found by
        // the sink (write pending too long) and by the source's buffer bound.
        stream_.expires_never();
        http::async_write_header(
            stream_, *serializer,
            [self = shared_from_this(), head, serializer](beast::error_code ec, std::size_t) {
                if (ec || self->stream_done_) return self->end_stream();
                self->sink_ = std::make_shared<Sink>(self, self->core_);
                self->source_->start(self->sink_);
                self->watch_peer();
            });
    }

    // The client sends nothing on a stream: a read that completes means it left (or broke
    // the protocol); either way the stream ends.
    void watch_peer() {
        stream_.async_read_some(net::buffer(discard_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) return self->end_stream();
                                    self->watch_peer();
                                });
    }

    void push_chunk(std::string data, bool last) {
        if (stream_done_ || stream_last_) return;
        if (last) {
            stream_last_ = true;
            out_.push_back({"0\r\n\r\n", 0});
        } else {
            if (data.empty()) return;
            char size[20];
            const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
            const std::size_t payload = data.size();
            data.insert(0, size, static_cast<std::size_t>(n));
            data += "\r\n";
            out_.push_back({std::move(data), payload});
        }
        if (!writing_) write_next();
    }

    void write_next() {
        if (stream_done_ || out_.empty()) return;
        writing_ = true;
        if (sink_) sink_->write_started_ = Sink::now_ns();
        net::async_write(stream_, net::buffer(out_.front().first),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             self->writing_ = false;
                             // end_stream() during the write left the chunk in place (the
                             // write was using it); drop what is left now.
                             if (self->stream_done_ || self->out_.empty()) {
                                 self->out_.clear();
                                 return;
                             }
                             if (self->sink_) {
                                 self->sink_->write_started_ = 0;
                                 self->sink_->queued_ -= self->out_.front().second;
                             }
                             const bool last = self->out_.front().second == 0;
                             self->out_.pop_front();
                             if (ec || last) return self->end_stream();
                             self->write_next();
                         });
    }

    // Ends the stream once, whatever the cause, and tells the source.
    void end_stream() {
        if (stream_done_) return;
        stream_done_ = true;
        if (sink_) sink_->over_ = true;
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
        if (source_ && sink_) source_->stopped();  // started: it owes the source its end
        // A pending write still reads out_.front(): its completion clears the queue.
        if (!writing_) out_.clear();
    }

    beast::tcp_stream stream_;
    Core& core_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::string peer_;
    bool keep_alive_ = true;
    unsigned version_ = 11;
    bool idle_ = false;
    // Streamed responses (on the session's thread only).
    bool streaming_ = false;
    bool stream_done_ = false;
    bool stream_last_ = false;  // the final chunk is queued
    bool writing_ = false;
    std::shared_ptr<StreamSource> source_;
    std::shared_ptr<Sink> sink_;
    std::deque<std::pair<std::string, std::size_t>> out_;  // framed chunk, payload size (0: last)
    std::array<char, 512> discard_{};
};

std::size_t thread_count(const ServerOptions& options) {
    return options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
}

// One I/O thread's context; the guard keeps run() going while it has no connection yet.
struct IoThread {
    net::io_context ioc{1};
    net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
};

std::vector<std::unique_ptr<IoThread>> make_io_threads(std::size_t count) {
    std::vector<std::unique_ptr<IoThread>> threads;
    for (std::size_t i = 0; i < count; ++i) threads.push_back(std::make_unique<IoThread>());
    return threads;
}

}  // namespace

struct ApiServer::Impl {
    std::vector<std::unique_ptr<IoThread>> io;  // io[0] also runs the acceptor
    std::size_t next_io = 0;                    // round robin, on io[0]'s thread only
    auth::AuthService& auth;
    Core core;
    tcp::acceptor acceptor;
    net::steady_timer retry;
    std::vector<std::thread> threads;
    std::mutex stop_mutex;
    bool started = false;
    bool stopped = false;
    unsigned short bound_port = 0;

    Impl(std::vector<Route> routes, auth::AuthService& a, CorsPolicy cors, ServerOptions options)
        : io(make_io_threads(thread_count(options))),
          auth(a),
          core(Router(std::move(routes), a, std::move(cors)), options),
          acceptor(io[0]->ioc),
          retry(io[0]->ioc) {
        beast::error_code ec;
        const auto address = net::ip::make_address(options.host, ec);
        if (ec) throw std::runtime_error("invalid listen address '" + options.host + "'");
        const tcp::endpoint endpoint(address, options.port);
        acceptor.open(endpoint.protocol(), ec);
        if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
        if (!ec) acceptor.bind(endpoint, ec);
        if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
        if (ec)
            throw std::runtime_error("cannot listen on " + options.host + ":" +
                                     std::to_string(options.port) + ": " + ec.message());
        bound_port = acceptor.local_endpoint().port();
    }

    void accept() {
        auto& target = io[next_io++ % io.size()]->ioc;
        acceptor.async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
            if (core.stopping || !acceptor.is_open()) return;
            if (!ec) {
                std::make_shared<Session>(std::move(socket), core)->start();
                return accept();
            }
            // Out of descriptors or buffers: keep serving the open
            // connections and try again shortly, instead of spinning on the
            // failing accept.
            spdlog::warn("api: accept: {}", ec.message());
            retry.expires_after(std::chrono::milliseconds(100));
            retry.async_wait([this](beast::error_code) {
                if (!core.stopping) accept();
            });
        });
    }
};

ApiServer::ApiServer(std::vector<Route> routes, auth::AuthService& auth, CorsPolicy cors,
                     ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(routes), auth, std::move(cors), std::move(options))) {}

ApiServer::~ApiServer() {
    stop();
}

void ApiServer::start() {
    std::lock_guard lock(impl_->stop_mutex);
    if (impl_->started) return;
    impl_->started = true;
    net::dispatch(impl_->acceptor.get_executor(), [impl = impl_.get()] { impl->accept(); });
    for (auto& io : impl_->io)
        impl_->threads.emplace_back([&ioc = io->ioc] {
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
        beast::error_code ec;
        impl->acceptor.close(ec);
    });
    if (impl_->started) {
        std::vector<std::shared_ptr<Session>> open;
        {
            std::lock_guard guard(core.mutex);
            for (auto& [raw, weak] : core.sessions)
                if (auto session = weak.lock()) open.push_back(std::move(session));
        }
        for (auto& session : open) session->close_if_idle();
        open.clear();
        std::unique_lock wait(core.mutex);
        core.drained.wait_for(wait, core.options.shutdown_grace,
                              [&] { return core.sessions.empty(); });
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
