// Machine archetypes: a named kind of host with its services, distros and OS family
// (engine.md §4.1).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace decnet {

struct Archetype {
    std::string_view slug;
    std::string_view display_name;
    std::vector<std::string> services;           // order matters
    std::vector<std::string> preferred_distros;  // cycled by decky position
    std::string_view nmap_os;
    std::string_view description;
};

// Sorted by slug.
std::span<const Archetype> all_archetypes();
const Archetype* find_archetype(std::string_view slug);
// Throws ConfigError "Unknown archetype 'x'. Available: a, b, …".
const Archetype& require_archetype(std::string_view slug);
// Slugs of the archetypes whose default services include `service`.
std::vector<std::string_view> archetypes_using(std::string_view service);

}  // namespace decnet
