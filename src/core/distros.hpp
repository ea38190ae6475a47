// Distro profiles and their believable hostnames (engine.md §4.2–§4.3).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace decnet {

class Rng;

enum class HostnameStyle { generic, rhel, minimal, rolling };

struct Distro {
    std::string_view slug;
    std::string_view image;
    std::string_view display_name;
    HostnameStyle hostname_style;
    std::string_view build_base;
};

// In the reference's internal order (debian, ubuntu22, ubuntu20, rocky9, centos7, alpine,
// fedora, kali, arch): the order cycled when no preference applies.
std::span<const Distro> all_distros();
const Distro* find_distro(std::string_view slug);
// Throws ConfigError "Unknown distro 'x'. Available: alpine, arch, …" (sorted).
const Distro& require_distro(std::string_view slug);
// SRV-MIKE-63 / bravo43.localdomain / web-72 / mike-prod; unknown slug → generic.
std::string random_hostname(std::string_view distro_slug, Rng& rng);

}  // namespace decnet
