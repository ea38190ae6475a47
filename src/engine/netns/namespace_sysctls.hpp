// The OS family's TCP/IP sysctls, written inside one decky's namespace, so every packet
// it sends — SYN-ACKs, closed-port RSTs, ICMP — carries the same fingerprint.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace decnet {
struct OsProfile;
}

namespace decnet::engine::netns {

// The ten reference sysctls (engine.md §4.4) plus tcp_rmem/tcp_wmem, whose default
// (middle) value follows the family's socket buffer sizes.
std::vector<std::pair<std::string, std::string>> namespace_sysctls(const OsProfile& os);

// Writes them under /proc/sys from a thread inside the namespace; throws ConfigError
// naming the key that failed.
void apply_namespace_sysctls(const std::string& namespace_name, const OsProfile& os);

}  // namespace decnet::engine::netns
