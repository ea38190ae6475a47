// Deployment planning: mode, network, IPs and fleet, in the reference's validation order.
#include "engine/deployment_plan.hpp"

#include <algorithm>
#include <sstream>

#include "core/error.hpp"
#include "core/fleet_builder.hpp"
#include "core/ini_loader.hpp"
#include "core/ipv4.hpp"
#include "core/rng.hpp"
#include "core/text.hpp"
#include "engine/network_detect.hpp"

namespace decnet::engine {
namespace {

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) items.emplace_back(trim(item));
    if (!text.empty() && text.back() == ',') items.emplace_back();
    return items;
}

bool inside_loopback(const Subnet& subnet) {
    return subnet.prefix >= 8 && Subnet::parse("127.0.0.0/8").contains(subnet.network);
}

// `origin` says where a requested subnet came from, for the message: " (INI net=)" with the
// file and line of net=, or nothing for --subnet.
Subnet loopback_subnet(const std::optional<std::string>& requested, const std::string& origin,
                       const std::string& file = {}, int line = 0) {
    Subnet subnet = Subnet::parse(requested.value_or(kLoopbackSubnet));
    if (!inside_loopback(subnet))
        throw ConfigError("loopback mode needs a subnet inside 127.0.0.0/8, got " + subnet.text +
                              origin + "; use --mode netns for a LAN subnet.",
                          file, line);
    return subnet;
}

struct NetworkChoice {
    Subnet subnet;
    IpReservations reserved;
};

// LAN modes: flags first, then the INI's [general], then detection (engine.md §1.3).
NetworkChoice lan_network(const DeployOptions& options, const GeneralSection* general,
                          NetworkDetector& network, DeploymentConfig& config) {
    config.interface = options.interface ? *options.interface
                       : (general && general->interface) ? *general->interface
                                                         : network.default_interface();
    std::optional<std::string> subnet = options.subnet;
    if (!subnet && general && general->net) subnet = general->net;
    std::optional<std::string> gateway;
    if (general && general->gw) gateway = general->gw;
    if (!subnet) subnet = network.subnet_of(config.interface);
    if (!gateway) gateway = network.default_gateway();
    config.subnet = *subnet;
    config.gateway = *gateway;
    config.host_ip = network.host_ip_of(config.interface);
    NetworkChoice choice{Subnet::parse(*subnet), {}};
    choice.reserved.gateway = Ipv4::parse(config.gateway);
    choice.reserved.host = Ipv4::parse(config.host_ip);
    return choice;
}

NetworkChoice loopback_network(const DeployOptions& options, const IniConfig* ini,
                               DeploymentConfig& config) {
    std::optional<std::string> requested = options.subnet;
    std::string origin;
    std::string file;
    int line = 0;
    if (!requested && ini && ini->general.net) {
        requested = ini->general.net;
        origin = " (INI net=)";
        file = ini->source;
        line = ini->general.net_line;
    }
    NetworkChoice choice{loopback_subnet(requested, origin, file, line), {}};
    config.interface = "lo";
    config.subnet = choice.subnet.text;
    return choice;
}

// Without --mode, an INI deployment on a LAN subnet is a netns one (the file says where
// the deckies live); with --mode the user's choice stands and is checked as usual.
void choose_ini_mode(const DeployOptions& options, const IniConfig& ini, DeploymentPlan& plan) {
    if (options.mode) return;
    const std::optional<std::string>& subnet = options.subnet ? options.subnet : ini.general.net;
    if (!subnet) return;
    try {
        if (inside_loopback(Subnet::parse(*subnet))) return;
    } catch (const ConfigError&) {
        return;  // reported by the network choice or the loader
    }
    plan.config.mode = DeployMode::netns;
    plan.mode_reason = std::string(options.subnet ? "--subnet" : "INI net=") + " is a LAN subnet";
}

