#include "netns_lan.hpp"

#include <unistd.h>

#include <cstdlib>

#include "engine/netns/names.hpp"

namespace decnet::testing {

bool sh(const std::string& command) {
    return std::system(("timeout 20 " + command + " >/dev/null 2>&1").c_str()) == 0;
}

bool installed(const std::string& tool) {
    return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

bool namespace_exists(const std::string& name) {
    return access(("/run/netns/" + name).c_str(), F_OK) == 0;
}

bool link_exists(const std::string& name) {
    return sh("ip link show dev " + name);
}

void TestLan::remove() const {
    if (namespace_exists(attacker_ns)) sh("ip netns del " + attacker_ns);
    for (const auto& decky : deckies) {
        const auto host = engine::netns::host_link_name(decky);
        if (link_exists(host)) sh("ip link del dev " + host);
        const auto ns = engine::netns::namespace_name(decky);
        if (namespace_exists(ns)) sh("ip netns del " + ns);
    }
    if (link_exists(attacker_host_link)) sh("ip link del dev " + attacker_host_link);
    for (const auto& link : extra_links)
        if (link_exists(link)) sh("ip link del dev " + link);
    if (link_exists(bridge)) sh("ip link del dev " + bridge);
}

bool TestLan::add_attacker() const {
    const auto& ns = attacker_ns;
    return sh("ip netns add " + ns) &&
           sh("ip link add " + attacker_host_link + " type veth peer name " + attacker_peer +
              " netns " + ns) &&
           sh("ip link set dev " + attacker_host_link + " master " + bridge) &&
           sh("ip link set dev " + attacker_host_link + " up") &&
           sh("ip -n " + ns + " addr add " + attacker_cidr + " dev " + attacker_peer) &&
           sh("ip -n " + ns + " link set dev " + attacker_peer + " up") &&
           sh("ip -n " + ns + " link set lo up");
}

}  // namespace decnet::testing
