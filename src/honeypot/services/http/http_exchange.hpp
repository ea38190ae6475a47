// The socket side of an HTTP/1.x exchange, shared by every emulator that speaks HTTP (http,
// docker_api, k8s): reading a bounded request head and body (Content-Length or chunked) off
// a Session, and the Date and reason phrase of a response. Parsing the bytes is
// http_request.hpp's; what to answer is each emulator's own.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::honeypot {
class Session;
}

namespace decnet::honeypot::http {

// The request head, line by line, under http_request.hpp's limits; `error` says why it was
// refused (the caller answers 400). Blank lines before the request line are skipped, as
// Apache and nginx do (RFC 9112 §2.2), unless `skip_blank_lines` is false: Go's net/http
// takes the first line for the request line, whatever it is.
struct HeadRead {
    std::optional<std::string> head;  // nullopt: peer gone or refused
    std::string error;                // non-empty: refused
};
boost::asio::awaitable<HeadRead> read_head(Session& s, bool skip_blank_lines = true);

// Reads `length` body bytes, keeping the first `keep` in `body`; false when the peer stopped
// short. `sink`, when set, sees every byte (an artifact capture of an upload).
using BodySink = std::function<void(std::string_view)>;
boost::asio::awaitable<bool> read_body(Session& s, std::size_t length, std::size_t keep,
                                       std::string& body, const BodySink& sink = {});

// A chunked body (RFC 9112 §7.1): at most `max_total` decoded bytes and kMaxChunks chunks,
// the first `keep` kept in `body`, trailers skipped. `error` is non-empty when the framing
// was bad or too big (answer 400 and close); false without an error: the peer went away.
struct ChunkedRead {
    bool complete = false;
    std::size_t size = 0;  // decoded bytes seen
    std::string error;
};
inline constexpr std::size_t kMaxChunks = 100000;
boost::asio::awaitable<ChunkedRead> read_chunked_body(Session& s, std::size_t max_total,
                                                      std::size_t keep, std::string& body,
                                                      const BodySink& sink = {});

// "Fri, 27 Nov 2026 12:09:15 GMT" without touching the locale.
std::string rfc1123_now();

// The standard reason phrase of a status code (Go's and Apache's agree on these).
std::string_view reason_phrase(int code);

}  // namespace decnet::honeypot::http
