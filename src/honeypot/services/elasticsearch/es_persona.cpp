// The elasticsearch persona (see es_persona.hpp): releases as their `GET /` reports them.
#include "honeypot/services/elasticsearch/es_persona.hpp"

#include <array>

#include "core/base64.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/world/host_profile.hpp"

namespace decnet::honeypot {
namespace {

// The last 6.8 (what old exposed clusters run), the last Apache-licensed 7.10, the last 7.x
// and an 8.x: the builds Elastic shipped, as their root document shows them.
constexpr std::array<EsRelease, 4> kReleases = {{
    {"6.8.23", "4f67856", "2022-01-06T21:30:50.087716Z", "7.7.3", "5.6.0", "5.0.0", "17.0.1", 6, 8},
    {"7.10.2", "747e1cc71def077253878a59143c1f785afa92b9", "2021-01-13T00:42:12.435326Z", "8.7.0",
     "6.8.0", "6.0.0-beta1", "15.0.1", 7, 10},
    {"7.17.9", "ef48222227ee6b9e70e502f0f0daa52435ee634d", "2023-01-31T05:34:43.305517834Z",
     "8.11.1", "6.8.0", "6.0.0-beta1", "19.0.2", 7, 17},
    {"8.13.4", "da95df118650b55a500dcc181889ac35c6d8da7c", "2024-05-06T22:04:45.107454559Z",
     "9.10.0", "7.17.0", "7.0.0", "22.0.1", 8, 13},
}};
constexpr std::array<std::string_view, 4> kVersions = {"6.8.23", "7.10.2", "7.17.9", "8.13.4"};
constexpr std::array<std::string_view, 3> kSecurity = {"", "on", "off"};

// How the decky's distro installs Elasticsearch: Elastic's apt or yum repository, else the
// tarball.
std::string_view build_type_of(std::string_view distro) {
    if (distro.starts_with("debian") || distro.starts_with("ubuntu") || distro == "kali")
        return "deb";
    if (distro.starts_with("rocky") || distro.starts_with("centos") || distro == "fedora")
        return "rpm";
    return "tar";
}

}  // namespace

std::string EsSettings::uid(std::string_view salt) const {
    std::string raw;
    std::uint64_t h = stable_hash(salt, seed);
    for (int i = 0; i < 2; ++i, h = stable_hash(salt, h))
        for (int b = 0; b < 8; ++b) raw += static_cast<char>((h >> (b * 8)) & 0xff);
    auto out = base64_encode(raw, false);
    for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
}

std::shared_ptr<const ServiceSettings> configure_elasticsearch(const PersonaReader& persona) {
    auto settings = std::make_shared<EsSettings>();
    const auto version = persona.choice("version", kVersions);
    for (const auto& r : kReleases)
        if (r.number == version) settings->release = &r;
    settings->cluster_name = persona.line("cluster_name");
    if (settings->cluster_name.empty() || settings->cluster_name.size() > 128 ||
        settings->cluster_name.find_first_of(":\"\\ ") != std::string::npos)
        persona.fail("cluster_name", "1 to 128 characters, none of : \" \\ or space");
    const auto security = persona.choice("security", kSecurity);
    settings->security = security.empty() ? settings->release->major >= 8 : security == "on";
    settings->policy = read_login_policy(persona);
    const auto& decky = persona.decky();
    settings->seed = stable_hash(decky.name + "/" + decky.hostname + "/elasticsearch");
    settings->cluster_uuid = settings->uid("cluster");
    settings->node_id = settings->uid("node");
    settings->distro = decky.distro;
    settings->build_type = std::string(build_type_of(decky.distro));
    return settings;
}

}  // namespace decnet::honeypot
