// http request parsing: pure functions over bytes already read (request line, header lines,
// form bodies), so they can be unit-tested and fuzzed apart from the socket dialogue in
// http.cpp. Nothing here allocates without a bound the caller chose.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "events/event.hpp"

namespace decnet::honeypot::http {

// Limits of one request (the Session also caps every line at SessionLimits::max_line).
inline constexpr std::size_t kMaxRequestLine = 8 * 1024;
inline constexpr std::size_t kMaxHeaders = 100;
inline constexpr std::size_t kMaxHeaderBlock = 32 * 1024;
inline constexpr std::size_t kMaxBody = 64 * 1024;
inline constexpr std::size_t kLoggedBody = 512;

struct RequestLine {
    std::string method;   // as sent (methods are case-sensitive)
    std::string path;     // percent-decoded, query dropped (what the reference logged)
    std::string query;    // raw text after '?', without the '?'
    std::string version;  // "HTTP/1.1"; "HTTP/0.9" for a bare "GET /"
};

// "METHOD SP target [SP HTTP/x.y]"; nullopt for anything a real server would answer 400.
std::optional<RequestLine> parse_request_line(std::string_view line);

// "Name: value" with the name canonicalised ("user-agent" → "User-Agent") and the value
// trimmed; nullopt when there is no colon or the name is not a token.
std::optional<Field> parse_header_line(std::string_view line);

// "user-agent" → "User-Agent", as Werkzeug presented headers to the reference.
std::string canonical_header_name(std::string_view name);

// Decimal digits only, no sign, no overflow; nullopt otherwise.
std::optional<std::size_t> parse_content_length(std::string_view value);

// A chunk-size line ("1a3f", "1a3f;ext=v"): hex digits only, at most 8 of them (a chunk
// over 4 GiB is abuse); nullopt otherwise.
std::optional<std::size_t> parse_chunk_size(std::string_view line);

// application/x-www-form-urlencoded → decoded (name, value) pairs, in order.
Fields parse_form(std::string_view body);

// The first username-like and password-like fields of a login form (both must be present).
std::optional<std::pair<std::string, std::string>> find_credentials(const Fields& form);

// A whole request head (request line and header lines, LF or CRLF ends) under the limits
// above; what the fuzzer drives. nullopt = a 400.
struct RequestHead {
    RequestLine line;
    Fields headers;
};
std::optional<RequestHead> parse_request_head(std::string_view head);

// Case-insensitive header lookup; nullptr when absent.
const std::string* find_header(const Fields& headers, std::string_view name);

}  // namespace decnet::honeypot::http
