// Where the sniffer looks, shared by `decnet sniffer` and the instance (`up`/`deploy`):
// the deckies' addresses and the interface their traffic crosses.
#pragma once

#include <memory>
#include <string>

#include "core/config.hpp"
#include "engine/instance_state.hpp"
#include "intel/sniffer/sniffer_worker.hpp"

namespace decnet::cli {

// DECNET_SNIFFER=true (or the reference's DECNET_EMBED_SNIFFER=true), or a decky listing
// the fleet-wide `sniffer` service in a plan built without the CLI's validation.
bool sniffer_enabled(const DeploymentConfig& config);
intel::sniffer::DeckyMap sniffer_deckies(const DeploymentConfig& config);
intel::sniffer::DeckyMap sniffer_deckies(const engine::InstanceState& state);
// $DECNET_SNIFFER_IFACE, else "lo" in loopback mode, else the netns bridge "decnet0" when
// it exists, else the uplink `interface`, else "any".
std::string sniffer_interface(const std::string& mode, const std::string& interface);

}  // namespace decnet::cli
