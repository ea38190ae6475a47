// Creation order per decky: namespace → link (veth on the bridge, or macvlan/ipvlan on
// the parent, created straight into the namespace) → MAC, address, lo, route → sysctls.
// Each object is recorded as soon as it exists, so a failure at any step removes exactly
// what was made.
#include "engine/netns/decky_network.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/ipv4.hpp"
#include "core/os_profiles.hpp"
#include "engine/netns/command.hpp"
#include "engine/netns/mac_address.hpp"
#include "engine/netns/names.hpp"
#include "engine/netns/namespace_socket.hpp"
#include "engine/netns/namespace_sysctls.hpp"
#include "engine/netns/privileges.hpp"
#include "telemetry/span.hpp"

namespace decnet::engine::netns {
namespace {

// A MAC collision inside one fleet is re-derived with a salt; 16 tries is far more than
// 24 random bits ever need for a LAN-sized fleet.
constexpr unsigned kMacAttempts = 16;

void check_interface(const std::string& name, const std::string& what) {
    if (!valid_interface_name(name))
        throw ConfigError("Invalid " + what + " interface name '" + name + "'.");
}

// The decky's own MAC, re-derived with a salt while it collides with one in `taken`
// (which then holds it too).
MacChoice unique_mac(const DeckyConfig& d, std::set<std::string>& taken) {
    const std::optional<std::string_view> archetype =
        d.archetype ? std::optional<std::string_view>(*d.archetype) : std::nullopt;
    const std::string_view family = os_profile(d.nmap_os).family;
    MacChoice mac = decky_mac(d.name, archetype, family);
    for (unsigned salt = 1; taken.contains(mac.mac) && salt < kMacAttempts; ++salt)
        mac = decky_mac(d.name, archetype, family, salt);
    taken.insert(mac.mac);
    return mac;
}

std::vector<MacChoice> choose_macs(const DeploymentConfig& config) {
    std::vector<MacChoice> out;
    std::set<std::string> taken;
    for (const auto& d : config.deckies) out.push_back(unique_mac(d, taken));
    return out;
}

std::string collision_message(const std::string& decky) {
    return "decky '" + decky +
           "': its namespace or link name collides with another decky's; rename one of them.";
}

// Two deckies whose hashed link names collide cannot both exist; say so up front.
void check_unique_names(const DeploymentConfig& config) {
    std::set<std::string> namespaces, links;
    for (const auto& d : config.deckies) {
        if (!namespaces.insert(namespace_name(d.name)).second ||
            !links.insert(host_link_name(d.name)).second)
            throw ConfigError(collision_message(d.name));
    }
}

// A bridge decnet creates is a LAN of its own. If the host already has an address in the
// subnet (typically: the subnet was detected from the real NIC), giving the bridge the
// gateway address would claim the LAN router's address on the host; refuse instead.
void check_subnet_is_free(const Subnet& subnet) {
    std::istringstream in(run_ip({"-4", "-o", "addr", "show"}));
    // Bounded by `ip`'s output (one line per address).
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string word, device;
        for (int i = 0; words >> word; ++i) {
            if (i == 1) device = word;
            if (word != "inet" || !(words >> word)) continue;
            const auto host = Ipv4::try_parse(word.substr(0, word.find('/')));
            if (host && subnet.contains(*host))
                throw ConfigError(
                    "netns bridge mode: " + subnet.cidr() + " is already in use on this host (" +
                    host->str() + " on " + device +
                    "); a new bridge needs a subnet of its own (--subnet), or use an existing "
                    "bridge on your LAN (--bridge NAME) or --attach macvlan --interface IF.");
        }
    }
}

}  // namespace

NetnsOptions netns_options(const std::optional<std::string>& attach,
                           const std::optional<std::string>& bridge,
                           const DeploymentConfig& config) {
    NetnsOptions options;
    const std::string mode = attach ? *attach : (config.ipvlan ? "ipvlan" : "bridge");
    if (mode == "bridge") {
        options.attach = Attach::bridge;
    } else if (mode == "macvlan") {
        options.attach = Attach::macvlan;
    } else if (mode == "ipvlan") {
        options.attach = Attach::ipvlan;
    } else {
        throw ConfigError("--attach must be 'bridge', 'macvlan' or 'ipvlan' (got '" + mode + "')");
    }
    if (config.ipvlan && options.attach != Attach::ipvlan)
        throw ConfigError("--ipvlan conflicts with --attach " + mode + ".");
    options.bridge = bridge ? *bridge : std::string(kDefaultBridge);
    check_interface(options.bridge, "--bridge");
    options.parent = config.interface;
    if (options.attach != Attach::bridge) check_interface(options.parent, "--interface");
    return options;
}

