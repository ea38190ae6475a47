// The INI's [alerts] / [alerts.<name>] sections → webhook targets (docs/ALERTS.md lists the
// keys). Parsed once when the instance starts; a bad value or unknown key fails the start
// with its INI line.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "events/event.hpp"

namespace decnet::intel::alerts {

inline constexpr std::size_t kMaxTargets = 16;

struct WebhookUrl {
    std::string text;  // as configured
    bool tls = false;  // https
    std::string host;  // without brackets for IPv6 literals
    std::uint16_t port = 80;
    std::string target = "/";  // path and query, sent as the request target

    // scheme://host[:port] and "/…" when there is a path: what GET /config shows (a
    // hook URL's path often is its secret).
    std::string redacted() const;
};

// http:// or https:// URLs without credentials, spaces or control characters.
std::optional<WebhookUrl> parse_webhook_url(std::string_view text, std::string* error);

struct WebhookTarget {
    std::string name;  // "default" for [alerts]; the label of its metrics
    WebhookUrl url;
    std::string secret;                        // HMAC-SHA256 key; empty: not signed
    std::vector<std::string> events;           // event types; empty: every one
    std::vector<std::string> services;         // services; empty: every one
    Severity min_severity = Severity::debug;   // this or more severe (debug: every event)
    std::size_t max_queue = 1000;              // then the oldest queued alert is dropped
    int max_attempts = 5;                      // the first try and its retries
    std::chrono::milliseconds timeout{10000};  // one attempt: resolve, connect, send, answer
    std::chrono::milliseconds backoff{1000};   // before the first retry; doubles per retry
    std::chrono::milliseconds max_backoff{60000};
    bool verify_tls = true;  // https: the certificate chain and the host name

    bool matches(std::string_view service, std::string_view event_type, Severity severity) const;
};

struct AlertSettings {
    std::vector<WebhookTarget> targets;  // empty: alerts are off
};

// Throws ConfigError naming the section, key and line.
AlertSettings alert_settings_from_config(const DeploymentConfig& config);

// "emergency" … "debug" (and "warn", "err", "crit", "emerg"), any case.
std::optional<Severity> severity_from_string(std::string_view text);

// The severity in a stored row's RFC 5424 line (`<PRI>1 …`); info when it has none.
Severity severity_of_raw_line(std::string_view raw_line);

// The targets as GET /config shows them to admins: a JSON array, secrets never included.
std::string alert_settings_json(const AlertSettings& settings);

}  // namespace decnet::intel::alerts
