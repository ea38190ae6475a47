// The lived-in part of a Linux decky: home directories (shell history, known_hosts, keys),
// root's scripts and secrets, the web root, the FTP and TFTP roots, file shares and service
// configs holding credentials. Everything is derived from the decky's seed, so it is the
// same after a restart and differs between deckies; the credentials are the accounts' bait
// passwords and the LAN's hosts, so what one file says, another confirms.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "honeypot/world/host_profile.hpp"

namespace decnet::honeypot {

class FakeFilesystem;
struct DeckyWorld;
struct PersonaUser;

struct BaitContext {
    const DeckyWorld& world;
    const std::string& domain;  // the host profile's
    std::string app;            // the business app's short name (shop, crm, …)
    std::string db_password;    // the app's database password (in .env, config.php, …)
    std::int64_t activity = 0;  // when people last worked here (mtimes of bait)
    std::int64_t oldest = 0;    // the install date

    const LanHost& host(std::string_view name) const;  // by name, else the gateway
    Rng rng(std::uint64_t salt) const;                 // a stream of choices for one file
};

BaitContext make_bait_context(const DeckyWorld& world, std::int64_t now);

void add_home(FakeFilesystem& fs, const PersonaUser& user, const BaitContext& bait);
void add_root_bait(FakeFilesystem& fs, const BaitContext& bait);
void add_web_root(FakeFilesystem& fs, const BaitContext& bait);
void add_ftp_root(FakeFilesystem& fs, const BaitContext& bait);
void add_tftp_root(FakeFilesystem& fs, const BaitContext& bait);
void add_shares(FakeFilesystem& fs, const BaitContext& bait);           // file servers
void add_service_configs(FakeFilesystem& fs, const BaitContext& bait);  // per archetype

// A spreadsheet's first bytes: an .xlsx is a ZIP whose members start [Content_Types].xml,
// _rels/.rels, xl/...; their local file headers, the first member starting with `text`, are
// enough for `file` ("Microsoft Excel 2007+") and a curious attacker's `head`.
std::string xlsx_stub(std::string_view text);

}  // namespace decnet::honeypot
