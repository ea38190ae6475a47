// The `deployment` state document. Decky objects are strict like the reference's model
// (unknown keys and wrong types are a consistency error); unknown top-level config keys
// are ignored. decnet's own additions (host_ip, log_target, custom_services) are written
// beside the reference's keys and optional on read, so a reference-written state loads.
#include "api/deployment_state.hpp"

#include <nlohmann/json.hpp>

#include "store/repository.hpp"

namespace decnet::api {
namespace {

using ordered = nlohmann::ordered_json;
using json = nlohmann::json;

[[noreturn]] void inconsistent(const std::string& why) {
    throw DeploymentStateError("deployment state: " + why);
}

const json& member(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end()) inconsistent(std::string("missing '") + key + "'");
    return *it;
}

std::string string_member(const json& object, const char* key) {
    const json& value = member(object, key);
    if (!value.is_string()) inconsistent(std::string("'") + key + "' is not a string");
    return value.get<std::string>();
}

std::string optional_string_member(const json& object, const char* key, std::string fallback) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return fallback;
    if (!it->is_string()) inconsistent(std::string("'") + key + "' is not a string");
    return it->get<std::string>();
}

std::optional<int> optional_int_member(const json& object, const char* key,
                                       std::optional<int> fallback) {
    auto it = object.find(key);
    if (it == object.end()) return fallback;
    if (it->is_null()) return std::nullopt;
    if (!it->is_number_integer()) inconsistent(std::string("'") + key + "' is not an integer");
    return it->get<int>();
}

double number_member(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end()) return 0.0;
    if (!it->is_number()) inconsistent(std::string("'") + key + "' is not a number");
    return it->get<double>();
}

std::string_view mode_text(DeployMode mode) {
    return to_string(mode);
}

DeployMode mode_from_text(const std::string& text) {
    if (text == "loopback") return DeployMode::loopback;
    if (text == "netns" || text == "unihost" || text == "swarm") return DeployMode::netns;
    if (text == "docker") return DeployMode::docker;
    inconsistent("unknown mode '" + text + "'");
}

DeckyConfig decky_from_json(const json& object) {
    static const char* const kKeys[] = {"name",
                                        "ip",
                                        "services",
                                        "distro",
                                        "base_image",
                                        "build_base",
                                        "hostname",
                                        "archetype",
                                        "service_config",
                                        "nmap_os",
                                        "mutate_interval",
                                        "last_mutated",
                                        "last_login_attempt",
                                        "fs_dir"};
    if (!object.is_object()) inconsistent("a decky is not an object");
    for (const auto& [key, value] : object.items()) {
        bool known = false;
        for (const char* k : kKeys) known = known || key == k;
        if (!known) inconsistent("unknown decky key '" + key + "'");
    }
    DeckyConfig decky;
    decky.name = string_member(object, "name");
    decky.ip = string_member(object, "ip");
    const json& services = member(object, "services");
    if (!services.is_array() || services.empty()) inconsistent("'services' is not a list");
    for (const auto& s : services) {
        if (!s.is_string()) inconsistent("a service is not a string");
        decky.services.push_back(s.get<std::string>());
    }
    decky.distro = string_member(object, "distro");
    decky.base_image = string_member(object, "base_image");
    decky.build_base = optional_string_member(object, "build_base", decky.build_base);
    decky.hostname = string_member(object, "hostname");
    if (auto it = object.find("archetype"); it != object.end() && !it->is_null()) {
        if (!it->is_string()) inconsistent("'archetype' is not a string");
        decky.archetype = it->get<std::string>();
    }
    if (auto it = object.find("service_config"); it != object.end()) {
        if (!it->is_object()) inconsistent("'service_config' is not an object");
        for (const auto& [service, settings] : it->items()) {
            if (!settings.is_object()) inconsistent("a service_config entry is not an object");
            auto& persona = decky.service_config[service];
            for (const auto& [key, value] : settings.items())
                persona[key] = value.is_string() ? value.get<std::string>() : value.dump();
        }
    }
    decky.nmap_os = optional_string_member(object, "nmap_os", decky.nmap_os);
    decky.mutate_interval = optional_int_member(object, "mutate_interval", std::nullopt);
    decky.last_mutated = number_member(object, "last_mutated");
    decky.last_login_attempt = number_member(object, "last_login_attempt");
    decky.fs_dir = optional_string_member(object, "fs_dir", "");
    return decky;
}

ordered nullable(const std::string& text) {
    return text.empty() ? ordered(nullptr) : ordered(text);
}

template <class T>
ordered nullable(const std::optional<T>& value) {
    return value ? ordered(*value) : ordered(nullptr);
}

}  // namespace

