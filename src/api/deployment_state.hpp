// The DB state key `deployment` (api.md §5.2): `{"config": DecnetConfig, "compose_path"}`
// to and from a DeploymentConfig, and decky objects as /deckies shows them (§1.6). Shared
// by every FleetControl so the API and `decnet up` read one format.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/config.hpp"

namespace decnet::store {
class Repository;
}

namespace decnet::api {

inline constexpr const char* kDeploymentStateKey = "deployment";
inline constexpr const char* kLimitsStateKey = "config_limits";
inline constexpr int kDefaultDeploymentLimit = 10;

struct DeploymentState {
    DeploymentConfig config;
    std::string compose_path;
};

// A stored deployment that is not valid JSON or does not fit the model; /deckies answers
// it with 422 "Internal data consistency error" (api.md §0.2).
class DeploymentStateError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Decky object of §1.6 (key order as listed there).
nlohmann::ordered_json decky_to_json(const DeckyConfig& decky);
std::string deployment_state_to_json(const DeploymentState& state);
// Throws DeploymentStateError. Reads the reference's modes (unihost/swarm → netns).
DeploymentState deployment_state_from_json(const std::string& text);

// The stored deployment, or nullopt when none. Throws DeploymentStateError.
std::optional<DeploymentState> load_deployment(store::Repository& repo);
void save_deployment(store::Repository& repo, const DeploymentState& state);
// `config_limits.deployment_limit`, default 10 (read uncached, §1.7 step 5).
int deployment_limit(store::Repository& repo);

}  // namespace decnet::api
