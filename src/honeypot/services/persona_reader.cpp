// PersonaReader: typed access to a decky's persona keys at deploy time (see module.hpp).
#include <charconv>

#include "core/service_catalog.hpp"
#include "core/text.hpp"
#include "honeypot/services/module.hpp"

namespace decnet::honeypot {

PersonaReader::PersonaReader(const ServiceInfo& service, const DeckyConfig& decky,
                             const PersonaConfig& persona)
    : service_(service), decky_(decky), persona_(persona) {}

bool PersonaReader::has(std::string_view key) const {
    return persona_.find(std::string(key)) != persona_.end();
}

std::string PersonaReader::text(std::string_view key) const {
    if (const auto it = persona_.find(std::string(key)); it != persona_.end()) return it->second;
    const auto* declared = service_.find_persona_key(key);
    std::string value = declared ? std::string(declared->default_value) : std::string();
    const std::string& host = decky_.hostname.empty() ? decky_.name : decky_.hostname;
    for (auto pos = value.find("{node}"); pos != std::string::npos; pos = value.find("{node}"))
        value.replace(pos, 6, host);
    return value;
}

std::string PersonaReader::line(std::string_view key) const {
    auto value = text(key);
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
        fail(key, "must be one line (no CR, LF or NUL)");
    return value;
}

long PersonaReader::integer(std::string_view key, long min, long max) const {
    const auto value = text(key);
    const auto digits = trim(value);
    long parsed = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() ||
        parsed < min || parsed > max)
        fail(key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                      ", got '" + value.substr(0, 64) + "'");
    return parsed;
}

bool PersonaReader::boolean(std::string_view key) const {
    const auto value = ascii_lower(trim(text(key)));
    // configparser's getboolean() words.
    if (value == "1" || value == "yes" || value == "true" || value == "on") return true;
    if (value == "0" || value == "no" || value == "false" || value == "off" || value.empty())
        return false;
    fail(key, "must be yes/no, true/false, on/off or 1/0, got '" + value.substr(0, 64) + "'");
}

std::string PersonaReader::choice(std::string_view key,
                                  std::span<const std::string_view> allowed) const {
    const auto value = text(key);
    for (const auto option : allowed)
        if (value == option) return value;
    std::string list;
    for (const auto option : allowed)
        list += (list.empty() ? "" : ", ") +
                (option.empty() ? std::string("\"\"") : std::string(option));
    fail(key, "must be one of " + list + ", got '" + value.substr(0, 64) + "'");
}

void PersonaReader::fail(std::string_view key, const std::string& why) const {
    throw PersonaError(std::string(key), why);
}

}  // namespace decnet::honeypot
