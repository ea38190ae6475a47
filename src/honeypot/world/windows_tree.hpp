// A Windows decky's tree (nmap_os windows): drive C: mapped at /C (C:\Users\x is /C/Users/x;
// names keep their case, lookups are exact), with Windows, Program Files, the people's
// profiles (Desktop and Documents with bait, PowerShell history), IIS's wwwroot and
// ftproot, a TFTP root, and SYSVOL on domain controllers.
#pragma once

#include <cstdint>
#include <memory>

namespace decnet::honeypot {

class FakeFilesystem;
struct DeckyWorld;
struct WorldPaths;

// Where the protocols find their roots on a Windows tree.
WorldPaths windows_paths();

std::shared_ptr<FakeFilesystem> build_windows_tree(const DeckyWorld& world, std::int64_t now);

}  // namespace decnet::honeypot
