// Reads CapEff from /proc/self/status (no libcap dependency for two bits).
#include "engine/netns/privileges.hpp"

#include <fstream>
#include <string>

#include "core/error.hpp"

namespace decnet::engine::netns {
namespace {

constexpr int kCapNetAdmin = 12;
constexpr int kCapSysAdmin = 21;

unsigned long long effective_capabilities() {
    std::ifstream in("/proc/self/status");
    // Bounded by the file (a few dozen lines).
    for (std::string line; std::getline(in, line);)
        if (line.rfind("CapEff:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
    return 0;
}

}  // namespace

void require_netns_privileges() {
    const auto caps = effective_capabilities();
    const bool ok = (caps >> kCapNetAdmin & 1) && (caps >> kCapSysAdmin & 1);
    if (!ok)
        throw ConfigError(
            "netns mode needs root (CAP_NET_ADMIN): run decnet as root, or use --mode loopback");
}

}  // namespace decnet::engine::netns
