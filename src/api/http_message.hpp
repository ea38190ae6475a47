// The API's view of one HTTP exchange, independent of Boost.Beast so that resource
// handlers (one file per /api/v1 resource) compile fast and can be unit-tested without
// a socket. The server (api/server/) converts Beast messages to and from these.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::api {

// A route's metric series (api/server/router.cpp); answers the server repeats without
// routing them again are still counted there.
struct RouteMetrics;

struct Request {
    std::string method;  // "GET", "POST", ...
    std::string path;    // percent-decoded path, no query ("/api/v1/logs")
    // Percent-decoded query parameters in arrival order ('+' is a space).
    std::vector<std::pair<std::string, std::string>> query;
    // Header names lower-cased.
    std::map<std::string, std::string> headers;
    std::string body;
    std::string peer_ip;
    // Values captured by "{name}" segments of the matched route pattern.
    std::map<std::string, std::string> path_params;

    // The first value of a query parameter (as FastAPI does), or nullopt.
    std::optional<std::string> query_param(std::string_view name) const;
    std::optional<std::string> header(std::string_view lower_name) const;
    const std::string& path_param(std::string_view name) const;
};

// A long-lived streamed body (SSE), written by the handler's side from any thread. The
// server implements it; writes after the peer left are dropped and return false.
class StreamSink {
  public:
    virtual ~StreamSink() = default;
    // Queues one piece of the body. False once the stream is over (peer gone, closed,
    // aborted for being too far behind, server stopping).
    virtual bool write(std::string data) = 0;
    // Ends the body after what is queued, then the connection. Idempotent.
    virtual void close() = 0;
    // Drops the connection now, queued data included (a client too slow to keep up).
    virtual void abort() = 0;
    // Bytes queued and not yet taken by the socket.
    virtual std::size_t queued_bytes() const = 0;
};

// The handler's side of a streamed response: the server calls start() once the head is
// written and stopped() exactly once when the stream ends for any reason (after start).
class StreamSource {
  public:
    virtual ~StreamSource() = default;
    virtual void start(std::shared_ptr<StreamSink> sink) = 0;
    virtual void stopped() = 0;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    // Set: the body sent instead of `body` — a cached body shared by every hit rather than
    // copied per request (ResponseCache). Read either through text().
    std::shared_ptr<const std::string> shared_body{};
    std::vector<std::pair<std::string, std::string>> headers;
    // Set: `body` is ignored and the server sends a chunked body fed by this source, on a
    // connection that is not reused afterwards.
    std::shared_ptr<StreamSource> stream{};

    // Set on an answer that the same request from the same caller would get again, byte
    // for byte, as long as the store's data version is still `data_version` and until
    // `expires`: the exact ResponseCache tags what it holds, the router shortens
    // `expires` to the caller's token lifetime and names the route. The server then
    // answers such repeats on its I/O thread without routing them (server/fast_answers).
    struct Reuse {
        std::uint64_t data_version = 0;
        std::chrono::steady_clock::time_point expires{};
        RouteMetrics* metrics = nullptr;
        // Set: also only while this counter (a cache's invalidations, kept alive as long
        // as the routes) still reads `changes_seen`.
        const std::atomic<std::uint64_t>* changes = nullptr;
        std::uint64_t changes_seen = 0;
    };
    std::optional<Reuse> reuse{};

    // 200 application/json with an already-serialised body.
    static Response json(std::string body, int status = 200);
    // {"detail": "<text>"} with the given status.
    static Response detail(int status, std::string_view text);
    // {"message": "<text>"}, 200.
    static Response message(std::string_view text);
    Response& with_header(std::string name, std::string value);
    const std::string& text() const { return shared_body ? *shared_body : body; }
};

// Thrown by handlers and validation helpers; the router turns it into
// Response::detail(status, detail) plus the extra headers. Use it for every 4xx.
struct ApiError {
    int status;
    std::string detail;
    std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace decnet::api
