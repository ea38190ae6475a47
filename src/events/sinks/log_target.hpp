// LogTarget: where the syslog forwarder sends events, from `--log-target`
// `[udp|tcp|tls|relp://]host:port` (engine.md §7.9 parsing, extended with a scheme).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet {

enum class LogTransport : std::uint8_t { udp, tcp, tls, relp };
std::string_view to_string(LogTransport transport);

struct LogTarget {
    LogTransport transport = LogTransport::udp;
    std::string host;  // name or IP literal, without [brackets]
    std::uint16_t port = 0;

    // "tls://host:port" ([host] when it holds a colon).
    std::string to_string() const;
    bool operator==(const LogTarget&) const = default;
};

// No scheme = udp. host:port is split at the LAST colon (so "::1:514" is host ::1, port
// 514, as in the reference); "[::1]:514" is accepted too. The port is 1-65535 in digits.
// nullopt for anything else; log_target_error() is the message to show.
std::optional<LogTarget> parse_log_target(std::string_view text);
// "Invalid log_target '<x>'. Expected format: ip:port" (the reference's wording).
std::string log_target_error(std::string_view text);

}  // namespace decnet
