// mail_facts: what a decky's world says its mailboxes are made from (apart from
// mail_bait.cpp, which the fuzz targets build without a world).
#include "honeypot/world/db_bait.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/mail_bait.hpp"

namespace decnet::honeypot {

MailFacts mail_facts(const DeckyWorld& world, std::int64_t now) {
    const auto db = db_facts(world);
    MailFacts facts;
    facts.hostname = world.hostname;
    facts.domain = !world.domain.empty() ? world.domain : db.domain;
    facts.app = db.app;
    facts.app_password = db.app_password;
    for (const auto& user : world.accounts.users)
        if (user.person && user.name != "root") {
            auto full = user.gecos.substr(0, user.gecos.find(','));
            facts.people.emplace_back(user.name, full.empty() ? user.name : full);
        }
    facts.seed = world.host.seed;
    facts.now = now;
    return facts;
}

}  // namespace decnet::honeypot