std::string record_path(const std::string& state_dir) {
    return state_dir + "/netns-objects";
}

DeckyNetworks::DeckyNetworks(const NetnsOptions& options, const std::string& record)
    : options_(options), created_(record) {}

DeckyNetworks::~DeckyNetworks() {
    teardown();
}

std::unique_ptr<DeckyNetworks> DeckyNetworks::create(const DeploymentConfig& config,
                                                     const NetnsOptions& options,
                                                     const std::string& state_dir) {
    telemetry::Span span("netns.create");
    span.set_attributes({{"decky_count", config.deckies.size()}, {"subnet", config.subnet}});
    require_netns_privileges();
    check_unique_names(config);
    const auto macs = choose_macs(config);
    // The caller holds the state directory's lock, so a record found here was left by a
    // crashed instance of this directory: its objects are ours to remove.
    const std::string record = record_path(state_dir);
    remove_recorded_objects(record);

    std::unique_ptr<DeckyNetworks> self(new DeckyNetworks(options, record));
    try {
        const std::lock_guard lock(self->mutex_);
        self->create_bridge(config);
        for (std::size_t i = 0; i < config.deckies.size(); ++i)
            self->create_decky(config.deckies[i], config, macs[i]);
    } catch (...) {
        self->teardown();
        throw;
    }
    return self;
}

void DeckyNetworks::teardown() {
    telemetry::Span span("netns.teardown");
    const std::lock_guard lock(mutex_);
    created_.remove_all();
    deckies_.clear();
}

void DeckyNetworks::add(const DeckyConfig& decky, const DeploymentConfig& deployment) {
    const std::lock_guard lock(mutex_);
    const std::string ns = namespace_name(decky.name);
    const std::string host = host_link_name(decky.name);
    std::set<std::string> macs;
    for (const auto& d : deckies_) {
        if (d.decky == decky.name) return;  // created at start-up
        if (d.namespace_name == ns || host_link_name(d.decky) == host)
            throw ConfigError(collision_message(decky.name));
        if (d.mac) macs.insert(*d.mac);
    }
    const auto mac = unique_mac(decky, macs);
    try {
        create_decky(decky, deployment, mac);
    } catch (...) {
        remove_objects_of(decky.name);
        throw;
    }
}

void DeckyNetworks::remove(std::string_view decky) noexcept {
    const std::lock_guard lock(mutex_);
    try {
        remove_objects_of(decky);
    } catch (const std::exception&) {
        // `ip` could not be started: the record still lists the objects for `teardown --all`.
    }
    std::erase_if(deckies_, [&](const DeckyNetwork& d) { return d.decky == decky; });
}

// Only what this instance recorded for the decky: a same-named namespace that some other
// process made (and `ip netns add` therefore refused) is never touched.
void DeckyNetworks::remove_objects_of(std::string_view decky) {
    const std::string ns = namespace_name(decky);
    const std::string host = host_link_name(decky);
    created_.remove_if([&](const CreatedObject& o) {
        switch (o.kind) {
            case CreatedObject::Kind::netns:
                return o.name == ns;
            case CreatedObject::Kind::link:
                return o.name == host;
            case CreatedObject::Kind::namespace_link:
                return o.namespace_name == ns;
            case CreatedObject::Kind::bridge:
                return false;
        }
        return false;
    });
}

std::optional<std::string> DeckyNetworks::mac(std::string_view decky) const {
    const auto net = find(decky);
    return net ? net->mac : std::nullopt;
}

std::vector<DeckyNetwork> DeckyNetworks::deckies() const {
    const std::lock_guard lock(mutex_);
    return deckies_;
}

std::optional<DeckyNetwork> DeckyNetworks::find(std::string_view decky) const {
    const std::lock_guard lock(mutex_);
    const auto it = std::find_if(deckies_.begin(), deckies_.end(),
                                 [&](const DeckyNetwork& d) { return d.decky == decky; });
    if (it == deckies_.end()) return std::nullopt;
    return *it;
}

