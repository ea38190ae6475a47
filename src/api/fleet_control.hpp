// FleetControl: the one source of truth for the fleet behind /deckies, the decky counts
// of /stats, deploy, mutate, mutate-interval and teardown (api.md §1.6–§1.9, fixing QUIRK Q6:
// everything reads and writes the same deployment). `decnet api` on its own uses
// DbFleetControl (the DB state key `deployment`); `decnet up` provides one that also
// applies each change to its live runtime.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::api {

class FleetControl {
  public:
    virtual ~FleetControl() = default;

    // The deckies as a JSON array text (decky objects of api.md §1.6); "[]" when nothing
    // is deployed. Throws DeploymentStateError when the stored deployment is unreadable.
    virtual std::string deckies_json() = 0;

    struct Counts {
        std::int64_t deployed = 0;
        std::int64_t active = 0;
    };
    virtual Counts decky_counts() = 0;

    // Merges the deckies of an INI (already checked by validate_ini_text) into the
    // deployment (§1.7 steps 1–7). Throws ApiError: 409 with the INI/fleet error text,
    // 409 on the deployment limit, 500 "Deployment failed. Check server logs for details."
    virtual void deploy(std::string_view ini_text) = 0;

    // New random services for one decky (§1.8); false when there is no deployment, no
    // such decky, or applying it failed.
    virtual bool mutate(const std::string& name) = 0;

    enum class IntervalResult { updated, no_deployment, unknown_decky };
    // Sets (or with nullopt clears) one decky's mutate interval in minutes (§1.9).
    virtual IntervalResult set_mutate_interval(const std::string& name,
                                               std::optional<int> minutes) = 0;

    enum class TeardownResult { removed, no_deployment, unknown_decky };
    // Removes one decky from the deployment (decnet's addition for the dashboard; the
    // same as `decnet teardown --id NAME`): a live one stops listening at once.
    virtual TeardownResult teardown(const std::string& name) = 0;
};

}  // namespace decnet::api