ordered decky_to_json(const DeckyConfig& decky) {
    ordered service_config = ordered::object();
    for (const auto& [service, persona] : decky.service_config) {
        ordered settings = ordered::object();
        for (const auto& [key, value] : persona) settings[key] = value;
        service_config[service] = std::move(settings);
    }
    ordered out = {
        {"name", decky.name},
        {"ip", decky.ip},
        {"services", decky.services},
        {"distro", decky.distro},
        {"base_image", decky.base_image},
        {"build_base", decky.build_base},
        {"hostname", decky.hostname},
        {"archetype", nullable(decky.archetype)},
        {"service_config", std::move(service_config)},
        {"nmap_os", decky.nmap_os},
        {"mutate_interval", nullable(decky.mutate_interval)},
        {"last_mutated", decky.last_mutated},
        {"last_login_attempt", decky.last_login_attempt},
    };
    if (!decky.fs_dir.empty()) out["fs_dir"] = decky.fs_dir;  // only when set: older readers
    return out;
}

std::string deployment_state_to_json(const DeploymentState& state) {
    const auto& config = state.config;
    ordered deckies = ordered::array();
    for (const auto& decky : config.deckies) deckies.push_back(decky_to_json(decky));
    ordered custom = ordered::array();
    for (const auto& c : config.custom_services)
        custom.push_back(
            {{"name", c.name}, {"binary", c.image}, {"exec", c.exec}, {"ports", c.ports}});
    const ordered document = {
        {"config",
         {
             {"mode", std::string(mode_text(config.mode))},
             {"interface", config.interface},
             {"subnet", config.subnet},
             {"gateway", config.gateway},
             {"deckies", std::move(deckies)},
             {"log_file", nullable(config.log_file)},
             {"ipvlan", config.ipvlan},
             {"mutate_interval", config.mutate_interval.value_or(kDefaultMutateIntervalMinutes)},
             {"host_ip", nullable(config.host_ip)},
             {"log_target", nullable(config.log_target)},
             {"custom_services", std::move(custom)},
         }},
        {"compose_path", state.compose_path},
    };
    return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

DeploymentState deployment_state_from_json(const std::string& text) {
    const json document = json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_object()) inconsistent("not a JSON object");
    const json& config = member(document, "config");
    if (!config.is_object()) inconsistent("'config' is not an object");
    DeploymentState state;
    state.compose_path = optional_string_member(document, "compose_path", "");
    auto& out = state.config;
    out.mode = mode_from_text(optional_string_member(config, "mode", "loopback"));
    out.interface = optional_string_member(config, "interface", "");
    out.subnet = string_member(config, "subnet");
    out.gateway = optional_string_member(config, "gateway", "");
    out.host_ip = optional_string_member(config, "host_ip", "");
    if (auto it = config.find("log_file"); it != config.end() && it->is_string())
        out.log_file = it->get<std::string>();
    if (auto it = config.find("log_target"); it != config.end() && it->is_string())
        out.log_target = it->get<std::string>();
    if (auto it = config.find("ipvlan"); it != config.end() && it->is_boolean())
        out.ipvlan = it->get<bool>();
    out.mutate_interval = optional_int_member(config, "mutate_interval", std::nullopt);
    const json& deckies = member(config, "deckies");
    if (!deckies.is_array()) inconsistent("'deckies' is not a list");
    for (const auto& decky : deckies) out.deckies.push_back(decky_from_json(decky));
    if (auto it = config.find("custom_services"); it != config.end() && it->is_array())
        for (const auto& c : *it) {
            if (!c.is_object()) inconsistent("a custom service is not an object");
            CustomService custom;
            custom.name = string_member(c, "name");
            custom.image = optional_string_member(c, "binary", "");
            custom.exec = optional_string_member(c, "exec", "");
            if (auto ports = c.find("ports"); ports != c.end() && ports->is_array())
                for (const auto& p : *ports)
                    if (p.is_number_unsigned()) custom.ports.push_back(p.get<std::uint16_t>());
            out.custom_services.push_back(std::move(custom));
        }
    return state;
}

std::optional<DeploymentState> load_deployment(store::Repository& repo) {
    const auto text = repo.get_state(kDeploymentStateKey);
    if (!text) return std::nullopt;
    return deployment_state_from_json(*text);
}

void save_deployment(store::Repository& repo, const DeploymentState& state) {
    repo.set_state(kDeploymentStateKey, deployment_state_to_json(state));
}

int deployment_limit(store::Repository& repo) {
    const auto text = repo.get_state(kLimitsStateKey);
    if (!text) return kDefaultDeploymentLimit;
    const json limits = json::parse(*text, nullptr, false);
    if (!limits.is_object()) return kDefaultDeploymentLimit;
    auto it = limits.find("deployment_limit");
    if (it == limits.end() || !it->is_number_integer()) return kDefaultDeploymentLimit;
    return it->get<int>();
}

}  // namespace decnet::api
