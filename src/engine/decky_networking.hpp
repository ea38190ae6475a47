// What a decky needs on the host besides its listeners, seen from Fleet: nothing in
// loopback mode, a network namespace and interfaces in netns mode (engine/netns). Fleet
// calls it so that a decky added or removed while the instance runs (REST API deploy,
// `teardown --id`) gets or loses its network exactly like one deployed at start-up.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"

namespace decnet::engine {

class DeckyNetworking {
  public:
    virtual ~DeckyNetworking() = default;

    // Creates the decky's network if it has none yet (deploy-time deckies already do).
    // All-or-nothing: throws ConfigError with nothing left behind.
    virtual void add(const DeckyConfig& decky, const DeploymentConfig& deployment) = 0;
    // Removes the decky's network (no-op when it has none). Never throws.
    virtual void remove(std::string_view decky) noexcept = 0;
    // The decky's own MAC address; nullopt when it has none (loopback, ipvlan).
    virtual std::optional<std::string> mac(std::string_view decky) const = 0;
};

}  // namespace decnet::engine
