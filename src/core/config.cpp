// Deployment model helpers.
#include "core/config.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace decnet {

std::string_view to_string(DeployMode mode) {
    switch (mode) {
        case DeployMode::loopback:
            return "loopback";
        case DeployMode::netns:
            return "netns";
        case DeployMode::docker:
            return "docker";
    }
    return "loopback";
}

int DeploymentConfig::effective_mutate_interval(const DeckyConfig& decky) const {
    if (decky.mutate_interval && *decky.mutate_interval > 0) return *decky.mutate_interval;
    if (mutate_interval && *mutate_interval > 0) return *mutate_interval;
    return kDefaultMutateIntervalMinutes;
}

void validate_decky_name(std::string_view name) {
    const auto allowed = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    };
    if (name.empty())
        throw ConfigError("Invalid decky name '': String should have at least 1 character");
    if (name.size() > 128)
        throw ConfigError("Invalid decky name '" + std::string(name.substr(0, 32)) +
                          "…': String should have at most 128 characters");
    if (!std::all_of(name.begin(), name.end(), allowed))
        throw ConfigError("Invalid decky name '" + std::string(name) +
                          "': String should match pattern '^[A-Za-z0-9._-]+$'");
}

}  // namespace decnet
