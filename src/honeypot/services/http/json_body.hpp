// JSON request bodies of the API emulators (docker_api, k8s), parsed under bounds: an
// attacker's body is at most the caller's size, nested at most kMaxJsonDepth deep (nlohmann
// would recurse through any depth), else it is refused before nlohmann sees it.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::honeypot::http {

inline constexpr std::size_t kMaxJsonDepth = 64;

// The deepest nesting of arrays and objects in `text` (strings skipped), stopping early once
// past `limit`.
std::size_t json_depth(std::string_view text, std::size_t limit = kMaxJsonDepth);

// The parsed body, or nullopt when it is not JSON or nested too deep (`error` says which).
std::optional<nlohmann::json> parse_json_body(std::string_view body, std::string* error = nullptr);

// A JSON value as a short log text: strings as they are, anything else dumped, cut at `max`
// bytes (never inside a UTF-8 sequence).
std::string json_text(const nlohmann::json& value, std::size_t max = 512);

// The first `n` bytes of `text`, cut at a UTF-8 boundary.
std::string utf8_prefix(std::string_view text, std::size_t n);

}  // namespace decnet::honeypot::http
