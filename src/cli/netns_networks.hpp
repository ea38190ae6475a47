// `up --mode netns`: wires the decky namespaces (engine/netns) into a running instance.
#pragma once

#include "cli/instance.hpp"
#include "core/config.hpp"
#include "engine/deployment_plan.hpp"

namespace decnet::cli {

// Checks privileges and the netns flags now (ConfigError before anything is created),
// then sets hooks.prepare_network: once the instance holds its state dir, it creates one
// namespace per decky, prints them, and makes the runtime bind inside them. The
// namespaces and links are removed when the instance stops.
void use_netns_networks(InstanceHooks& hooks, const engine::DeployOptions& options,
                        const DeploymentConfig& config);

}  // namespace decnet::cli
