// A connection is a callback-style object kept alive by its pending operation:
// read what arrived → feed Beast's request parser → route → write → read again.
// Everything runs on the connection's own I/O thread (no strand); handlers that wait on
// the crypto pool reply from another thread and the reply is posted back here.
//
// What keeps a cached answer cheap (docs/BENCHMARKS.md): the socket's executor is the
// io_context's own type (no type-erased executor per operation); the answer is written
// with one gather sendmsg straight from the handler when the socket takes it all (it
// nearly always does), falling back to async_write only for the rest; deadlines are a
// time stamp checked by the thread's sweep instead of a timer per socket operation.
//
// A Response carrying a StreamSource turns the connection into a chunked (SSE) stream
// until either side ends it.
#include "api/server/http_session.hpp"

#include <spdlog/spdlog.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "api/server/fast_answers.hpp"
#include "api/server/request_conversion.hpp"
#include "api/server/response_head.hpp"
#include "api/server/router.hpp"
#include "telemetry/span.hpp"

namespace decnet::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// Reads start small — a request head with a bearer token is a few hundred bytes, and an
// idle connection should not hold 16 KiB — and double while they come back full.
constexpr std::size_t kFirstRead = 1024;
constexpr std::size_t kReadChunk = std::size_t{16} * 1024;
constexpr Clock::time_point kNoDeadline = Clock::time_point::max();
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Deadlines are checked by a sweep every 250 ms: a clock of the kernel's tick (a few ms,
// no TSC read) is precise enough for them, and three of them are set per request.
Clock::time_point coarse_now() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return Clock::time_point(std::chrono::seconds(now.tv_sec) +
                             std::chrono::nanoseconds(now.tv_nsec));
}

}  // namespace

class HttpSession : public std::enable_shared_from_this<HttpSession> {
  public:
    HttpSession(HttpSocket&& socket, ServerCore& core, IoThread& home)
        : socket_(std::move(socket)),
          core_(core),
          home_(&home),
          // The parser keeps an unfinished head in the buffer; past header_limit it says
          // so, and body bytes are taken out as they are parsed.
          buffer_(core.options.header_limit + 2 * kReadChunk) {
        beast::error_code ec;
        const auto endpoint = socket_.remote_endpoint(ec);
        if (!ec) peer_ = endpoint.address().to_string();
        // Writes are tried at once and finished asynchronously only when the socket is full.
        socket_.non_blocking(true, ec);
        // An answer is always complete when written: Nagle could only delay its tail.
        socket_.set_option(tcp::no_delay(true), ec);
        const std::lock_guard lock(core_.mutex);
        ++core_.open_sessions;
    }

    ~HttpSession() {
        {
            const std::lock_guard lock(home_->mutex);
            home_->sessions.erase(this);
        }
        const std::lock_guard lock(core_.mutex);
        if (--core_.open_sessions == 0) core_.drained.notify_all();
    }

    HttpSession(const HttpSession&) = delete;
    HttpSession& operator=(const HttpSession&) = delete;

    // On the home thread.
    void start() {
        {
            const std::lock_guard lock(home_->mutex);
            home_->sessions.emplace(this, weak_from_this());
        }
        await_request();
    }

    void expire_if_due(Clock::time_point now) {
        if (now >= deadline_) close();
    }

    void close_if_idle() {
        if (streaming_) return end_stream();
        if (idle_) close();
    }

  private:
    // ---- requests ----

