// Fleet building: the reference's algorithms for distros, hostnames and random services,
// with its defects D4 (interval precedence), D5 (last_mutated) and D15 (static IPs) fixed.
#include "core/fleet_builder.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "core/archetypes.hpp"
#include "core/distros.hpp"
#include "core/error.hpp"
#include "core/ini_loader.hpp"
#include "core/rng.hpp"
#include "core/service_catalog.hpp"

namespace decnet {
namespace {

constexpr int kMaxServiceRedraws = 20;

std::string decky_index_name(const std::string& prefix, std::size_t index) {
    const auto number = std::to_string(index + 1);
    return prefix + "-" + (number.size() < 2 ? "0" + number : number);
}

// One to three services, never two on one port (smtp with smtp_relay would not start).
std::vector<std::string> random_services(Rng& rng, const std::vector<std::string>& pool) {
    std::vector<std::string> services;
    for (int attempt = 0; attempt <= kMaxServiceRedraws; ++attempt) {
        const int count = rng.between(1, 3);
        services = rng.sample(pool, static_cast<std::size_t>(count));
        if (!services_share_a_port(services)) break;
    }
    while (services.size() > 1 && services_share_a_port(services)) services.pop_back();
    return services;
}

void apply_distro(DeckyConfig& decky, const Distro& distro, Rng& rng) {
    decky.distro = std::string(distro.slug);
    decky.base_image = std::string(distro.image);
    decky.build_base = std::string(distro.build_base);
    decky.hostname = random_hostname(distro.slug, rng);
}

const Distro& pick_flag_distro(const FlagFleetRequest& request, const Archetype* archetype,
                               std::size_t i, Rng& rng) {
    const auto distros = all_distros();
    if (!request.distros.empty())
        return require_distro(request.distros[i % request.distros.size()]);
    if (request.randomize_distros) return distros[rng.below(distros.size())];
    if (archetype) {
        const auto& preferred = archetype->preferred_distros;
        return require_distro(preferred[i % preferred.size()]);
    }
    return distros[i % distros.size()];
}

std::vector<std::string> custom_names(const IniConfig& ini) {
    std::vector<std::string> names;
    for (const auto& c : ini.custom_services) names.push_back(c.name);
    return names;
}

void check_static_ip(const std::string& name, Ipv4 ip, const IniFleetRequest& request,
                     std::set<Ipv4>& used) {
    const auto& subnet = request.subnet;
    const auto fail = [&](const std::string& why) {
        throw ConfigError("[" + name + "] ip=" + ip.str() + " " + why);
    };
    if (!subnet.contains(ip)) fail("is outside the subnet " + subnet.text + ".");
    if (subnet.prefix < 31 && (ip == subnet.network || ip == subnet.broadcast()))
        fail("is the network or broadcast address of " + subnet.text + ".");
    if (ip == request.reserved.gateway) fail("is the gateway address.");
    if (ip == request.reserved.host) fail("is this host's own address.");
    if (!used.insert(ip).second) fail("is already used by another decky.");
}

bool has_static_ip(const DeckySpec& spec) {
    return spec.ip && !spec.ip->empty();
}

}  // namespace

void validate_service_list(const std::vector<std::string>& services,
                           const std::vector<std::string>& custom) {
    const auto& known = per_decky_service_slugs();
    std::vector<std::string> unknown;
    for (const auto& s : services)
        if (std::find(known.begin(), known.end(), s) == known.end() &&
            std::find(custom.begin(), custom.end(), s) == custom.end())
            unknown.push_back(s);
    if (unknown.empty()) return;
    std::vector<std::string> available = known;
    available.insert(available.end(), custom.begin(), custom.end());
    std::sort(available.begin(), available.end());
    throw ConfigError("Unknown service(s): " + python_list(unknown) +
                      ". Available: " + python_list(available));
}

namespace {

// "smtp and smtp_relay both listen on 25/tcp" for the first two services on one port.
std::optional<std::string> port_clash(const std::vector<std::string>& services) {
    for (std::size_t i = 0; i < services.size(); ++i)
        for (std::size_t j = i + 1; j < services.size(); ++j)
            if (services[i] != services[j] && services_share_a_port({services[i], services[j]}))
                return services[i] + " and " + services[j] + " both listen on " +
                       format_ports(*find_service(services[i])) +
                       ": a decky can run only one of them";
    return std::nullopt;
}

}  // namespace

void validate_flag_request(const FlagFleetRequest& request) {
    if (request.services) validate_service_list(*request.services);
    if (request.services)
        if (const auto clash = port_clash(*request.services)) throw ConfigError(*clash + ".");
    if (request.archetype) require_archetype(*request.archetype);
    if (!request.services && !request.archetype && !request.randomize_services)
        throw ConfigError("Specify --services, --archetype, or --randomize-services.");
    for (const auto& d : request.distros) require_distro(d);
}

std::vector<DeckyConfig> build_deckies(const FlagFleetRequest& request, Rng& rng) {
    validate_flag_request(request);
    const Archetype* archetype =
        request.archetype ? &require_archetype(*request.archetype) : nullptr;

    std::vector<DeckyConfig> deckies;
    std::set<std::set<std::string>> used_sets;
    for (std::size_t i = 0; i < request.ips.size(); ++i) {
        DeckyConfig decky;
        decky.name = decky_index_name("decky", i);
        decky.ip = request.ips[i].str();
        apply_distro(decky, pick_flag_distro(request, archetype, i, rng), rng);
        if (request.services) {
            decky.services = *request.services;
        } else if (archetype) {
            decky.services = archetype->services;
        } else {
            // A fleet of identical random hosts looks fake: redraw sets already used.
            for (int attempt = 0; attempt <= kMaxServiceRedraws; ++attempt) {
                decky.services = random_services(rng, per_decky_service_slugs());
                if (!used_sets.contains({decky.services.begin(), decky.services.end()})) break;
            }
            used_sets.insert({decky.services.begin(), decky.services.end()});
        }
        if (archetype) {
            decky.archetype = std::string(archetype->slug);
            decky.nmap_os = std::string(archetype->nmap_os);
        }
        decky.mutate_interval = request.mutate_interval;
        decky.last_mutated = request.now;
        deckies.push_back(std::move(decky));
    }
    return deckies;
}

void check_decky_spec(const DeckySpec& spec, const std::vector<std::string>& custom) {
    if (spec.archetype) require_archetype(*spec.archetype);
    if (has_static_ip(spec)) {
        try {
            Ipv4::parse(*spec.ip);
        } catch (const ConfigError& e) {
            throw ConfigError("[" + spec.name + "] ip=: " + e.what());
        }
    }
    if (spec.distro) {
        try {
            require_distro(*spec.distro);
        } catch (const ConfigError& e) {
            throw ConfigError("[" + spec.name + "] distro=: " + e.what());
        }
    }
    if (!spec.services) return;
    try {
        validate_service_list(*spec.services, custom);
    } catch (const ConfigError& e) {
        // Same text as the reference, naming the section.
        std::string message = e.what();
        message.insert(std::string("Unknown service(s)").size(), " in [" + spec.name + "]");
        throw ConfigError(message);
    }
    if (const auto clash = port_clash(*spec.services))
        throw ConfigError("[" + spec.name + "] services: " + *clash + ".");
}

std::vector<DeckyConfig> build_deckies_from_ini(const IniConfig& ini,
                                                const IniFleetRequest& request, Rng& rng) {
    const auto custom = custom_names(ini);
    std::vector<std::string> pool = per_decky_service_slugs();
    pool.insert(pool.end(), custom.begin(), custom.end());
    std::sort(pool.begin(), pool.end());

    // Every static IP stays out of the automatic pool, even one declared later in the file;
    // each is checked in its own decky's turn.
    std::set<Ipv4> statics;
    for (const auto& spec : ini.deckies)
        if (has_static_ip(spec))
            if (const auto ip = Ipv4::try_parse(*spec.ip)) statics.insert(*ip);
    std::set<Ipv4> used;

    std::uint64_t next_auto = std::uint64_t{request.subnet.network.value} + 1;
    const std::uint64_t end_auto = request.subnet.broadcast().value;
    const auto next_free_ip = [&](const DeckySpec& spec) {
        for (; next_auto < end_auto; ++next_auto) {
            const Ipv4 ip{static_cast<std::uint32_t>(next_auto)};
            if (ip == request.reserved.gateway || ip == request.reserved.host ||
                statics.contains(ip))
                continue;
            ++next_auto;
            return ip;
        }
        throw ConfigError("Not enough free IPs in " + request.subnet.text +
                              " while assigning IP for '" + spec.name + "'.",
                          ini.source, spec.line);
    };

    std::vector<DeckyConfig> deckies;
    for (std::size_t i = 0; i < ini.deckies.size(); ++i) {
        const auto& spec = ini.deckies[i];
        try {
            check_decky_spec(spec, custom);
            const Archetype* archetype =
                spec.archetype ? &require_archetype(*spec.archetype) : nullptr;
            DeckyConfig decky;
            decky.name = spec.name;
            const auto distros = all_distros();
            const Distro& distro =
                spec.distro ? require_distro(*spec.distro)
                : archetype
                    ? require_distro(
                          archetype->preferred_distros[i % archetype->preferred_distros.size()])
                    : distros[i % distros.size()];
            apply_distro(decky, distro, rng);  // draws a hostname either way: seeded plans stay put
            if (spec.hostname) decky.hostname = *spec.hostname;
            if (has_static_ip(spec)) {
                const Ipv4 ip = Ipv4::parse(*spec.ip);
                check_static_ip(spec.name, ip, request, used);
                decky.ip = ip.str();
            } else {
                decky.ip = next_free_ip(spec).str();
            }
            if (spec.services) {
                decky.services = *spec.services;
            } else if (archetype) {
                decky.services = archetype->services;
            } else {
                decky.services = random_services(rng, pool);
            }
            if (archetype) decky.archetype = std::string(archetype->slug);
            decky.nmap_os = spec.nmap_os ? *spec.nmap_os
                            : archetype  ? std::string(archetype->nmap_os)
                                         : std::string("linux");
            decky.mutate_interval =
                request.cli_mutate_interval ? request.cli_mutate_interval : spec.mutate_interval;
            decky.last_mutated = request.now;
            decky.service_config = spec.service_config;
            decky.persona_origins = spec.persona_origins;
            decky.fs_dir = spec.fs_dir.value_or("");
            deckies.push_back(std::move(decky));
        } catch (const ConfigError& e) {
            if (!e.file().empty()) throw;
            throw ConfigError(e.what(), ini.source, spec.line);
        }
    }
    return deckies;
}

}  // namespace decnet
