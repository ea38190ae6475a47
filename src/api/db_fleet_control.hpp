// DbFleetControl: the FleetControl of a standalone `decnet api` — the fleet is the DB
// state key `deployment`, nothing is started. The merge and mutation rules are free
// functions so a FleetControl that also drives a live runtime applies the same ones.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "api/deployment_state.hpp"
#include "api/fleet_control.hpp"

namespace decnet {
class Rng;
}
namespace decnet::engine {
class NetworkDetector;
}
namespace decnet::store {
class Repository;
}

namespace decnet::api {

// §1.7 steps 1–5: the INI's deckies built and merged by name into `current` (or into a
// new deployment: loopback unless the INI's [general] names an interface — QUIRK Q1
// fixed), checked against `limit`. Auto-assigned IPs skip the addresses of the deckies
// that stay. Throws ApiError 409 with the reference's texts.
DeploymentState merge_ini_deploy(const std::optional<DeploymentState>& current,
                                 std::string_view ini_text, engine::NetworkDetector& network,
                                 int limit, double now);

// §1.8: a new random set of 1–3 services from the decky's archetype (or every per-decky
// service), different from the current one when possible (20 draws); last_mutated = now.
void mutate_decky(DeckyConfig& decky, Rng& rng, double now);

// "2m" → 2, "1d" → 1440, "1M" → 43200, "1y"/"1Y" → 525600; nullopt unless the text
// matches ^[1-9]\d*[mdMyY]$ (or overflows an int).
std::optional<int> interval_minutes(std::string_view text);

struct DbFleetOptions {
    // compose_path of a first deployment (the reference's "<project root>/docker-compose.yml").
    std::string compose_path = "docker-compose.yml";
    // DECNET_INGEST_LOG_FILE: replaces the stored log_file on deploy, as in the reference.
    std::optional<std::string> ingest_log_file;
};

class DbFleetControl final : public FleetControl {
  public:
    DbFleetControl(store::Repository& repo, engine::NetworkDetector& network,
                   DbFleetOptions options = {});

    std::string deckies_json() override;
    Counts decky_counts() override;
    void deploy(std::string_view ini_text) override;
    bool mutate(const std::string& name) override;
    IntervalResult set_mutate_interval(const std::string& name,
                                       std::optional<int> minutes) override;
    TeardownResult teardown(const std::string& name) override;

  private:
    store::Repository& repo_;
    engine::NetworkDetector& network_;
    DbFleetOptions options_;
    // Serialises read-modify-write of the state (two deploys must not lose each other).
    std::mutex write_mutex_;
};

double epoch_seconds_now();

}  // namespace decnet::api
