// db_facts: what a decky's world says its databases hold (apart from db_bait.cpp, which the
// fuzz targets build without a world).
#include "honeypot/world/bait_files.hpp"
#include "honeypot/world/db_bait.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot {

DbFacts db_facts(const DeckyWorld& world) {
    DbFacts facts;
    facts.hostname = world.hostname;
    facts.domain = world.host.domain;
    const auto bait = make_bait_context(world, 0);
    facts.app = bait.app;
    facts.app_password = bait.db_password;
    for (const auto& user : world.accounts.users)
        if (user.person && user.name != "root") facts.people.push_back(user.name);
    facts.seed = world.host.seed;
    return facts;
}

}  // namespace decnet::honeypot