    void await_request() {
        if (core_.stopping) return close();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(core_.options.header_limit));
        parser_->body_limit(core_.options.body_limit);
        parser_->eager(true);
        idle_ = true;
        deadline_ = coarse_now() + core_.options.idle_timeout;
        if (buffer_.size() > 0) {
            // Pipelined: the next request is already here. Posted rather than called, so
            // a burst of them cannot deepen the stack.
            net::post(socket_.get_executor(), [self = shared_from_this()] { self->parse(); });
            return;
        }
        read_more();
    }

    void read_more() {
        const auto room = buffer_.max_size() - buffer_.size();
        if (room == 0) return on_parse_error(http::error::header_limit);
        const auto asked = std::min(room, read_size_);
        socket_.async_read_some(buffer_.prepare(asked), [self = shared_from_this(), asked](
                                                            beast::error_code ec, std::size_t n) {
            // The peer left or the sweep closed us: nothing to answer.
            if (ec) return self->close();
            self->buffer_.commit(n);
            if (n == asked) self->read_size_ = std::min(kReadChunk, self->read_size_ * 2);
            self->parse();
        });
    }

    void parse() {
        if (closed_) return;  // stop() closed it while a pipelined parse was queued
        while (buffer_.size() > 0) {
            beast::error_code ec;
            const auto used = parser_->put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == http::error::need_more || (!ec && used == 0 && !parser_->is_done())) break;
            if (ec) return on_parse_error(ec);
            if (idle_ && parser_->is_header_done()) {
                idle_ = false;
                deadline_ = coarse_now() + core_.options.io_timeout;
                if (!parser_->is_done() &&
                    beast::iequals(parser_->get()[http::field::expect], "100-continue"))
                    return send_continue();
            }
            if (parser_->is_done()) return handle();
        }
        read_more();
    }

    // curl waits a second for this before sending a body over 1 KiB.
    void send_continue() {
        write_all({net::buffer(kContinue.data(), kContinue.size()), net::const_buffer()},
                  [](HttpSession& self) { self.parse(); });
    }

    void on_parse_error(beast::error_code ec) {
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
        response.body = std::move(text);
        keep_alive_ = false;
        send(std::move(response));
    }

    void handle() {
        auto message = parser_->release();
        keep_alive_ = message.keep_alive();
        version_ = message.version() == 10 ? 10 : 11;
        if (answered_again(message)) return;
        auto request = to_request(std::move(message), peer_);
        // The handler's time is not the client's: a deadline starts again with the answer.
        deadline_ = kNoDeadline;
        if (core_.options.outside_api && !request.path.starts_with("/api/") &&
            request.path != "/api") {
            if (auto answer = guarded_outside(request)) return send(std::move(*answer));
        }
        // dispatch: inline when the answer comes on this connection's thread (every sync
        // handler), posted onto it when it comes from elsewhere (the crypto pool).
        Reply reply = [self = shared_from_this()](Response response) {
            net::dispatch(self->socket_.get_executor(),
                          [self, response = std::move(response)]() mutable {
                              self->send(std::move(response));
                          });
        };
        core_.router.handle(std::move(request), std::move(reply));
    }

    // The fast path (fast_answers.hpp): a GET this thread answered before, for the same
    // caller, at the store's current data version. True when it was answered; otherwise
    // the request's key is remembered so that send() can keep a reusable answer.
    bool answered_again(const http::request<http::string_body>& message) {
        fast_pending_ = false;
        if (!core_.options.data_version || message.method() != http::verb::get || version_ != 11 ||
            !keep_alive_ || core_.stopping || !message.body().empty())
            return false;
        const std::string_view target(message.target().data(), message.target().size());
        if (!target.starts_with("/api/")) return false;  // the dashboard, /metrics
        // CORS headers and trace context make an answer the caller's own.
        if (message.find(http::field::origin) != message.end() || telemetry::tracing_enabled())
            return false;
        const auto version = core_.options.data_version();
        if (!version) return false;
        const auto started = Clock::now();
        const auto authorization = message[http::field::authorization];
        FastAnswers::make_key(target, {authorization.data(), authorization.size()}, fast_key_);
        auto answer = home_->fast.find(fast_key_, started, *version);
        if (!answer) {
            fast_pending_ = true;
            return false;
        }
        count_repeated_answer(*answer->metrics,
                              std::chrono::duration<double>(Clock::now() - started).count());
        prepared_ = std::move(answer);
        deadline_ = coarse_now() + core_.options.io_timeout;
        const std::array<net::const_buffer, 2> buffers{net::buffer(prepared_->head),
                                                       net::buffer(*prepared_->body)};
        write_all(buffers, [](HttpSession& self) { self.answered(true); });
        return true;
    }

    // After send() wrote the head of an answer the router marked reusable.
    void keep_for_repeats(const Response& response, bool keep_alive) {
        if (!std::exchange(fast_pending_, false) || !response.reuse || !response.reuse->metrics ||
            !shared_body_ || response.status != 200 || !keep_alive)
            return;
        auto answer = std::make_shared<PreparedAnswer>();
        answer->head = head_;
        answer->body = shared_body_;
        answer->data_version = response.reuse->data_version;
        answer->expires = response.reuse->expires;
        answer->metrics = response.reuse->metrics;
        answer->changes = response.reuse->changes;
        answer->changes_seen = response.reuse->changes_seen;
        home_->fast.keep(fast_key_, std::move(answer));
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

    // ---- answers ----

    void send(Response response) {
        if (closed_) return;
        if (response.stream) return start_stream(std::move(response));
        const bool keep_alive = keep_alive_ && !core_.stopping;
        // An answer that may be repeated is kept whole: its body is shared from here on.
        if (fast_pending_ && response.reuse && !response.shared_body)
            response.shared_body = std::make_shared<const std::string>(std::move(response.body));
        shared_body_ = std::move(response.shared_body);
        if (!shared_body_) owned_body_ = std::move(response.body);
        const std::string& body = shared_body_ ? *shared_body_ : owned_body_;
        const bool has_body = status_has_body(response.status);
        ResponseHead head;
        head.status = response.status;
        head.version = version_;
        if (!body.empty() || response.status != 307) head.content_type = response.content_type;
        head.headers = &response.headers;
        head.keep_alive = keep_alive;
        head.body_size = has_body ? body.size() : 0;
        write_response_head(head, head_);
        keep_for_repeats(response, keep_alive);
        deadline_ = coarse_now() + core_.options.io_timeout;
        const std::array<net::const_buffer, 2> buffers{
            net::buffer(head_), has_body ? net::buffer(body) : net::const_buffer()};
        write_all(buffers, [keep_alive](HttpSession& self) { self.answered(keep_alive); });
    }

    // Writes both buffers, then runs `next` on this session. The bytes must stay put until
    // then (they are members, or static).
    template <class Next>
    void write_all(const std::array<net::const_buffer, 2>& buffers, Next next) {
        beast::error_code ec;
        const auto total = buffers[0].size() + buffers[1].size();
        const auto written = socket_.write_some(buffers, ec);
        if (!ec && written == total) return next(*this);
        if (ec && ec != net::error::would_block) return close();
        const auto done = ec ? 0 : written;
        std::array<net::const_buffer, 2> rest = buffers;
        if (done < rest[0].size()) {
            rest[0] += done;
        } else {
            rest[1] += done - rest[0].size();
            rest[0] = net::const_buffer();
        }
        net::async_write(socket_, rest,
                         [self = shared_from_this(), next](beast::error_code e, std::size_t) {
                             if (e) return self->close();
                             next(*self);
                         });
    }

    void answered(bool keep_alive) {
        shared_body_.reset();
        prepared_.reset();
        // A big answer's buffer is not worth keeping for the next one.
        if (owned_body_.capacity() > std::size_t{64} * 1024) owned_body_ = std::string();
        owned_body_.clear();
        if (!keep_alive) return close();
        await_request();
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        idle_ = false;
        deadline_ = kNoDeadline;
        beast::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_send, ec);
        socket_.close(ec);
    }

    // ---- streamed responses (SSE) ----
    // The sink the handler's side writes through, from any thread. It only posts onto the
    // session's thread; it holds the session weakly, so a stream whose peer left is freed
    // even while the handler still holds the sink.
    class Sink : public StreamSink {
      public:
        Sink(std::weak_ptr<HttpSession> session, ServerCore& core)
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
            net::post(session->socket_.get_executor(), [session, data = std::move(data)]() mutable {
                session->push_chunk(std::move(data), false);
            });
            return true;
        }
        void close() override {
            if (auto session = session_.lock())
                net::post(session->socket_.get_executor(),
                          [session] { session->push_chunk({}, true); });
        }
        void abort() override {
            over_ = true;
            if (auto session = session_.lock())
                net::post(session->socket_.get_executor(), [session] { session->end_stream(); });
        }
        std::size_t queued_bytes() const override { return queued_; }

        static std::int64_t now_ns() {
            return std::chrono::duration_cast<std::chrono::nanoseconds>(
                       Clock::now().time_since_epoch())
                .count();
        }
        std::int64_t timeout_ns() const {
            return std::chrono::duration_cast<std::chrono::nanoseconds>(core_.options.io_timeout)
                .count();
        }

        std::weak_ptr<HttpSession> session_;
        ServerCore& core_;
        std::atomic<bool> over_{false};
        std::atomic<std::size_t> queued_{0};
        std::atomic<std::int64_t> write_started_{0};  // steady ns; 0 when no write is pending
    };

    void start_stream(Response response) {
        streaming_ = true;
        source_ = std::move(response.stream);
        if (core_.stream_io && home_ != core_.stream_io && move_to(*core_.stream_io)) {
            // Its frames must not wait behind the requests queued on the thread it came
            // from (docs/BENCHMARKS.md, sse_latency_bench).
            net::post(socket_.get_executor(),
                      [self = shared_from_this(), response = std::move(response)]() mutable {
                          self->write_stream_head(std::move(response));
                      });
            return;
        }
        write_stream_head(std::move(response));
    }

    // Moves the connection to `other`'s io_context and registry (on the current home's
    // thread, with no operation pending on the socket). False, the connection unchanged,
    // when the socket cannot be handed over.
    bool move_to(IoThread& other) {
        beast::error_code ec;
        const auto protocol = socket_.local_endpoint(ec).protocol();
        if (ec) return false;
        const int fd = socket_.release(ec);  // also leaves this thread's epoll set
        if (ec) return false;
        try {
            socket_ = HttpSocket(other.ioc, protocol, fd);
        } catch (const boost::system::system_error&) {
            ::close(fd);
            return false;  // the socket is closed now: the head write fails and ends it
        }
        {
            const std::lock_guard lock(home_->mutex);
            home_->sessions.erase(this);
        }
        home_ = &other;
        const std::lock_guard lock(home_->mutex);
        home_->sessions.emplace(this, weak_from_this());
        return true;
    }

    void write_stream_head(Response response) {
        ResponseHead head;
        head.status = response.status;
        head.content_type = response.content_type;
        head.headers = &response.headers;
        head.keep_alive = false;
        head.chunked = true;
        write_response_head(head, head_);
        // Streams are long by design: no deadline; a stalled peer is found by the sink
        // (write pending too long) and by the source's buffer bound.
        deadline_ = kNoDeadline;
        net::async_write(socket_, net::buffer(head_),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec || self->stream_done_) return self->end_stream();
                             self->sink_ = std::make_shared<Sink>(self, self->core_);
                             self->source_->start(self->sink_);
                             self->watch_peer();
                         });
    }

    // The client sends nothing on a stream: a read that completes means it left (or broke
    // the protocol); either way the stream ends.
    void watch_peer() {
        socket_.async_read_some(net::buffer(discard_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) return self->end_stream();
                                    self->watch_peer();
                                });
    }

    void push_chunk(std::string data, bool last) {
        if (stream_done_ || stream_last_) return;
        if (last) {
            stream_last_ = true;
            out_.emplace_back("0\r\n\r\n", 0);
        } else {
            if (data.empty()) return;
            char size[20];
            const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
            const std::size_t payload = data.size();
            data.insert(0, size, static_cast<std::size_t>(n));
            data += "\r\n";
            out_.emplace_back(std::move(data), payload);
        }
        if (!writing_) write_next();
    }

    void write_next() {
        if (stream_done_ || out_.empty()) return;
        writing_ = true;
        if (sink_) sink_->write_started_ = Sink::now_ns();
        net::async_write(socket_, net::buffer(out_.front().first),
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
        socket_.shutdown(tcp::socket::shutdown_both, ec);
        socket_.close(ec);
        closed_ = true;
        if (source_ && sink_) source_->stopped();  // started: it owes the source its end
        // A pending write still reads out_.front(): its completion clears the queue.
        if (!writing_) out_.clear();
    }

    HttpSocket socket_;
    ServerCore& core_;
    IoThread* home_;  // changes once, when the connection becomes a stream
    beast::flat_buffer buffer_;
    std::size_t read_size_ = kFirstRead;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::string peer_;
    bool keep_alive_ = true;
    unsigned version_ = 11;
    bool idle_ = false;  // waiting for a request head (nothing of it parsed yet)
    bool closed_ = false;
    Clock::time_point deadline_ = kNoDeadline;  // checked by the thread's sweep
    // The answer being written (members so an unfinished write can continue from them).
    std::string head_;
    std::string owned_body_;
    std::shared_ptr<const std::string> shared_body_;
    std::shared_ptr<const PreparedAnswer> prepared_;  // a repeated answer being written
    // The fast path's key of the request being handled, and whether send() may keep its
    // answer under it.
    std::string fast_key_;
    bool fast_pending_ = false;
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

namespace {

// The live sessions of `home` (taken under its lock, used outside it).
std::vector<std::shared_ptr<HttpSession>> live_sessions(IoThread& home) {
    std::vector<std::shared_ptr<HttpSession>> live;
    const std::lock_guard lock(home.mutex);
    live.reserve(home.sessions.size());
    for (auto& [raw, weak] : home.sessions)
        if (auto session = weak.lock()) live.push_back(std::move(session));
    return live;
}

}  // namespace

void serve_connection(HttpSocket socket, ServerCore& core, IoThread& home) {
    auto session = std::make_shared<HttpSession>(std::move(socket), core, home);
    net::dispatch(home.ioc.get_executor(), [session = std::move(session)] { session->start(); });
}

void expire_overdue_sessions(IoThread& home) {
    const auto now = Clock::now();
    for (auto& session : live_sessions(home)) session->expire_if_due(now);
}

void close_idle_sessions(IoThread& home) {
    for (auto& session : live_sessions(home)) session->close_if_idle();
}

}  // namespace decnet::api
