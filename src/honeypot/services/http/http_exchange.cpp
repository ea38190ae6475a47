// The socket side of an HTTP/1.x exchange (see http_exchange.hpp).
#include "honeypot/services/http/http_exchange.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

#include "honeypot/services/http/http_request.hpp"
#include "honeypot/session.hpp"

namespace decnet::honeypot::http {
namespace {

using boost::asio::awaitable;

constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kMaxBlankLines = 8;
constexpr std::size_t kMaxTrailers = 32;

}  // namespace

std::string_view reason_phrase(int code) {
    switch (code) {
        case 101:
            return "Switching Protocols";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 204:
            return "No Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 406:
            return "Not Acceptable";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 411:
            return "Length Required";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 418:
            return "I'm a teapot";
        case 422:
            return "Unprocessable Entity";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        default:
            return code < 300 ? "OK" : code < 400 ? "Found" : "Error";
    }
}

std::string rfc1123_now() {
    static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char out[40];
    std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return out;
}

awaitable<HeadRead> read_head(Session& s, bool skip_blank_lines) {
    HeadRead out;
    std::optional<std::string> line;
    for (std::size_t blanks = 0;; ++blanks) {
        line = co_await s.read_line();
        if (!line) {
            if (s.open()) out.error = "request line too long";
            co_return out;
        }
        if (!line->empty()) break;
        if (!skip_blank_lines) {
            out.error = "malformed request";
            co_return out;
        }
        if (blanks >= kMaxBlankLines) {
            out.error = "no request line";
            co_return out;
        }
    }
    if (line->size() > kMaxRequestLine) {
        out.error = "request line too long";
        co_return out;
    }
    std::string head = *line + "\n";
    std::size_t headers = 0, block = 0;
    for (;;) {
        line = co_await s.read_line();
        if (!line) {
            // Still open = the line outgrew the session's frame limit; closed = truncated.
            out.error = s.open() ? "header line too long" : "";
            co_return out;
        }
        if (line->empty()) break;
        block += line->size() + 2;
        if (++headers > kMaxHeaders) {
            out.error = "too many headers";
            co_return out;
        }
        if (block > kMaxHeaderBlock) {
            out.error = "header block too large";
            co_return out;
        }
        head += *line + "\n";
    }
    out.head = std::move(head);
    co_return out;
}

awaitable<bool> read_body(Session& s, std::size_t length, std::size_t keep, std::string& body,
                          const BodySink& sink) {
    while (length > 0) {
        const auto n = std::min(length, kReadChunk);
        auto chunk = co_await s.read_exact(n);
        if (!chunk) co_return false;
        if (body.size() < keep) body += std::string_view(*chunk).substr(0, keep - body.size());
        if (sink) sink(*chunk);
        length -= n;
    }
    co_return true;
}

awaitable<ChunkedRead> read_chunked_body(Session& s, std::size_t max_total, std::size_t keep,
                                         std::string& body, const BodySink& sink) {
    ChunkedRead out;
    for (std::size_t chunks = 0;; ++chunks) {
        auto line = co_await s.read_line();
        if (!line) {
            if (s.open()) out.error = "chunk size line too long";
            co_return out;
        }
        const auto size = parse_chunk_size(*line);
        if (!size) {
            out.error = "bad chunk size";
            co_return out;
        }
        if (chunks >= kMaxChunks) {
            out.error = "too many chunks";
            co_return out;
        }
        if (*size > max_total - out.size) {
            out.error = "chunked body too large";
            co_return out;
        }
        if (*size == 0) break;
        if (!co_await read_body(s, *size, keep, body, sink)) co_return out;
        out.size += *size;
        auto end = co_await s.read_line();  // the CRLF after the data
        if (!end) co_return out;
        if (!end->empty()) {
            out.error = "chunk data longer than its size";
            co_return out;
        }
    }
    for (std::size_t trailers = 0;; ++trailers) {
        auto line = co_await s.read_line();
        if (!line) co_return out;
        if (line->empty()) break;
        if (trailers >= kMaxTrailers) {
            out.error = "too many trailers";
            co_return out;
        }
    }
    out.complete = true;
    co_return out;
}

}  // namespace decnet::honeypot::http
