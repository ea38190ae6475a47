// The shares a decky's SMB server offers, from its world: a Windows host's administrative
// shares (ADMIN$, C$, IPC$) plus its archetype's (a file server's Finance and Backups, a
// domain controller's NETLOGON and SYSVOL), or a Samba host's smb.conf sections (the world
// writes /etc/samba/smb.conf on file servers) plus IPC$. Each disk share is a directory of
// the decky's fake filesystem.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot {

struct DeckyWorld;
class FsReader;

namespace smb {

struct Share {
    std::string name;
    std::string comment;
    std::string root;  // directory in the fake filesystem; "" for IPC$
    bool ipc = false;
    bool special = false;  // an administrative "$" share (STYPE_SPECIAL)
    std::uint32_t type() const { return (ipc ? 3u : 0u) | (special ? 0x80000000u : 0u); }
};

// `hostname` names the Samba server in IPC$'s comment.
std::vector<Share> persona_shares(const DeckyWorld& world, const FsReader& fs);
// The share named `name` (case-insensitive), or nullptr.
const Share* find_share(const std::vector<Share>& shares, std::string_view name);

}  // namespace smb
}  // namespace decnet::honeypot
