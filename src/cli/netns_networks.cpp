// Glue between the instance's start-up order and engine/netns (see netns_networks.hpp).
#include "cli/netns_networks.hpp"

#include <iostream>

#include "cli/table.hpp"
#include "engine/netns/decky_network.hpp"
#include "engine/netns/privileges.hpp"

namespace decnet::cli {
namespace {

std::string attach_text(const engine::netns::NetnsOptions& o) {
    switch (o.attach) {
        case engine::netns::Attach::bridge:
            return "veth on bridge " + o.bridge;
        case engine::netns::Attach::macvlan:
            return "macvlan on " + o.parent;
        case engine::netns::Attach::ipvlan:
            return "ipvlan L2 on " + o.parent;
    }
    return {};
}

void print_networks(const engine::netns::DeckyNetworks& networks,
                    const engine::netns::NetnsOptions& options) {
    Table table("Decky namespaces (" + attach_text(options) + ")",
                {"Decky", "Namespace", "IP", "MAC", "Vendor"});
    for (const auto& d : networks.deckies())
        table.add_row({d.decky, d.namespace_name, d.ip, d.mac.value_or("(parent's)"),
                       d.mac ? d.vendor : "-"});
    std::cout << table.render() << std::flush;
}

}  // namespace

void use_netns_networks(InstanceHooks& hooks, const engine::DeployOptions& options,
                        const DeploymentConfig& config) {
    engine::netns::require_netns_privileges();
    const auto netns = engine::netns::netns_options(options.attach, options.bridge, config);
    hooks.prepare_network = [netns, config](honeypot::Runtime& runtime,
                                            const engine::StatePaths& paths) {
        std::shared_ptr<engine::netns::DeckyNetworks> networks =
            engine::netns::DeckyNetworks::create(config, netns, paths.dir);
        print_networks(*networks, netns);
        // The runtime keeps the opener; the raw pointer stays valid because the object
        // returned below outlives the runtime's listeners (instance.cpp).
        const engine::netns::DeckyNetworks* raw = networks.get();
        runtime.set_socket_opener([raw](const DeckyConfig& decky, std::uint16_t port,
                                        Transport transport, std::size_t copies) {
            return raw->open_listeners(decky, port, transport, copies);
        });
        return std::shared_ptr<engine::DeckyNetworking>(networks);
    };
}

}  // namespace decnet::cli
