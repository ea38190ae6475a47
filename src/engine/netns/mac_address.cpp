// Vendor tables (IEEE OUI assignments) and MAC derivation.
#include "engine/netns/mac_address.hpp"

#include <cstdio>

#include "engine/netns/names.hpp"

namespace decnet::engine::netns {
namespace {

constexpr std::array<Oui, 3> kPrinters = {{
    {{0x00, 0x80, 0x77}, "Brother Industries"},
    {{0x00, 0x00, 0x85}, "Canon"},
    {{0x00, 0x26, 0xab}, "Seiko Epson"},
}};
constexpr std::array<Oui, 3> kDesktops = {{
    {{0x00, 0x14, 0x22}, "Dell"},
    {{0xf8, 0xbc, 0x12}, "Dell"},
    {{0x3c, 0xd9, 0x2b}, "Hewlett Packard"},
}};
constexpr std::array<Oui, 3> kServers = {{
    {{0x00, 0x25, 0x90}, "Super Micro Computer"},
    {{0x0c, 0xc4, 0x7a}, "Super Micro Computer"},
    {{0x00, 0x14, 0x22}, "Dell"},
}};
constexpr std::array<Oui, 3> kWindowsServers = {{
    {{0x00, 0x14, 0x22}, "Dell"},
    {{0xf8, 0xbc, 0x12}, "Dell"},
    {{0x00, 0x17, 0xa4}, "Hewlett Packard"},
}};
constexpr std::array<Oui, 3> kIot = {{
    {{0x44, 0x19, 0xb6}, "Hangzhou Hikvision"},
    {{0xb8, 0x27, 0xeb}, "Raspberry Pi Foundation"},
    {{0x24, 0x0a, 0xc4}, "Espressif"},
}};
constexpr std::array<Oui, 2> kIndustrial = {{
    {{0x00, 0x1b, 0x1b}, "Siemens"},
    {{0x00, 0x00, 0xbc}, "Rockwell Automation"},
}};
constexpr std::array<Oui, 2> kVoip = {{
    {{0x00, 0x04, 0xf2}, "Polycom"},
    {{0x00, 0x00, 0x0c}, "Cisco Systems"},
}};
constexpr std::array<Oui, 1> kNetworkDevices = {{
    {{0x00, 0x00, 0x0c}, "Cisco Systems"},
}};

struct ArchetypeVendors {
    std::string_view archetype;
    std::span<const Oui> ouis;
};

// One line per archetype (engine.md §4.1); an archetype missing here falls back to its
// OS family.
const std::array<ArchetypeVendors, 14> kByArchetype = {{
    {"windows-workstation", kDesktops},
    {"windows-server", kWindowsServers},
    {"domain-controller", kWindowsServers},
    {"linux-server", kServers},
    {"web-server", kServers},
    {"database-server", kServers},
    {"mail-server", kServers},
    {"file-server", kServers},
    {"printer", kPrinters},
    {"iot-device", kIot},
    {"industrial-control", kIndustrial},
    {"voip-server", kVoip},
    {"monitoring-node", kServers},
    {"devops-host", kServers},
}};

std::span<const Oui> by_family(std::string_view family) {
    if (family == "windows") return kDesktops;
    if (family == "embedded") return kIot;
    if (family == "cisco") return kNetworkDevices;
    return kServers;  // linux, bsd, unknown
}

}  // namespace

std::span<const Oui> vendor_ouis(std::optional<std::string_view> archetype,
                                 std::string_view os_family) {
    if (archetype)
        for (const auto& entry : kByArchetype)
            if (entry.archetype == *archetype) return entry.ouis;
    return by_family(os_family);
}

MacChoice decky_mac(std::string_view decky, std::optional<std::string_view> archetype,
                    std::string_view os_family, unsigned salt) {
    // A key of its own, so the MAC's low bytes do not repeat the link name's hash.
    std::string key = "mac:" + std::string(decky);
    if (salt > 0) key += "#" + std::to_string(salt);
    const std::uint64_t h = stable_hash(key);
    const auto ouis = vendor_ouis(archetype, os_family);
    const Oui& oui = ouis[(h >> 32) % ouis.size()];
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", oui.bytes[0], oui.bytes[1],
                  oui.bytes[2], static_cast<unsigned>((h >> 16) & 0xff),
                  static_cast<unsigned>((h >> 8) & 0xff), static_cast<unsigned>(h & 0xff));
    return {buf, oui.vendor};
}

}  // namespace decnet::engine::netns
