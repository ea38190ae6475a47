#include "api/live_fleet_control.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "api/db_fleet_control.hpp"
#include "api/deployment_state.hpp"
#include "api/http_message.hpp"
#include "core/error.hpp"
#include "engine/fleet.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

bool same_decky(const DeckyConfig& a, const DeckyConfig& b) {
    return a.ip == b.ip && a.services == b.services && a.hostname == b.hostname &&
           a.nmap_os == b.nmap_os && a.service_config == b.service_config;
}

}  // namespace

LiveFleetControl::LiveFleetControl(engine::Fleet& fleet, store::Repository& repo)
    : fleet_(fleet), repo_(repo) {}

std::string LiveFleetControl::deckies_json() {
    // The running fleet adds what only it knows: the MAC a netns decky answers ARP with
    // (null in loopback mode and with ipvlan) and whether every service listens.
    std::map<std::string, engine::DeckyState, std::less<>> running;
    for (auto& state : fleet_.deckies()) running.emplace(state.name, std::move(state));
    nlohmann::ordered_json deckies = nlohmann::ordered_json::array();
    for (const auto& decky : fleet_.config().deckies) {
        auto entry = decky_to_json(decky);
        const auto it = running.find(decky.name);
        entry["mac"] = it != running.end() && it->second.mac
                           ? nlohmann::ordered_json(*it->second.mac)
                           : nlohmann::ordered_json(nullptr);
        entry["state"] = it != running.end() ? it->second.state : std::string("stopped");
        deckies.push_back(std::move(entry));
    }
    return deckies.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

FleetControl::Counts LiveFleetControl::decky_counts() {
    const auto deckies = fleet_.deckies();
    Counts counts;
    counts.deployed = static_cast<std::int64_t>(deckies.size());
    counts.active = std::count_if(deckies.begin(), deckies.end(),
                                  [](const engine::DeckyState& d) { return d.state == "up"; });
    return counts;
}

void LiveFleetControl::deploy(std::string_view ini_text) {
    const std::lock_guard lock(deploy_mutex_);
    DeploymentState current;
    current.config = fleet_.config();
    const auto next = merge_ini_deploy(current, ini_text, network_, deployment_limit(repo_),
                                       engine::epoch_seconds());
    // Apply decky by decky: new ones are added, changed ones restarted with their new
    // settings, untouched ones keep their sessions.
    std::size_t applied = 0;
    for (const auto& decky : next.config.deckies) {
        const auto& existing = current.config.deckies;
        const auto it = std::find_if(existing.begin(), existing.end(),
                                     [&](const DeckyConfig& d) { return d.name == decky.name; });
        if (it != existing.end() && same_decky(*it, decky)) continue;
        try {
            if (it != existing.end()) fleet_.remove_decky(decky.name);
            const auto added = fleet_.add_decky(decky);
            // The daemon's log is where an operator finds a netns decky's MAC at once.
            spdlog::info("deploy: decky {} listening on {}{}", added.name, added.ip,
                         added.mac ? " (MAC " + *added.mac + ")" : std::string());
            ++applied;
        } catch (const ConfigError& e) {
            // Put a replaced decky back as it was, so a failed deploy loses nothing.
            if (it != existing.end()) {
                try {
                    fleet_.add_decky(*it);
                } catch (const ConfigError& again) {
                    spdlog::error("deploy: could not restore {}: {}", it->name, again.what());
                }
            }
            // A port in use or a bad address: the reference answers 500 with a fixed
            // text; the operator finds the reason in the log.
            spdlog::error("deploy through the API failed after {} decky(s): {}", applied, e.what());
            mirror_to_store();
            throw ApiError{500, "Deployment failed. Check server logs for details.", {}};
        }
    }
    mirror_to_store();
}

bool LiveFleetControl::mutate(const std::string& name) {
    const auto result = fleet_.mutate_decky(name);
    if (!result.ok) spdlog::warn("mutate {}: {}", name, result.error);
    if (result.ok) mirror_to_store();
    return result.ok;
}

FleetControl::IntervalResult LiveFleetControl::set_mutate_interval(const std::string& name,
                                                                   std::optional<int> minutes) {
    if (!fleet_.set_mutate_interval(name, minutes)) return IntervalResult::unknown_decky;
    mirror_to_store();
    return IntervalResult::updated;
}

FleetControl::TeardownResult LiveFleetControl::teardown(const std::string& name) {
    if (!fleet_.remove_decky(name)) return TeardownResult::unknown_decky;
    spdlog::info("teardown through the API: decky {} removed", name);
    mirror_to_store();
    return TeardownResult::removed;
}

void LiveFleetControl::mirror_to_store() {
    try {
        DeploymentState state;
        state.config = fleet_.config();
        save_deployment(repo_, state);
    } catch (const std::exception& e) {
        spdlog::warn("could not mirror the deployment to the store: {}", e.what());
    }
}

}  // namespace decnet::api
