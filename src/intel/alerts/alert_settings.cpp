// [alerts] keys: url, secret, events, services, min_severity, max_queue, retries, timeout,
// backoff, max_backoff, verify_tls, enabled.
#include "intel/alerts/alert_settings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text.hpp"

namespace decnet::intel::alerts {
namespace {

constexpr std::size_t kMaxUrl = 2048;
constexpr std::size_t kMaxListItems = 256;
constexpr std::string_view kBlank = " \t\r\n";

std::string section_of(const std::string& name) {
    return name == "default" ? "[alerts]" : "[alerts." + name + "]";
}

class Reader {
  public:
    Reader(const std::string& name, const std::map<std::string, SourceLine>* origins)
        : name_(name), origins_(origins) {}

    SourceLine where(const std::string& key) const {
        if (origins_ == nullptr) return {};
        const auto it = origins_->find(key);
        return it == origins_->end() ? SourceLine{} : it->second;
    }

    [[noreturn]] void fail(const std::string& key, const std::string& why) const {
        const auto at = where(key);
        const std::string prefix = section_of(name_) + (key.empty() ? "" : " " + key + "=");
        throw ConfigError(prefix + ": " + why, at.file, at.line);
    }

    bool flag(const std::string& key, const std::string& value) const {
        const auto v = ascii_lower(trim(value, kBlank));
        if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
        if (v == "false" || v == "no" || v == "off" || v == "0") return false;
        fail(key, "expected true or false, got '" + value + "'");
    }

    double number(const std::string& key, const std::string& value, double lo, double hi) const {
        const auto text = trim(value, kBlank);
        double v = 0;
        const auto* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, v);
        if (ec != std::errc{} || ptr != end || !(v >= lo && v <= hi))
            fail(key, "expected a number from " + shortest(lo) + " to " + shortest(hi) + ", got '" +
                          value + "'");
        return v;
    }

    std::chrono::milliseconds seconds(const std::string& key, const std::string& value, double lo,
                                      double hi) const {
        return std::chrono::milliseconds(std::llround(number(key, value, lo, hi) * 1000));
    }

    // Comma- or space-separated words.
    std::vector<std::string> list(const std::string& key, const std::string& value) const {
        std::vector<std::string> out;
        std::string item;
        for (const char c : value + ",") {
            if (c == ',' || c == ' ' || c == '\n' || c == '\t' || c == '\r') {
                if (!item.empty()) out.push_back(item);
                item.clear();
            } else {
                item += c;
            }
        }
        if (out.size() > kMaxListItems) fail(key, "at most 256 items");
        return out;
    }

  private:
    static std::string shortest(double v) {
        char text[32];
        const auto [end, ec] = std::to_chars(text, text + sizeof text, v);
        return ec == std::errc{} ? std::string(text, end) : std::to_string(v);
    }

    const std::string& name_;
    const std::map<std::string, SourceLine>* origins_;
};

bool valid_target_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    });
}

WebhookTarget read_target(const std::string& name, const PersonaConfig& keys,
                          const std::map<std::string, SourceLine>* origins, bool& enabled) {
    const Reader r(name, origins);
    if (!valid_target_name(name))
        r.fail("", "a webhook target's name is 1-64 letters, digits, '_' or '-'");
    WebhookTarget t;
    t.name = name;
    bool has_url = false;
    for (const auto& [key, value] : keys) {
        if (key == "url") {
            std::string why;
            auto url = parse_webhook_url(trim(value, kBlank), &why);
            if (!url) r.fail(key, why);
            t.url = std::move(*url);
            has_url = true;
        } else if (key == "secret") {
            t.secret = std::string(trim(value, kBlank));
        } else if (key == "events" || key == "event_types") {
            t.events = r.list(key, value);
        } else if (key == "services") {
            t.services = r.list(key, value);
        } else if (key == "min_severity" || key == "severity") {
            const auto severity = severity_from_string(trim(value, kBlank));
            if (!severity)
                r.fail(key,
                       "expected a syslog severity (emergency, alert, critical, error, "
                       "warning, notice, info, debug), got '" +
                           value + "'");
            t.min_severity = *severity;
        } else if (key == "max_queue") {
            t.max_queue = static_cast<std::size_t>(r.number(key, value, 1, 1000000));
        } else if (key == "retries") {
            t.max_attempts = 1 + static_cast<int>(r.number(key, value, 0, 100));
        } else if (key == "timeout") {
            t.timeout = r.seconds(key, value, 0.1, 300);
        } else if (key == "backoff") {
            t.backoff = r.seconds(key, value, 0.01, 3600);
        } else if (key == "max_backoff") {
            t.max_backoff = r.seconds(key, value, 0.01, 86400);
        } else if (key == "verify_tls") {
            t.verify_tls = r.flag(key, value);
        } else if (key == "enabled") {
            enabled = r.flag(key, value);
        } else {
            r.fail(key, "unknown key (docs/ALERTS.md lists them)");
        }
    }
    if (!has_url) r.fail("", "url= is required (http:// or https://)");
    t.max_backoff = std::max(t.max_backoff, t.backoff);
    return t;
}

}  // namespace

