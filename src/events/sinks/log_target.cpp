// Parsing and printing of `--log-target` values.
#include "events/sinks/log_target.hpp"

#include <array>
#include <utility>

namespace decnet {

namespace {

constexpr std::array<std::pair<std::string_view, LogTransport>, 4> kSchemes = {{
    {"udp://", LogTransport::udp},
    {"tcp://", LogTransport::tcp},
    {"tls://", LogTransport::tls},
    {"relp://", LogTransport::relp},
}};

std::optional<std::uint16_t> parse_port(std::string_view digits) {
    if (digits.empty() || digits.size() > 5) return std::nullopt;
    unsigned value = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

bool printable_host(std::string_view host) {
    if (host.empty()) return false;
    for (const char c : host) {
        if (c <= ' ' || c == 0x7f || c == '/' || c == '[' || c == ']') return false;
    }
    return true;
}

}  // namespace

std::string_view to_string(LogTransport transport) {
    switch (transport) {
        case LogTransport::udp:
            return "udp";
        case LogTransport::tcp:
            return "tcp";
        case LogTransport::tls:
            return "tls";
        case LogTransport::relp:
            return "relp";
    }
    return "udp";
}

std::string LogTarget::to_string() const {
    const bool bracket = host.find(':') != std::string::npos;
    std::string out(decnet::to_string(transport));
    out += "://";
    out += bracket ? "[" + host + "]" : host;
    out += ":" + std::to_string(port);
    return out;
}

std::optional<LogTarget> parse_log_target(std::string_view text) {
    LogTarget target;
    for (const auto& [scheme, transport] : kSchemes) {
        if (text.starts_with(scheme)) {
            target.transport = transport;
            text.remove_prefix(scheme.size());
            break;
        }
    }
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    const auto port = parse_port(text.substr(colon + 1));
    if (!port || !printable_host(host)) return std::nullopt;
    target.host = std::string(host);
    target.port = *port;
    return target;
}

std::string log_target_error(std::string_view text) {
    return "Invalid log_target '" + std::string(text) + "'. Expected format: ip:port";
}

}  // namespace decnet
