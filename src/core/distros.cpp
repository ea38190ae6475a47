// Distro data and hostname generation.
#include "core/distros.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/text.hpp"

namespace decnet {
namespace {

using enum HostnameStyle;

constexpr std::array<Distro, 9> kDistros = {{
    {"debian", "debian:bookworm-slim", "Debian 12 (Bookworm)", generic, "debian:bookworm-slim"},
    {"ubuntu22", "ubuntu:22.04", "Ubuntu 22.04 LTS (Jammy)", generic, "ubuntu:22.04"},
    {"ubuntu20", "ubuntu:20.04", "Ubuntu 20.04 LTS (Focal)", generic, "ubuntu:20.04"},
    {"rocky9", "rockylinux:9-minimal", "Rocky Linux 9", rhel, "debian:bookworm-slim"},
    {"centos7", "centos:7", "CentOS 7", rhel, "debian:bookworm-slim"},
    {"alpine", "alpine:3.19", "Alpine Linux 3.19", minimal, "debian:bookworm-slim"},
    {"fedora", "fedora:39", "Fedora 39", rhel, "debian:bookworm-slim"},
    {"kali", "kalilinux/kali-rolling", "Kali Linux (Rolling)", rolling, "kalilinux/kali-rolling"},
    {"arch", "archlinux:latest", "Arch Linux", rolling, "debian:bookworm-slim"},
}};

constexpr std::array<std::string_view, 25> kWords = {
    "alpha",  "bravo", "charlie", "delta", "echo",   "foxtrot", "golf", "hotel", "india",
    "juliet", "kilo",  "lima",    "mike",  "nova",   "oscar",   "prod", "web",   "db",
    "mail",   "proxy", "dev",     "stage", "backup", "monitor", "files"};

}  // namespace

std::span<const Distro> all_distros() {
    return kDistros;
}

const Distro* find_distro(std::string_view slug) {
    const auto it = std::find_if(kDistros.begin(), kDistros.end(),
                                 [&](const Distro& d) { return d.slug == slug; });
    return it == kDistros.end() ? nullptr : &*it;
}

const Distro& require_distro(std::string_view slug) {
    if (const auto* d = find_distro(slug)) return *d;
    std::vector<std::string_view> slugs;
    for (const auto& d : kDistros) slugs.push_back(d.slug);
    std::sort(slugs.begin(), slugs.end());
    std::string available;
    for (auto s : slugs) available += (available.empty() ? "" : ", ") + std::string(s);
    throw ConfigError("Unknown distro '" + std::string(slug) + "'. Available: " + available);
}

std::string random_hostname(std::string_view distro_slug, Rng& rng) {
    const auto* distro = find_distro(distro_slug);
    const auto style = distro ? distro->hostname_style : generic;
    const std::string word(kWords[rng.below(kWords.size())]);
    const int num = rng.between(10, 99);
    switch (style) {
        case generic:
            return "SRV-" + ascii_upper(word) + "-" + std::to_string(num);
        case rhel:
            return word + std::to_string(num) + ".localdomain";
        case minimal:
            return word + "-" + std::to_string(num);
        case rolling:
            return word + "-" + std::string(kWords[rng.below(kWords.size())]);
    }
    return word;
}

}  // namespace decnet
