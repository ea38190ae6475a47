// A Linux decky's whole tree: the distro's skeleton (merged /usr or not, its binaries),
// /etc (identity files, accounts, hosts, ssh), /proc from the host profile, and the bait of
// bait_files. A few hundred nodes, built in well under a millisecond.
#pragma once

#include <cstdint>
#include <memory>

namespace decnet::honeypot {

class FakeFilesystem;
struct DeckyWorld;

// `now`: the deploy time (bait never has an mtime in the future).
std::shared_ptr<FakeFilesystem> build_linux_tree(const DeckyWorld& world, std::int64_t now);

}  // namespace decnet::honeypot