std::optional<WebhookUrl> parse_webhook_url(std::string_view text, std::string* error) {
    const auto fail = [&](std::string why) -> std::optional<WebhookUrl> {
        if (error != nullptr) *error = std::move(why);
        return std::nullopt;
    };
    if (text.size() > kMaxUrl) return fail("the URL is longer than 2048 characters");
    for (const char c : text)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return fail("spaces and control characters are not allowed in the URL");
    WebhookUrl out;
    out.text = std::string(text);
    std::string_view rest = text;
    const auto lower = ascii_lower(text.substr(0, 8));
    if (lower.starts_with("http://")) {
        rest.remove_prefix(7);
    } else if (lower.starts_with("https://")) {
        rest.remove_prefix(8);
        out.tls = true;
        out.port = 443;
    } else {
        return fail("the URL must start with http:// or https://");
    }
    const auto end = std::min(rest.find_first_of("/?#"), rest.size());
    const auto authority = rest.substr(0, end);
    auto target = rest.substr(end);
    if (const auto hash = target.find('#'); hash != std::string_view::npos)
        target = target.substr(0, hash);
    out.target = target.empty()          ? "/"
                 : target.front() == '/' ? std::string(target)
                                         : "/" + std::string(target);
    if (authority.find('@') != std::string_view::npos)
        return fail("credentials in the URL are not supported (use secret= to sign)");
    std::string_view port_text;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return fail("unterminated IPv6 address");
        out.host = std::string(authority.substr(1, close - 1));
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') return fail("junk after the IPv6 address");
            port_text = after.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (out.host.empty()) return fail("no host in the URL");
    if (!port_text.empty()) {
        unsigned port = 0;
        const auto [ptr, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port == 0 ||
            port > 65535)
            return fail("bad port '" + std::string(port_text) + "'");
        out.port = static_cast<std::uint16_t>(port);
    }
    return out;
}

std::string WebhookUrl::redacted() const {
    std::string out = tls ? "https://" : "http://";
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != (tls ? 443 : 80)) out += ":" + std::to_string(port);
    out += target == "/" ? "/" : "/…";
    return out;
}

bool WebhookTarget::matches(std::string_view service, std::string_view event_type,
                            Severity severity) const {
    // Lower numbers are more severe (RFC 5424).
    if (static_cast<int>(severity) > static_cast<int>(min_severity)) return false;
    const auto listed = [](const std::vector<std::string>& list, std::string_view value) {
        return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
    };
    return listed(events, event_type) && listed(services, service);
}

std::optional<Severity> severity_from_string(std::string_view text) {
    const auto v = ascii_lower(text);
    if (v == "emergency" || v == "emerg") return Severity::emergency;
    if (v == "alert") return Severity::alert;
    if (v == "critical" || v == "crit") return Severity::critical;
    if (v == "error" || v == "err") return Severity::error;
    if (v == "warning" || v == "warn") return Severity::warning;
    if (v == "notice") return Severity::notice;
    if (v == "info" || v == "informational") return Severity::info;
    if (v == "debug") return Severity::debug;
    return std::nullopt;
}

Severity severity_of_raw_line(std::string_view raw_line) {
    // "<PRI>" with 1-3 digits, PRI = facility × 8 + severity.
    if (raw_line.size() < 3 || raw_line.front() != '<') return Severity::info;
    int pri = 0;
    std::size_t i = 1;
    for (; i < raw_line.size() && i <= 3 && raw_line[i] >= '0' && raw_line[i] <= '9'; ++i)
        pri = pri * 10 + (raw_line[i] - '0');
    if (i == 1 || i >= raw_line.size() || raw_line[i] != '>' || pri > 191) return Severity::info;
    return static_cast<Severity>(pri % 8);
}

AlertSettings alert_settings_from_config(const DeploymentConfig& config) {
    AlertSettings settings;
    if (config.alerts.size() > kMaxTargets) {
        const auto& [name, keys] = *std::next(config.alerts.begin(), kMaxTargets);
        const auto origins = config.alerts_origins.find(name);
        Reader(name, origins == config.alerts_origins.end() ? nullptr : &origins->second)
            .fail("", "at most 16 webhook targets");
    }
    for (const auto& [name, keys] : config.alerts) {
        const auto origins = config.alerts_origins.find(name);
        bool enabled = true;
        auto target = read_target(
            name, keys, origins == config.alerts_origins.end() ? nullptr : &origins->second,
            enabled);
        if (enabled) settings.targets.push_back(std::move(target));
    }
    return settings;
}

std::string alert_settings_json(const AlertSettings& settings) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& t : settings.targets) {
        nlohmann::ordered_json row;
        row["name"] = t.name;
        row["url"] = t.url.redacted();
        row["signed"] = !t.secret.empty();
        row["events"] = t.events;
        row["services"] = t.services;
        row["min_severity"] = std::string(to_string(t.min_severity));
        row["max_queue"] = t.max_queue;
        row["retries"] = t.max_attempts - 1;
        row["timeout"] = static_cast<double>(t.timeout.count()) / 1000;
        row["backoff"] = static_cast<double>(t.backoff.count()) / 1000;
        row["max_backoff"] = static_cast<double>(t.max_backoff.count()) / 1000;
        row["verify_tls"] = t.verify_tls;
        out.push_back(std::move(row));
    }
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace decnet::intel::alerts
