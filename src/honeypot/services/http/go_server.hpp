// An HTTP/1.1 API server the way Go's net/http presents one (docker_api, k8s): keep-alive
// connections, requests read under bounds (Content-Length or chunked bodies), handler
// headers in sorted order followed by Date and Content-Length (or chunked past 2 KiB, as
// Go's response buffer does), the status line's version echoing an HTTP/1.0 request, and
// Go's plain-text "400 Bad Request" for garbage. What to answer is the emulator's.
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
// refused (then `error` is set: answer go_bad_request() and close).
boost::asio::awaitable<std::optional<ApiRequest>> read_api_head(Session& s, std::string& error);

// Its body: the first `keep` bytes kept, at most `max_total` accepted (a longer one sets
// `error`, as does broken chunking), every byte shown to `sink`. False: close the
// connection (peer gone, or `error` to report).
boost::asio::awaitable<bool> read_api_body(Session& s, ApiRequest& request, std::size_t keep,
                                           std::size_t max_total, std::string& error,
                                           const BodySink& sink = {});

// A complete response: `headers` (sorted by name as Go writes them), then Date, then
// Content-Length (≤ 2 KiB) or chunked framing.
std::string go_response(const ApiRequest& request, int code, Fields headers, std::string_view body);
// Go's reply to an unparseable request (the connection then closes).
std::string_view go_bad_request();

}  // namespace decnet::honeypot::http
