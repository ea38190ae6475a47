// Docker mode: the deployment as a docker-compose file in the reference's layout
// (engine.md §6.5), for users who run DECNET's high-interaction containers. Generation
// only — decnet never runs docker itself.
#pragma once

#include <string>

#include "core/config.hpp"

namespace decnet::engine {

struct ComposeOptions {
    // Absolute directory holding the reference's per-service build contexts
    // (templates/<service>/Dockerfile).
    std::string templates_dir;
    // Relative persona `files` paths are resolved against this directory.
    std::string base_dir;
};

// The compose file text. Fixes the reference's D6 (one container-name rule, so
// smtp_relay's container is `<decky>-smtp-relay`), D12 (custom services come from the
// config, not process memory) and D13 (LOG_TARGET is injected when a log target is set).
std::string generate_compose(const DeploymentConfig& config, const ComposeOptions& options);

// `<decky>-<service with "_" → "-">`: the one naming rule for service containers.
std::string service_container_name(const std::string& decky, const std::string& service);

}  // namespace decnet::engine
