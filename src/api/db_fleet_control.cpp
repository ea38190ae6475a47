// Deploy, mutate and mutate-interval on the DB state `deployment` (api.md §1.7–§1.9).
#include "api/db_fleet_control.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <nlohmann/json.hpp>
#include <set>

#include "api/http_message.hpp"
#include "core/archetypes.hpp"
#include "core/error.hpp"
#include "core/fleet_builder.hpp"
#include "core/ini_loader.hpp"
#include "core/ipv4.hpp"
#include "core/rng.hpp"
#include "core/service_catalog.hpp"
#include "engine/deployment_plan.hpp"
#include "engine/network_detect.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

constexpr int kMaxMutationDraws = 20;

[[noreturn]] void conflict(const std::string& detail) {
    throw ApiError{409, detail, {}};
}

std::string normalise_line_endings(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out.push_back('\n');
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// A first deployment: loopback like `decnet deploy` unless [general] names an interface,
// then the LAN with net/gw from the INI or detected (the reference's only path).
DeploymentConfig new_deployment(const GeneralSection& general, engine::NetworkDetector& network) {
    DeploymentConfig config;
    if (!general.interface) {
        config.mode = DeployMode::loopback;
        config.interface = "lo";
        config.subnet = general.net.value_or(engine::kLoopbackSubnet);
        const Subnet subnet = Subnet::parse(config.subnet);
        if (subnet.prefix < 8 || !Subnet::parse("127.0.0.0/8").contains(subnet.network))
            conflict("loopback mode needs a subnet inside 127.0.0.0/8, got " + config.subnet +
                     " (INI net=); add interface= to [general] for a LAN subnet.");
        return config;
    }
    config.mode = DeployMode::netns;
    config.interface = *general.interface;
    try {
        config.subnet = general.net ? *general.net : network.subnet_of(config.interface);
        config.gateway = general.gw ? *general.gw : network.default_gateway();
        config.host_ip = network.host_ip_of(config.interface);
    } catch (const ConfigError& e) {
        conflict(std::string("Network configuration conflict: ") + e.what() +
                 ". Add a [general] section with interface=, net=, and gw= to the INI.");
    }
    return config;
}

// Gives every INI decky without an `ip` the next free address (ascending), skipping the
// network/broadcast, gateway, host, every static IP of the INI and the IPs of the deckies
// that stay deployed; the fleet builder then validates them all like static ones.
void assign_auto_ips(IniConfig& ini, const Subnet& subnet, const IpReservations& reserved,
                     const std::set<Ipv4>& taken) {
    std::set<Ipv4> used = taken;
    for (const auto& spec : ini.deckies)
        if (spec.ip && !spec.ip->empty())
            if (auto ip = Ipv4::try_parse(*spec.ip)) used.insert(*ip);
    std::uint64_t next = std::uint64_t{subnet.network.value} + 1;
    const std::uint64_t end = subnet.broadcast().value;
    for (auto& spec : ini.deckies) {
        if (spec.ip && !spec.ip->empty()) continue;
        bool found = false;
        for (; next < end && !found; ++next) {
            const Ipv4 ip{static_cast<std::uint32_t>(next)};
            if (ip == reserved.gateway || ip == reserved.host || used.contains(ip)) continue;
            spec.ip = ip.str();
            used.insert(ip);
            found = true;
        }
        if (!found)
            conflict("Not enough free IPs in " + subnet.text + " while assigning IP for '" +
                     spec.name + "'.");
    }
}

template <class T>
void merge_by_name(std::vector<T>& into, std::vector<T> incoming) {
    for (auto& item : incoming) {
        auto it = std::find_if(into.begin(), into.end(),
                               [&](const T& existing) { return existing.name == item.name; });
        if (it != into.end())
            *it = std::move(item);
        else
            into.push_back(std::move(item));
    }
}

}  // namespace

double epoch_seconds_now() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::optional<int> interval_minutes(std::string_view text) {
    if (text.size() < 2 || text.front() < '1' || text.front() > '9') return std::nullopt;
    long long value = 0;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
        if (value > INT_MAX) return std::nullopt;
    }
    long long factor = 0;
    switch (text.back()) {
        case 'm':
            factor = 1;
            break;
        case 'd':
            factor = 1440;
            break;
        case 'M':
            factor = 43200;
            break;
        case 'y':
        case 'Y':
            factor = 525600;
            break;
        default:
            return std::nullopt;
    }
    if (value * factor > INT_MAX) return std::nullopt;
    return static_cast<int>(value * factor);
}

DeploymentState merge_ini_deploy(const std::optional<DeploymentState>& current,
                                 std::string_view ini_text, engine::NetworkDetector& network,
                                 int limit, double now) {
    IniConfig ini;
    try {
        ini = load_ini_string(normalise_line_endings(ini_text));
    } catch (const ConfigError& e) {
        conflict(e.what());
    }
    DeploymentState state;
    auto& config = state.config;
    try {
        if (current) {
            state = *current;
            if (ini.general.net) config.subnet = *ini.general.net;
            if (ini.general.gw) config.gateway = *ini.general.gw;
        } else {
            config = new_deployment(ini.general, network);
        }
        const Subnet subnet = Subnet::parse(config.subnet);
        IpReservations reserved;
        if (!config.gateway.empty()) reserved.gateway = Ipv4::parse(config.gateway);
        if (!config.host_ip.empty()) reserved.host = Ipv4::parse(config.host_ip);
        std::set<std::string> incoming;
        for (const auto& spec : ini.deckies) incoming.insert(spec.name);
        std::set<Ipv4> taken;
        for (const auto& decky : config.deckies)
            if (!incoming.contains(decky.name))
                if (auto ip = Ipv4::try_parse(decky.ip)) taken.insert(*ip);
        assign_auto_ips(ini, subnet, reserved, taken);
        IniFleetRequest request{subnet, reserved, false, std::nullopt, now};
        Rng rng = Rng::from_entropy();
        merge_by_name(config.deckies, build_deckies_from_ini(ini, request, rng));
        merge_by_name(config.custom_services, ini.custom_services);
    } catch (const ConfigError& e) {
        conflict(e.what());
    }
    const auto count = config.deckies.size();
    if (count > static_cast<std::size_t>(std::max(limit, 0)))
        conflict("Deployment would result in " + std::to_string(count) +
                 " deckies, exceeding the configured limit of " + std::to_string(limit));
    return state;
}

