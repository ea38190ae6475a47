// An HTTP/1.1 API server the way Go's net/http presents one (docker_api, k8s): keep-alive
// connections, requests read under bounds (Content-Length or chunked bodies), handler
// headers in sorted order followed by Date and Content-Length (or chunked past 2 KiB, as
// Go's response buffer does), the status line's version echoing an HTTP/1.0 request, and
// Go's plain-text refusals of garbage, before any handler. What to answer is the emulator's.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "events/event.hpp"
#include "honeypot/services/http/http_exchange.hpp"
#include "honeypot/services/http/http_request.hpp"

namespace decnet::honeypot {
class Session;
}

namespace decnet::honeypot::http {

struct ApiRequest {
    RequestLine line;
    Fields headers;
    Fields query;      // decoded query parameters, in order
    std::string body;  // the first bytes of the body (the caller's `keep`)
    std::size_t body_size = 0;
    bool http10 = false;     // the status line says HTTP/1.0 back
    bool keep_alive = true;  // the connection stays open after the answer
    bool head_only = false;  // HEAD: headers only

    const std::string* header(std::string_view name) const { return find_header(headers, name); }
    // A query parameter's value, or "" when absent.
    std::string param(std::string_view name) const;
};

// The next request head of the connection; nullopt when the peer left or the head was
// refused (then `error` is set: answer 400 and close). Lenient as most servers are.
boost::asio::awaitable<std::optional<ApiRequest>> read_api_head(Session& s, std::string& error);

// The same as Go's net/http reads it before any handler runs: the first line is the request
// line (a blank one is garbage), HTTP/1.x only, and an HTTP/1.1 request needs one valid Host
// header. Refused: `error` is set; answer go_refusal(error) and close.
boost::asio::awaitable<std::optional<ApiRequest>> read_go_head(Session& s, std::string& error);

// Its body: the first `keep` bytes kept, at most `max_total` accepted (a longer one sets
// `error`, as does broken chunking), every byte shown to `sink`. False: close the
// connection (peer gone, or `error` to report).
boost::asio::awaitable<bool> read_api_body(Session& s, ApiRequest& request, std::size_t keep,
                                           std::size_t max_total, std::string& error,
                                           const BodySink& sink = {});

// A complete response: `headers` (sorted by name as Go writes them), then Date, then
// Content-Length (≤ 2 KiB) or chunked framing.
std::string go_response(const ApiRequest& request, int code, Fields headers, std::string_view body);
// Go's reply to a request its server refused (the connection then closes): a plain
// "400 Bad Request" for garbage, and the status with its reason where Go gives one ("400 Bad
// Request: missing required Host header", "505 HTTP Version Not Supported: ...", 501 for a
// transfer coding it does not know).
std::string go_refusal(std::string_view error);

}  // namespace decnet::honeypot::http
