// The compose layout of engine.md §6.5: per decky a base container that owns the network
// identity (IP, hostname, sysctls), then one container per service sharing its network
// namespace.
#include "engine/compose_export.hpp"

#include <filesystem>
#include <optional>
#include <sstream>

#include "core/os_profiles.hpp"
#include "core/service_catalog.hpp"
#include "engine/yaml_writer.hpp"

namespace decnet::engine {
namespace {

constexpr const char* kNetwork = "decnet_lan";
constexpr const char* kFilesMount = "/opt/html_files";

// `[udp://|tcp://|tls://]host:port` → `host:port`, the only form the containers read.
std::string container_log_target(const std::string& target) {
    const auto scheme = target.find("://");
    return scheme == std::string::npos ? target : target.substr(scheme + 3);
}

YamlNode base_service(const DeckyConfig& decky) {
    auto s = YamlNode::map();
    s.set("image", decky.base_image);
    s.set("container_name", decky.name);
    s.set("hostname", decky.hostname);
    s.set("command", YamlNode::strings({"sleep", "infinity"}));
    s.set("restart", "unless-stopped");
    auto lan = YamlNode::map();
    lan.set("ipv4_address", decky.ip);
    s.set("networks", YamlNode::map()).set(kNetwork, std::move(lan));
    auto sysctls = YamlNode::map();
    for (const auto& [key, value] : os_profile(decky.nmap_os).sysctls()) sysctls.set(key, value);
    s.set("sysctls", std::move(sysctls));
    s.set("cap_add", YamlNode::strings({"NET_ADMIN"}));
    return s;
}

// The reference plugin's fragment for a built-in service.
YamlNode builtin_fragment(const DeckyConfig& decky, const ServiceInfo& info,
                          const PersonaConfig& persona, const ComposeOptions& options) {
    const std::string slug(info.slug);
    auto s = YamlNode::map();
    auto build = YamlNode::map();
    const auto& image = info.compose;
    const std::string context(image.build_context.empty() ? info.slug : image.build_context);
    build.set("context", (std::filesystem::path(options.templates_dir) / context).string());
    if (!image.base_image.empty())
        build.set("args", YamlNode::map()).set("BASE_IMAGE", std::string(image.base_image));
    s.set("build", std::move(build));
    s.set("container_name", service_container_name(decky.name, slug));
    s.set("restart", "unless-stopped");
    if (image.bind_service_cap) s.set("cap_add", YamlNode::strings({"NET_BIND_SERVICE"}));

    auto env = YamlNode::map();
    if (!image.login_shell) env.set("NODE_NAME", decky.name);
    std::optional<std::string> files_dir;
    for (const auto& key : info.persona) {
        const auto it = persona.find(std::string(key.key));
        if (key.key == "password" && image.login_shell) {
            env.set(key.env, it == persona.end() ? std::string(key.default_value) : it->second);
            continue;
        }
        if (it == persona.end()) continue;
        if (key.key == "files") {
            files_dir = it->second;
            env.set(key.env, kFilesMount);
            continue;
        }
        env.set(key.env, it->second);
    }
    for (const auto& [name, value] : image.env) env.set(std::string(name), std::string(value));
    s.set("environment", std::move(env));
    if (files_dir) {
        const auto host =
            std::filesystem::absolute(std::filesystem::path(options.base_dir) / *files_dir)
                .lexically_normal();
        s.set("volumes", YamlNode::strings({host.string() + ":" + kFilesMount + ":ro"}));
    }
    return s;
}

// A bring-your-own service (engine.md §4.5): a ready image, no build.
YamlNode custom_fragment(const DeckyConfig& decky, const CustomService& custom) {
    auto s = YamlNode::map();
    s.set("image", custom.image);
    s.set("container_name", service_container_name(decky.name, custom.name));
    s.set("restart", "unless-stopped");
    s.set("environment", YamlNode::map()).set("NODE_NAME", decky.name);
    std::vector<std::string> command;
    std::istringstream words(custom.exec);
    for (std::string w; words >> w;) command.push_back(w);
    if (!command.empty()) s.set("command", YamlNode::strings(command));
    return s;
}

YamlNode logging_block() {
    auto options = YamlNode::map();
    options.set("max-size", "10m");
    options.set("max-file", "5");
    auto logging = YamlNode::map();
    logging.set("driver", "json-file");
    logging.set("options", std::move(options));
    return logging;
}

// The shared-namespace wiring every service container gets on top of its fragment.
void attach_to_base(YamlNode& s, const DeckyConfig& decky, const DeploymentConfig& config) {
    if (auto* build = s.find("build")) {
        auto* args = build->find("args");
        if (!args) args = &build->set("args", YamlNode::map());
        if (!args->find("BASE_IMAGE")) args->set("BASE_IMAGE", decky.build_base);
    }
    auto* env = s.find("environment");
    if (config.log_target) env->set("LOG_TARGET", container_log_target(*config.log_target));
    env->set("HOSTNAME", decky.hostname);
    s.erase("hostname");
    s.erase("networks");
    s.erase("sysctls");
    s.set("network_mode", "service:" + decky.name);
    s.set("depends_on", YamlNode::strings({decky.name}));
    s.set("logging", logging_block());
}

}  // namespace

std::string service_container_name(const std::string& decky, const std::string& service) {
    std::string name = decky + "-" + service;
    for (auto i = decky.size() + 1; i < name.size(); ++i)
        if (name[i] == '_') name[i] = '-';
    return name;
}

std::string generate_compose(const DeploymentConfig& config, const ComposeOptions& options) {
    auto services = YamlNode::map();
    for (const auto& decky : config.deckies) {
        services.set(decky.name, base_service(decky));
        for (const auto& slug : decky.services) {
            YamlNode fragment;
            if (const auto* info = find_service(slug)) {
                if (info->fleet_wide) continue;  // the sniffer never gets a per-decky container
                const auto persona = decky.service_config.find(slug);
                fragment = builtin_fragment(
                    decky, *info,
                    persona == decky.service_config.end() ? PersonaConfig{} : persona->second,
                    options);
            } else {
                const CustomService* custom = nullptr;
                for (const auto& c : config.custom_services)
                    if (c.name == slug) custom = &c;
                if (!custom) continue;  // planning already rejected unknown services
                fragment = custom_fragment(decky, *custom);
            }
            attach_to_base(fragment, decky, config);
            services.set(decky.name + "-" + slug, std::move(fragment));
        }
    }
    auto lan = YamlNode::map();
    lan.set("external", YamlNode::boolean(true));
    auto root = YamlNode::map();
    root.set("version", "3.8");
    root.set("services", std::move(services));
    root.set("networks", YamlNode::map()).set(kNetwork, std::move(lan));
    return root.dump();
}

}  // namespace decnet::engine
