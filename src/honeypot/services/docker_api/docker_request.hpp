// What an attacker asked the Docker Engine for, read out of request bodies and paths: a
// container-create spec (image, command, env, binds and mounts, privileges), an exec spec,
// image references, the API version prefix. Pure functions over bounded JSON (fuzzed), apart
// from the socket dialogue in docker_api.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::docker {

inline constexpr std::size_t kMaxListItems = 64;  // of Cmd, Env, Binds... kept per request
inline constexpr std::size_t kMaxItemText = 1024;

struct ContainerSpec {
    std::string image;
    std::vector<std::string> cmd;
    std::vector<std::string> entrypoint;
    std::vector<std::string> env;
    std::vector<std::string> binds;   // "host:container[:mode]" (HostConfig.Binds)
    std::vector<std::string> mounts;  // "type:source:target" (HostConfig.Mounts)
    std::vector<std::string> cap_add;
    std::vector<std::string> devices;
    bool privileged = false;
    bool tty = false;
    bool open_stdin = false;
    std::string network_mode;
    std::string pid_mode;
    std::string user;
    std::string working_dir;
    // Why this container would own the host ("root_bind,privileged"): "" when it would not.
    std::string escape;
};

// A containers/create body; nullopt when it is not a JSON object (a 400 from the engine).
std::optional<ContainerSpec> parse_container_spec(std::string_view body);

struct ExecSpec {
    std::vector<std::string> cmd;
    std::vector<std::string> env;
    std::string user;
    bool privileged = false;
    bool tty = false;
};
std::optional<ExecSpec> parse_exec_spec(std::string_view body);

// "alpine" → "alpine:latest", "docker.io/library/alpine" → "alpine:latest", digests kept;
// "" for a reference the engine refuses ("invalid reference format").
std::string normalize_image(std::string_view name, std::string_view tag = "");

// Strips a "/v1.43" prefix; `version` gets "1.43" ("" when there was none). A path that is
// only the prefix becomes "/".
std::string strip_api_version(std::string_view path, std::string& version);

// "1.43" < "1.50" as the engine compares API versions; false when either is malformed.
bool api_version_less(std::string_view a, std::string_view b);

// Shell-quoted words joined as docker ps shows a command (`sh -c 'id'`), bounded.
std::string join_command(const std::vector<std::string>& words, std::size_t max = 1024);

}  // namespace decnet::honeypot::docker
