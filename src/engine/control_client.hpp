// The CLI side of the control socket: send one request line, read one response line.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::engine {

// The response line (without newline), or nullopt when nothing listens on the socket (no
// instance running). Throws ConfigError when the instance accepts but does not answer in
// time or the exchange breaks.
std::optional<std::string> control_request(
    const std::string& socket_path, std::string_view request,
    std::chrono::milliseconds timeout = std::chrono::seconds(15));

}  // namespace decnet::engine