// Problems come out in file order: the file's own ones (found by the loader, which stops
// at the first) win over a network that cannot be set up, and the addresses of the deckies
// before the file's first problem are checked before it is reported.
void plan_from_ini(const DeployOptions& options, NetworkDetector& network, double now, Rng& rng,
                   DeploymentPlan& plan) {
    auto& config = plan.config;
    IniReading reading = read_ini_file(*options.config_path);
    const IniConfig& ini = reading.config;
    choose_ini_mode(options, ini, plan);
    const auto choose_network = [&] {
        try {
            return config.mode == DeployMode::loopback
                       ? loopback_network(options, &ini, config)
                       : lan_network(options, &ini.general, network, config);
        } catch (const ConfigError&) {
            if (reading.error) throw *reading.error;
            throw;
        }
    };
    const NetworkChoice net = choose_network();
    IniFleetRequest request{net.subnet, net.reserved, options.randomize_services,
                            options.mutate_interval, now};
    config.deckies = build_deckies_from_ini(ini, request, rng);
    if (reading.error) throw *reading.error;
    config.custom_services = ini.custom_services;
    config.prober = ini.prober;
    config.prober_origins = ini.prober_origins;
    config.geoip = ini.geoip;
    config.geoip_origins = ini.geoip_origins;
    config.alerts = ini.alerts;
    config.alerts_origins = ini.alerts_origins;
    if (config.deckies.empty())
        throw ConfigError("no decky sections found: a deployment needs at least one decky",
                          ini.source);
}

void plan_from_flags(const DeployOptions& options, NetworkDetector& network, double now, Rng& rng,
                     DeploymentConfig& config) {
    if (!options.deckies) throw ConfigError("--deckies is required when --config is not used.");
    FlagFleetRequest request;
    if (options.services && !options.services->empty()) {
        request.services = split_list(*options.services);
        validate_service_list(*request.services);
    }
    if (options.archetype) request.archetype = *options.archetype;
    request.randomize_services = options.randomize_services;
    validate_flag_request(request);

    const NetworkChoice net = config.mode == DeployMode::loopback
                                  ? loopback_network(options, nullptr, config)
                                  : lan_network(options, nullptr, network, config);
    if (options.distro && !options.distro->empty()) request.distros = split_list(*options.distro);
    validate_flag_request(request);  // the reference checks distros after the network
    request.randomize_distros = options.randomize_distros;
    request.mutate_interval = options.mutate_interval;
    request.now = now;
    const std::optional<Ipv4> start =
        options.ip_start ? std::optional(Ipv4::parse(*options.ip_start)) : std::nullopt;
    request.ips =
        allocate_ips(net.subnet, net.reserved, static_cast<std::size_t>(*options.deckies), start);
    config.deckies = build_deckies(request, rng);
}

}  // namespace

DeployMode parse_deploy_mode(const std::string& text) {
    if (text == "loopback") return DeployMode::loopback;
    if (text == "netns" || text == "unihost" || text == "swarm") return DeployMode::netns;
    if (text == "docker") return DeployMode::docker;
    throw ConfigError("--mode must be 'loopback', 'netns' or 'docker' (got '" + text +
                      "'; the reference's 'unihost' and 'swarm' mean netns)");
}

void validate_log_target(const std::string& target) {
    std::string rest = target;
    for (const char* scheme : {"udp://", "tcp://", "tls://", "relp://"})
        if (rest.rfind(scheme, 0) == 0) rest = rest.substr(std::string(scheme).size());
    const auto colon = rest.rfind(':');
    const auto port = colon == std::string::npos ? std::string{} : rest.substr(colon + 1);
    const bool ok =
        colon != std::string::npos && colon > 0 && !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        std::stoi(port) >= 1 && std::stoi(port) <= 65535;
    if (!ok) throw ConfigError("Invalid log_target '" + target + "'. Expected format: ip:port");
}

DeploymentPlan plan_deployment(const DeployOptions& options, NetworkDetector& network, double now) {
    DeploymentPlan plan;
    auto& config = plan.config;
    config.mode = parse_deploy_mode(options.mode.value_or("loopback"));
    if (options.log_target) validate_log_target(*options.log_target);
    if (options.mutate_interval && *options.mutate_interval < 1)
        throw ConfigError("--mutate-interval must be at least 1 minute.");
    plan.seed = options.seed;
    Rng rng = options.seed ? Rng(*options.seed) : Rng::from_entropy();

    if (options.config_path) {
        plan.source = *options.config_path;
        plan_from_ini(options, network, now, rng, plan);
    } else {
        plan.source = "flags";
        plan_from_flags(options, network, now, rng, config);
    }
    config.ipvlan = options.ipvlan;
    config.log_file = options.log_file;
    config.log_target = options.log_target;
    config.mutate_interval = options.mutate_interval;
    return plan;
}

}  // namespace decnet::engine
