// An HTTP/1.1 API server as Go's net/http presents one (see go_server.hpp).
#include "honeypot/services/http/go_server.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "core/text.hpp"
#include "honeypot/session.hpp"

namespace decnet::honeypot::http {
namespace {

using boost::asio::awaitable;

// Go buffers this much of a handler's output before it gives up on Content-Length.
constexpr std::size_t kGoResponseBuffer = 2048;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// The refusals Go's server explains (its statusError texts), and the one it answers 501.
constexpr std::string_view kMissingHost = "missing required Host header";
constexpr std::string_view kMalformedHost = "malformed Host header";
constexpr std::string_view kUnsupportedVersion = "unsupported protocol version";
constexpr std::string_view kUnsupportedCoding = "unsupported Transfer-Encoding";
constexpr std::string_view kGoErrorHeaders =
    "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n";

// Go's httpguts.ValidHostHeader: a reg-name, IP literal or IPv6 zone with its port, in the
// bytes RFC 3986 allows there.
bool valid_go_host(std::string_view host) {
    constexpr std::string_view kAllowed = "!$%&'()*+,-.:;=[]_~";
    for (const char c : host)
        if (!std::isalnum(static_cast<unsigned char>(c)) &&
            kAllowed.find(c) == std::string_view::npos)
            return false;
    return true;
}

bool token_in(const std::string* value, std::string_view token) {
    if (!value) return false;
    std::string_view rest = *value;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        if (iequals(trim(rest.substr(0, comma)), token)) return true;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace

std::string ApiRequest::param(std::string_view name) const {
    for (const auto& [key, value] : query)
        if (key == name) return value;
    return {};
}

namespace {

awaitable<std::optional<ApiRequest>> read_request_head(Session& s, std::string& error,
                                                       bool skip_blank_lines) {
    auto read = co_await read_head(s, skip_blank_lines);
    if (!read.head) {
        error = read.error;
        co_return std::nullopt;
    }
    auto parsed = parse_request_head(*read.head);
    if (!parsed || parsed->line.version == "HTTP/0.9") {
        error = "malformed request";
        co_return std::nullopt;
    }
    ApiRequest out;
    out.line = std::move(parsed->line);
    out.headers = std::move(parsed->headers);
    out.query = parse_form(out.line.query);
    out.http10 = out.line.version == "HTTP/1.0";
    const auto* connection = out.header("Connection");
    out.keep_alive =
        out.http10 ? token_in(connection, "keep-alive") : !token_in(connection, "close");
    out.head_only = out.line.method == "HEAD";
    co_return out;
}

}  // namespace

awaitable<std::optional<ApiRequest>> read_api_head(Session& s, std::string& error) {
    co_return co_await read_request_head(s, error, true);
}

awaitable<std::optional<ApiRequest>> read_go_head(Session& s, std::string& error) {
    auto request = co_await read_request_head(s, error, false);
    if (!request) co_return request;
    // server.go's checks between reading a request and calling its handler, in its order.
    const auto& line = request->line;
    std::size_t hosts = 0;
    const std::string* host = nullptr;
    for (const auto& [name, value] : request->headers)
        if (name == "Host") ++hosts, host = &value;
    const bool h2_preface = line.method == "PRI" && line.path == "*" && line.version == "HTTP/2.0";
    if (hosts > 1)
        error = "too many Host headers";
    else if (line.version[5] != '1' && !h2_preface)
        error = kUnsupportedVersion;
    else if (hosts == 0 && !request->http10 && !h2_preface && line.method != "CONNECT")
        error = kMissingHost;
    else if (host && !valid_go_host(*host))
        error = kMalformedHost;
    if (!error.empty()) co_return std::nullopt;
    co_return request;
}

awaitable<bool> read_api_body(Session& s, ApiRequest& request, std::size_t keep,
                              std::size_t max_total, std::string& error, const BodySink& sink) {
    const auto* expect = request.header("Expect");
    const bool continue_expected = expect && iequals(*expect, "100-continue");
    if (const auto* te = request.header("Transfer-Encoding")) {
        if (!iequals(trim(*te), "chunked")) {
            error = kUnsupportedCoding;
            co_return false;
        }
        if (continue_expected && !co_await s.write(kContinue)) co_return false;
        auto read = co_await read_chunked_body(s, max_total, keep, request.body, sink);
        request.body_size = read.size;
        error = read.error;
        co_return read.complete;
    }
    const auto* cl = request.header("Content-Length");
    if (!cl) co_return true;
    const auto length = parse_content_length(*cl);
    if (!length) {
        error = "bad Content-Length";
        co_return false;
    }
    if (*length > max_total) {
        error = "body too large";
        co_return false;
    }
    if (*length > 0 && continue_expected && !co_await s.write(kContinue)) co_return false;
    request.body_size = *length;
    co_return co_await read_body(s, *length, keep, request.body, sink);
}

std::string go_response(const ApiRequest& request, int code, Fields headers,
                        std::string_view body) {
    std::stable_sort(headers.begin(), headers.end(),
                     [](const Field& a, const Field& b) { return a.first < b.first; });
    std::string out = request.http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(code) + " " + std::string(reason_phrase(code)) + "\r\n";
    for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
    out += "Date: " + rfc1123_now() + "\r\n";
    const bool chunked = body.size() > kGoResponseBuffer && !request.http10;
    if (chunked)
        out += "Transfer-Encoding: chunked\r\n";
    else if (code != 204 && code != 304)
        out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (!request.keep_alive && !request.http10) out += "Connection: close\r\n";
    out += "\r\n";
    if (request.head_only || body.empty()) return out;
    if (!chunked) return out + std::string(body);
    char size[20];
    std::snprintf(size, sizeof size, "%zx\r\n", body.size());
    return out + size + std::string(body) + "\r\n0\r\n\r\n";
}

std::string go_refusal(std::string_view error) {
    if (error == kUnsupportedCoding)
        return "HTTP/1.1 501 Not Implemented" + std::string(kGoErrorHeaders) +
               "Unsupported transfer encoding";
    std::string status = "400 Bad Request";
    if (error == kUnsupportedVersion) status = "505 HTTP Version Not Supported";
    if (error == kMissingHost || error == kMalformedHost || error == kUnsupportedVersion)
        status += ": " + std::string(error);
    return "HTTP/1.1 " + status + std::string(kGoErrorHeaders) + status;
}

}  // namespace decnet::honeypot::http
