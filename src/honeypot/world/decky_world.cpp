// Builds a decky's world (see decky_world.hpp).
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot {

std::shared_ptr<const DeckyWorld> make_decky_world(const DeckyConfig& decky,
                                                   const std::string& state_dir) {
    auto world = std::make_shared<DeckyWorld>();
    world->decky = decky.name;
    world->hostname = decky.hostname.empty() ? decky.name : decky.hostname;
    world->distro = decky.distro;
    world->archetype = decky.archetype.value_or("");
    world->os_family = decky.nmap_os;
    world->ip = decky.ip;
    if (!state_dir.empty()) world->state_dir = state_dir + "/deckies/" + decky.name;
    return world;
}

}  // namespace decnet::honeypot
