// Planning a deployment: from `deploy`/`up` flags (and optionally an INI file) to a
// complete DeploymentConfig, validated in the reference's order so the same mistake gives
// the same message (an INI file: its first problem in file order). Pure: no sockets, no
// namespaces, no files written (fixes D7).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/config.hpp"

namespace decnet::engine {

class NetworkDetector;

// Loopback deckies live here unless --subnet / INI net= says otherwise.
inline constexpr const char* kLoopbackSubnet = "127.77.0.0/16";

struct DeployOptions {
    // loopback | netns | docker (unihost/swarm → netns). Unset: loopback, except that an INI
    // deployment whose subnet (--subnet, else net=) lies outside 127.0.0.0/8 is planned in
    // netns mode.
    std::optional<std::string> mode;
    std::optional<int> deckies;
    std::optional<std::string> services;  // comma list
    bool randomize_services = false;
    std::optional<std::string> distro;  // comma list
    bool randomize_distros = false;
    std::optional<std::string> archetype;
    std::optional<std::string> config_path;
    std::optional<std::string> subnet;
    std::optional<std::string> ip_start;
    std::optional<std::string> interface;
    bool ipvlan = false;
    std::optional<std::string> attach;  // netns: bridge (default) | macvlan | ipvlan
    std::optional<std::string> bridge;  // netns bridge mode: bridge name (default decnet0)
    std::optional<std::string> log_file;
    std::optional<std::string> log_target;
    std::optional<int> mutate_interval;
    std::optional<std::uint64_t> seed;
};

struct DeploymentPlan {
    DeploymentConfig config;
    std::string source;       // "flags" or the INI path
    std::string mode_reason;  // why, when the mode was chosen without --mode (else empty)
    std::optional<std::uint64_t> seed;
};

// Throws ConfigError (message, and file:line for INI problems).
DeploymentPlan plan_deployment(const DeployOptions& options, NetworkDetector& network, double now);

// --mode text → mode; throws ConfigError for anything else.
DeployMode parse_deploy_mode(const std::string& text);

// `[scheme://]host:port` with scheme udp (default), tcp or tls; throws
// "Invalid log_target '<x>'. Expected format: ip:port".
void validate_log_target(const std::string& target);

// The plan as JSON (schema in docs/deploy-plan.md), pretty-printed.
std::string plan_to_json(const DeploymentPlan& plan);

}  // namespace decnet::engine
