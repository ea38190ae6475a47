// The accounts of a decky: the distro's system accounts, the archetype's service accounts
// (mysql, postgres, …) and its people — root and one or two admins with names from a fixed
// list picked by the decky's seed — rendered as /etc/passwd, /etc/shadow (well-formed $y$
// or $6$ hashes, as the distro writes them) and /etc/group. Each person also has a bait
// password that reappears in the bait files (a credential found in .env is a real lead).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot {

struct DistroFiles;
struct HostProfile;

struct PersonaUser {
    std::string name;
    std::uint32_t uid = 0, gid = 0;
    std::string gecos, home, shell;
    bool person = false;   // root and the admins: a home with bait, a password hash
    std::string password;  // bait password of a person ("" for system accounts)
};

struct PersonaAccounts {
    std::vector<PersonaUser> users;  // /etc/passwd order
    std::string passwd, shadow, group;
    std::size_t admin = 0;  // index of the first admin in `users`

    const PersonaUser& admin_user() const { return users[admin]; }
    const PersonaUser* find(std::string_view name) const;
    const PersonaUser* find(std::uint32_t uid) const;
    std::string group_name(std::uint32_t gid) const;  // numeric when unknown
};

PersonaAccounts make_accounts(const DistroFiles& distro, const HostProfile& host,
                              std::string_view archetype);

}  // namespace decnet::honeypot
