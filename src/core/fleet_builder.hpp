// Turns deployment intent (CLI flags or a loaded INI) into concrete deckies: names, IPs,
// distros, hostnames, services, OS family and mutate intervals (engine.md §3.5, §6.1).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/ipv4.hpp"

namespace decnet {

class Rng;
struct DeckySpec;
struct IniConfig;

// The classic path: `deploy -n N --services/--archetype/--randomize-services …`.
struct FlagFleetRequest {
    std::vector<Ipv4> ips;  // one per decky, already allocated
    std::optional<std::vector<std::string>> services;
    bool randomize_services = false;
    std::vector<std::string> distros;  // explicit, cycled; empty = none
    bool randomize_distros = false;
    std::optional<std::string> archetype;
    std::optional<int> mutate_interval;
    double now = 0.0;  // last_mutated of every decky (fixes the reference's D5)
};

// Checks services, archetype and distros, and that some way of choosing services was
// given; ConfigError with the reference's messages. build_deckies calls it first.
void validate_flag_request(const FlagFleetRequest& request);
std::vector<DeckyConfig> build_deckies(const FlagFleetRequest& request, Rng& rng);

// The INI path. Static IPs are validated (fixing D15): inside the subnet, not the network,
// broadcast, gateway or host address, and not used twice. Deckies are built and checked
// one by one in file order, so the first problem reported is the first in the file.
struct IniFleetRequest {
    Subnet subnet;
    IpReservations reserved;
    bool randomize_services = false;
    std::optional<int> cli_mutate_interval;
    double now = 0.0;
};

std::vector<DeckyConfig> build_deckies_from_ini(const IniConfig& ini,
                                                const IniFleetRequest& request, Rng& rng);

// The checks of one INI decky that need no network, in the reference's order: archetype,
// static ip syntax ("[a] ip=: …"), services against the catalogue plus the file's custom
// services ("Unknown service(s) in [a]: …"). ConfigError without a location.
void check_decky_spec(const DeckySpec& spec, const std::vector<std::string>& custom_names);

// Validates a --services list against the per-decky catalogue (plus custom names):
// "Unknown service(s): ['x']. Available: ['conpot', …]".
void validate_service_list(const std::vector<std::string>& services,
                           const std::vector<std::string>& custom_names = {});

}  // namespace decnet