void mutate_decky(DeckyConfig& decky, Rng& rng, double now) {
    std::vector<std::string> pool;
    if (decky.archetype)
        if (const auto* archetype = find_archetype(*decky.archetype)) pool = archetype->services;
    if (pool.empty()) pool = per_decky_service_slugs();
    std::sort(pool.begin(), pool.end());
    pool.erase(std::unique(pool.begin(), pool.end()), pool.end());
    const std::set<std::string> current(decky.services.begin(), decky.services.end());
    std::vector<std::string> chosen;
    for (int draw = 0; draw < kMaxMutationDraws; ++draw) {
        const int upper = std::min<int>(3, static_cast<int>(pool.size()));
        chosen = rng.sample(pool, static_cast<std::size_t>(rng.between(1, upper)));
        if (std::set<std::string>(chosen.begin(), chosen.end()) != current) break;
    }
    decky.services = std::move(chosen);
    decky.last_mutated = now;
}

DbFleetControl::DbFleetControl(store::Repository& repo, engine::NetworkDetector& network,
                               DbFleetOptions options)
    : repo_(repo), network_(network), options_(std::move(options)) {}

std::string DbFleetControl::deckies_json() {
    const auto state = load_deployment(repo_);
    nlohmann::ordered_json deckies = nlohmann::ordered_json::array();
    if (state)
        for (const auto& decky : state->config.deckies) {
            // A standalone API runs nothing: no MAC is known, and the state says so.
            auto entry = decky_to_json(decky);
            entry["mac"] = nullptr;
            entry["state"] = "recorded";
            deckies.push_back(std::move(entry));
        }
    return deckies.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

FleetControl::Counts DbFleetControl::decky_counts() {
    const auto text = repo_.get_state(kDeploymentStateKey);
    if (!text) return {};
    try {
        const auto n =
            static_cast<std::int64_t>(deployment_state_from_json(*text).config.deckies.size());
        // Nothing runs under a standalone API: deployed and active are the same list,
        // as in the reference (§6.4).
        return {n, n};
    } catch (const DeploymentStateError& e) {
        spdlog::warn("stats: {}", e.what());
        return {};
    }
}

void DbFleetControl::deploy(std::string_view ini_text) {
    std::lock_guard lock(write_mutex_);
    std::optional<DeploymentState> current;
    try {
        current = load_deployment(repo_);
    } catch (const DeploymentStateError&) {
        throw ApiError{422, "Internal data consistency error", {}};
    }
    auto next =
        merge_ini_deploy(current, ini_text, network_, deployment_limit(repo_), epoch_seconds_now());
    if (!current) next.compose_path = options_.compose_path;
    if (options_.ingest_log_file) next.config.log_file = options_.ingest_log_file;
    try {
        save_deployment(repo_, next);
    } catch (const std::exception& e) {
        spdlog::error("deploy: storing the deployment failed: {}", e.what());
        throw ApiError{500, "Deployment failed. Check server logs for details.", {}};
    }
}

bool DbFleetControl::mutate(const std::string& name) {
    std::lock_guard lock(write_mutex_);
    try {
        auto state = load_deployment(repo_);
        if (!state) return false;
        auto& deckies = state->config.deckies;
        auto it = std::find_if(deckies.begin(), deckies.end(),
                               [&](const DeckyConfig& d) { return d.name == name; });
        if (it == deckies.end()) return false;
        Rng rng = Rng::from_entropy();
        mutate_decky(*it, rng, epoch_seconds_now());
        save_deployment(repo_, *state);
        return true;
    } catch (const std::exception& e) {
        spdlog::warn("mutate {}: {}", name, e.what());
        return false;
    }
}

FleetControl::IntervalResult DbFleetControl::set_mutate_interval(const std::string& name,
                                                                 std::optional<int> minutes) {
    std::lock_guard lock(write_mutex_);
    auto state = load_deployment(repo_);
    if (!state) return IntervalResult::no_deployment;
    auto& deckies = state->config.deckies;
    auto it = std::find_if(deckies.begin(), deckies.end(),
                           [&](const DeckyConfig& d) { return d.name == name; });
    if (it == deckies.end()) return IntervalResult::unknown_decky;
    it->mutate_interval = minutes;
    save_deployment(repo_, *state);
    return IntervalResult::updated;
}

FleetControl::TeardownResult DbFleetControl::teardown(const std::string& name) {
    std::lock_guard lock(write_mutex_);
    auto state = load_deployment(repo_);
    if (!state) return TeardownResult::no_deployment;
    auto& deckies = state->config.deckies;
    const auto it = std::find_if(deckies.begin(), deckies.end(),
                                 [&](const DeckyConfig& d) { return d.name == name; });
    if (it == deckies.end()) return TeardownResult::unknown_decky;
    deckies.erase(it);
    save_deployment(repo_, *state);
    return TeardownResult::removed;
}

}  // namespace decnet::api
