// Builds a decky's world (see decky_world.hpp).
#include "honeypot/world/decky_world.hpp"

#include <algorithm>
#include <ctime>

#include "honeypot/world/certificates.hpp"
#include "honeypot/world/distro_files.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "honeypot/world/fs_overrides.hpp"
#include "honeypot/world/linux_tree.hpp"
#include "honeypot/world/plc_device.hpp"
#include "honeypot/world/windows_tree.hpp"

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

    world->host = make_host_profile({world->decky, world->hostname, world->distro, world->archetype,
                                     world->os_family, world->ip});
    world->accounts = make_accounts(distro_files(world->distro), world->host, world->archetype);
    world->fs_dir = decky.fs_dir;
    world->services = decky.services;
    const auto now = std::time(nullptr);
    const bool windows = world->os_family == "windows";
    if (windows) world->paths = windows_paths();
    auto fs = windows ? build_windows_tree(*world, now) : build_linux_tree(*world, now);
    if (!world->fs_dir.empty()) apply_fs_overrides(*fs, world->fs_dir, world->accounts);
    world->fs = std::move(fs);
    world->tls = make_decky_tls(*world, state_dir);
    // A PLC decky: the conpot service's persona describes the controller.
    if (std::find(decky.services.begin(), decky.services.end(), "conpot") != decky.services.end()) {
        const auto it = decky.service_config.find("conpot");
        world->plc = make_plc_device(
            world->decky, world->hostname,
            plc_persona(it == decky.service_config.end() ? PersonaConfig{} : it->second));
    }
    return world;
}

}  // namespace decnet::honeypot
