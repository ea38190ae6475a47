// Builds a decky's world (see decky_world.hpp).
#include "honeypot/world/decky_world.hpp"

#include "honeypot/world/certificates.hpp"

namespace decnet::honeypot {
namespace {

// Windows archetypes that stand in an Active Directory domain.
constexpr std::string_view kDomainMembers[] = {"domain-controller", "windows-server",
                                               "windows-workstation"};
constexpr std::string_view kDefaultAdDomain = "corp.local";

std::string domain_of(const std::string& hostname, const std::string& archetype) {
    if (const auto dot = hostname.find('.'); dot != std::string::npos)
        return hostname.substr(dot + 1);
    for (const auto member : kDomainMembers)
        if (archetype == member) return std::string(kDefaultAdDomain);
    return {};
}

}  // namespace

std::string DeckyWorld::fqdn() const {
    if (domain.empty() || hostname.find('.') != std::string::npos) return hostname;
    return hostname + "." + domain;
}

std::shared_ptr<const DeckyWorld> make_decky_world(const DeckyConfig& decky,
                                                   const std::string& state_dir) {
    auto world = std::make_shared<DeckyWorld>();
    world->decky = decky.name;
    world->hostname = decky.hostname.empty() ? decky.name : decky.hostname;
    world->distro = decky.distro;
    world->archetype = decky.archetype.value_or("");
    world->os_family = decky.nmap_os;
    world->ip = decky.ip;
    world->domain = domain_of(world->hostname, world->archetype);
    if (!state_dir.empty()) world->state_dir = state_dir + "/deckies/" + decky.name;
    world->tls = make_decky_tls(*world, state_dir);
    return world;
}

}  // namespace decnet::honeypot
