// LiveFleetControl: the FleetControl of `decnet up` / `decnet deploy` — the REST API
// drives the running instance's engine::Fleet, so /deckies, /stats, deploy, mutate and
// mutate-interval act on the deckies that actually listen (one source of truth, QUIRK Q6
// fixed) and a deploy through the API starts listeners at once.
#pragma once

#include <mutex>

#include "api/fleet_control.hpp"
#include "engine/network_detect.hpp"

namespace decnet::engine {
class Fleet;
}
namespace decnet::store {
class Repository;
}

namespace decnet::api {

class LiveFleetControl final : public FleetControl {
  public:
    // `repo` holds the deployment limit (state `config_limits`) and receives a copy of the
    // deployment after each change, so a standalone `decnet api` later shows the same fleet.
    LiveFleetControl(engine::Fleet& fleet, store::Repository& repo);

    std::string deckies_json() override;
    Counts decky_counts() override;
    void deploy(std::string_view ini_text) override;
    bool mutate(const std::string& name) override;
    IntervalResult set_mutate_interval(const std::string& name,
                                       std::optional<int> minutes) override;
    TeardownResult teardown(const std::string& name) override;

  private:
    void mirror_to_store();

    engine::Fleet& fleet_;
    store::Repository& repo_;
    engine::SystemNetworkDetector network_;
    std::mutex deploy_mutex_;  // one API deploy at a time (each is a read-merge-apply)
};

}  // namespace decnet::api
