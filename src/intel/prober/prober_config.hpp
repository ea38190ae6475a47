// The INI's [prober] section → ProberSettings (docs/PROBER.md lists the keys). Parsed once
// when the instance starts; a bad value or unknown key fails the start with its INI line.
#pragma once

#include "core/config.hpp"
#include "intel/prober/policy.hpp"

namespace decnet::intel::prober {

// `own_networks` gets the deployment's subnet and decky addresses. Throws ConfigError.
ProberSettings settings_from_config(const DeploymentConfig& config);

}  // namespace decnet::intel::prober
