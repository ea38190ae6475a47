// A minimal blocking HTTP/1.1 POST over plain TCP, for the exporter thread only: one
// request per connection, bounded by a deadline, abortable between socket waits.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::telemetry::detail {

struct HttpUrl {
    bool tls = false;  // https: parsed so the caller can say it is unsupported
    std::string host;  // without brackets for IPv6 literals
    std::uint16_t port = 80;
    std::string path = "/";
};

// "http://host[:port][/path]"; nullopt (with the reason in *error) for anything else.
std::optional<HttpUrl> parse_http_url(std::string_view url, std::string* error);

struct HttpResponse {
    int status = 0;     // 0 when no response was read
    std::string error;  // transport failure, when status is 0
    std::string body;   // at most the first 4 KiB, for diagnostics
};

HttpResponse http_post(const HttpUrl& url, std::string_view content_type, std::string_view body,
                       std::chrono::steady_clock::time_point deadline,
                       const std::atomic<bool>* abort = nullptr);

}  // namespace decnet::telemetry::detail
