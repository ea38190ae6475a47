#include "api/server/response_head.hpp"

#include <boost/beast/http/status.hpp>
#include <charconv>
#include <ostream>  // Boost 1.74's string_view printing needs it complete

namespace decnet::api {
namespace {

void append_clean(std::string& out, std::string_view text) {
    const auto start = out.size();
    out += text;
    for (auto i = start; i < out.size(); ++i)
        if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
}

void append_number(std::string& out, std::size_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

}  // namespace

bool status_has_body(int status) {
    return status >= 200 && status != 204 && status != 304;
}

void write_response_head(const ResponseHead& head, std::string& out) {
    out.clear();
    out += head.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    append_number(out, static_cast<std::size_t>(head.status));
    out += ' ';
    const auto reason =
        boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(head.status));
    out.append(reason.data(), reason.size());
    out += "\r\n";
    if (!head.content_type.empty()) {
        out += "Content-Type: ";
        append_clean(out, head.content_type);
        out += "\r\n";
    }
    if (head.headers)
        for (const auto& [name, value] : *head.headers) {
            append_clean(out, name);
            out += ": ";
            append_clean(out, value);
            out += "\r\n";
        }
    if (head.chunked) {
        out += "Transfer-Encoding: chunked\r\n";
    } else if (status_has_body(head.status)) {
        out += "Content-Length: ";
        append_number(out, head.body_size);
        out += "\r\n";
    }
    // HTTP/1.1 is persistent unless told otherwise, HTTP/1.0 the reverse (RFC 9112 §9.3).
    if (head.version == 10 && head.keep_alive) out += "Connection: keep-alive\r\n";
    if (head.version != 10 && !head.keep_alive) out += "Connection: close\r\n";
    out += "\r\n";
}

}  // namespace decnet::api
