// [alerts] settings from arbitrary text: the first line is a webhook URL, the rest
// `key = value` lines of one target; and the whole input as a stored row's RFC 5424 line
// (its PRI's severity). Errors must be ConfigErrors, never crashes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "intel/alerts/alert_settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    using namespace decnet;
    (void)intel::alerts::severity_of_raw_line(input);
    std::string error;
    const auto newline = input.find('\n');
    (void)intel::alerts::parse_webhook_url(input.substr(0, newline), &error);
    DeploymentConfig config;
    auto& keys = config.alerts[std::string(input.substr(0, std::min<std::size_t>(size, 8)))];
    keys["url"] = std::string(input.substr(0, newline));
    std::string_view rest = newline == std::string_view::npos ? "" : input.substr(newline + 1);
    for (int lines = 0; !rest.empty() && lines < 64; ++lines) {
        const auto end = rest.find('\n');
        const auto line = rest.substr(0, end);
        const auto equals = line.find('=');
        if (equals != std::string_view::npos)
            keys[std::string(line.substr(0, equals))] = std::string(line.substr(equals + 1));
        rest = end == std::string_view::npos ? "" : rest.substr(end + 1);
    }
    try {
        const auto settings = intel::alerts::alert_settings_from_config(config);
        (void)intel::alerts::alert_settings_json(settings);
        for (const auto& target : settings.targets) (void)target.url.redacted();
    } catch (const ConfigError&) {
    }
    return 0;
}