std::vector<int> DeckyNetworks::open_listeners(const DeckyConfig& decky, std::uint16_t port,
                                               Transport transport, std::size_t copies) const {
    const auto net = find(decky.name);
    if (!net) throw ConfigError(decky.name + ": it has no network namespace");
    try {
        return open_sockets_in_namespace(
            net->namespace_name, decky.ip, port,
            transport == Transport::udp ? SocketKind::udp : SocketKind::tcp, copies);
    } catch (const ConfigError& e) {
        throw ConfigError(decky.name + ": " + e.what());
    }
}

void DeckyNetworks::create_bridge(const DeploymentConfig& config) {
    if (options_.attach != Attach::bridge) return;
    const auto& bridge = options_.bridge;
    if (const auto shown = try_ip({"-d", "link", "show", "dev", bridge}); shown.exit_code == 0) {
        // An existing bridge is the LAN uplink someone else manages: used, never changed.
        if (shown.output.find("bridge forward_delay") == std::string::npos)
            throw ConfigError("--bridge " + bridge + " exists but is not a bridge.");
        return;
    }
    const auto subnet = Subnet::parse(config.subnet);
    check_subnet_is_free(subnet);
    run_ip({"link", "add", "name", bridge, "type", "bridge"});
    created_.add({CreatedObject::Kind::bridge, bridge, {}});
    // The bridge is the deckies' gateway only when that address belongs to their subnet.
    if (const auto gateway = Ipv4::try_parse(config.gateway); gateway && subnet.contains(*gateway))
        run_ip(
            {"addr", "add", gateway->str() + "/" + std::to_string(subnet.prefix), "dev", bridge});
    run_ip({"link", "set", "dev", bridge, "up"});
}

void DeckyNetworks::create_decky(const DeckyConfig& decky, const DeploymentConfig& config,
                                 const MacChoice& mac) {
    telemetry::Span span("netns.create_decky");
    span.set_attributes({{"decky", decky.name}, {"ip", decky.ip}});
    const std::string ns = namespace_name(decky.name);
    const std::string peer = peer_link_name(decky.name);
    const std::string eth(kDeckyInterface);
    run_ip({"netns", "add", ns});
    created_.add({CreatedObject::Kind::netns, ns, {}});

    if (options_.attach == Attach::bridge) {
        const std::string host = host_link_name(decky.name);
        run_ip({"link", "add", "name", host, "type", "veth", "peer", "name", peer, "netns", ns});
        created_.add({CreatedObject::Kind::link, host, {}});
        run_ip({"link", "set", "dev", host, "master", options_.bridge});
        run_ip({"link", "set", "dev", host, "up"});
    } else {
        const bool ipvlan = options_.attach == Attach::ipvlan;
        run_ip({"link", "add", "link", options_.parent, "name", peer, "netns", ns, "type",
                ipvlan ? "ipvlan" : "macvlan", "mode", ipvlan ? "l2" : "bridge"});
    }
    run_ip({"-n", ns, "link", "set", "dev", peer, "name", eth});
    // A macvlan/ipvlan child lives only in the namespace; deleting it explicitly frees the
    // parent even while a socket still pins the namespace.
    if (options_.attach != Attach::bridge)
        created_.add({CreatedObject::Kind::namespace_link, eth, ns});

    const bool own_mac = options_.attach != Attach::ipvlan;
    if (own_mac) run_ip({"-n", ns, "link", "set", "dev", eth, "address", mac.mac});
    const auto subnet = Subnet::parse(config.subnet);
    run_ip({"-n", ns, "addr", "add", decky.ip + "/" + std::to_string(subnet.prefix), "dev", eth});
    run_ip({"-n", ns, "link", "set", "dev", "lo", "up"});
    run_ip({"-n", ns, "link", "set", "dev", eth, "up"});
    const auto gateway = Ipv4::try_parse(config.gateway);
    if (gateway && subnet.contains(*gateway) && gateway->str() != decky.ip)
        run_ip({"-n", ns, "route", "add", "default", "via", gateway->str(), "dev", eth});
    apply_namespace_sysctls(ns, os_profile(decky.nmap_os));

    deckies_.push_back({decky.name, ns, decky.ip,
                        own_mac ? std::optional<std::string>(mac.mac) : std::nullopt,
                        std::string(mac.vendor)});
}

}  // namespace decnet::engine::netns
