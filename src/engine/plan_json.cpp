// The deployment plan as JSON: what `deploy --dry-run --json` prints (docs/deploy-plan.md).
#include <nlohmann/json.hpp>

#include "core/os_profiles.hpp"
#include "core/service_catalog.hpp"
#include "engine/deployment_plan.hpp"

namespace decnet::engine {
namespace {

using ordered = nlohmann::ordered_json;

ordered nullable(const std::string& s) {
    return s.empty() ? ordered(nullptr) : ordered(s);
}

template <class T>
ordered nullable(const std::optional<T>& v) {
    return v ? ordered(*v) : ordered(nullptr);
}

ordered service_json(const DeploymentConfig& config, const DeckyConfig& decky,
                     const std::string& slug) {
    ordered ports = ordered::array();
    if (const auto* info = find_service(slug)) {
        for (const auto& p : info->ports)
            ports.push_back({{"port", p.port}, {"transport", std::string(to_string(p.transport))}});
    } else {
        for (const auto& custom : config.custom_services)
            if (custom.name == slug)
                for (auto port : custom.ports)
                    ports.push_back({{"port", port}, {"transport", "tcp"}});
    }
    ordered persona = ordered::object();
    if (const auto it = decky.service_config.find(slug); it != decky.service_config.end())
        for (const auto& [k, v] : it->second) persona[k] = v;
    return {{"name", slug}, {"ports", ports}, {"persona", persona}};
}

ordered decky_json(const DeploymentConfig& config, const DeckyConfig& decky) {
    ordered services = ordered::array();
    for (const auto& s : decky.services) services.push_back(service_json(config, decky, s));
    const auto& profile = os_profile(decky.nmap_os);
    return {
        {"name", decky.name},
        {"ip", decky.ip},
        {"hostname", decky.hostname},
        {"distro", decky.distro},
        {"base_image", decky.base_image},
        {"archetype", nullable(decky.archetype)},
        {"nmap_os", decky.nmap_os},
        {"os_family", std::string(profile.family)},
        {"ttl", profile.ttl},
        {"services", services},
        {"mutate_interval", config.effective_mutate_interval(decky)},
    };
}

}  // namespace

std::string plan_to_json(const DeploymentPlan& plan) {
    const auto& config = plan.config;
    ordered deckies = ordered::array();
    for (const auto& d : config.deckies) deckies.push_back(decky_json(config, d));
    ordered custom = ordered::array();
    for (const auto& c : config.custom_services)
        custom.push_back(
            {{"name", c.name}, {"image", c.image}, {"exec", c.exec}, {"ports", c.ports}});
    const ordered out = {
        {"schema", "decnet.plan/1"},
        {"mode", std::string(to_string(config.mode))},
        {"source", plan.source},
        {"seed", nullable(plan.seed)},
        {"interface", nullable(config.interface)},
        {"subnet", config.subnet},
        {"gateway", nullable(config.gateway)},
        {"host_ip", nullable(config.host_ip)},
        {"ipvlan", config.ipvlan},
        {"log_file", nullable(config.log_file)},
        {"log_target", nullable(config.log_target)},
        {"mutate_interval", config.mutate_interval.value_or(kDefaultMutateIntervalMinutes)},
        {"deckies", deckies},
        {"custom_services", custom},
    };
    return out.dump(2);
}

}  // namespace decnet::engine
