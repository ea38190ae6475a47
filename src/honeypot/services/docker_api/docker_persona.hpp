// The docker_api persona, parsed once per decky: which Docker Engine release it is (its API
// version, commits, Go version, containerd and runc), the error its containers fail to start
// with, the containers and images it already runs, and the engine state attackers change.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/services/docker_api/engine_state.hpp"
#include "honeypot/services/module.hpp"

namespace decnet::honeypot {

struct EngineRelease {
    std::string_view version;  // 24.0.5
    std::string_view api;      // 1.43
    std::string_view git_commit;
    std::string_view go_version;
    std::string_view build_time;
    std::string_view containerd, containerd_commit;
    std::string_view runc, runc_commit;
    std::string_view init_commit;
};

// A container the host was already running when the attacker arrived.
struct PersonaContainer {
    std::string id;  // 64 hex, stable per decky
    std::string name;
    std::string image;     // nginx:1.25-alpine
    std::string image_id;  // sha256:…
    std::string command;   // as docker ps shows it
    std::vector<std::string> args;
    std::int64_t created = 0;  // epoch seconds
    std::uint16_t private_port = 0;
    std::uint16_t public_port = 0;  // 0: not published
    std::string ip;                 // on the bridge
    std::int64_t image_size = 0;
};

struct DockerSettings : ServiceSettings {
    const EngineRelease* release = nullptr;
    std::string start_error;  // "{id}" stands for the container's id
    std::string hostname;
    std::uint64_t seed = 0;  // per decky: ids and digests
    std::vector<PersonaContainer> containers;
    // What attackers created and pulled; shared by the decky's connections and ports.
    std::shared_ptr<docker::EngineState> state = std::make_shared<docker::EngineState>();
};

std::shared_ptr<const ServiceSettings> configure_docker(const PersonaReader& persona);

// 64 lower-case hex digits derived from `seed` and `salt` (stable ids and digests).
std::string stable_hex(std::uint64_t seed, std::string_view salt, std::size_t digits = 64);

}  // namespace decnet::honeypot
