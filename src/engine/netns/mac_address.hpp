// Per-decky MAC addresses: a real vendor's OUI that fits what the decky claims to be
// (printer → Brother/Canon/Epson, Windows desktop → Dell/HP, Cisco device → Cisco, …) and
// three lower bytes hashed from the decky name, so a decky keeps its MAC across restarts.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::engine::netns {

struct Oui {
    std::array<std::uint8_t, 3> bytes;
    std::string_view vendor;
};

// The vendors a decky of this archetype (preferred) or OS family would plausibly come
// from; never empty. Unknown archetype and family → generic server vendors.
std::span<const Oui> vendor_ouis(std::optional<std::string_view> archetype,
                                 std::string_view os_family);

struct MacChoice {
    std::string mac;  // "00:80:77:12:ab:cd", lower case
    std::string_view vendor;
};

// Deterministic: the vendor and the lower three bytes come from the decky name's hash.
// `salt` > 0 derives another address (used to resolve a collision within a fleet).
MacChoice decky_mac(std::string_view decky, std::optional<std::string_view> archetype,
                    std::string_view os_family, unsigned salt = 0);

}  // namespace decnet::engine::netns
