// The state file: what a running instance tells the world about its fleet (pid, control
// socket, deckies). Written atomically (temp file + rename) on every change, so readers
// never see half a file; left behind by a crash, it is what `teardown --all` cleans up.
// Format: docs/ARCHITECTURE.md "State file".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::engine {

struct DeckyState {
    std::string name;
    std::string ip;
    std::optional<std::string> mac;  // none in loopback mode
    std::string hostname;
    std::string os_family;
    std::string distro;
    std::optional<std::string> archetype;
    std::vector<std::string> services;
    std::string state;         // "up" (every service listens) or "degraded"
    std::uint64_t events = 0;  // events its services emitted
    int mutate_interval = 0;   // effective, minutes
    double last_mutated = 0;   // epoch seconds
};

struct InstanceState {
    long pid = 0;
    std::string state_dir;
    std::string control_socket;
    std::string started_at;  // ISO 8601 UTC
    std::string mode;
    std::string subnet;
    std::vector<DeckyState> deckies;
};

// Pretty-printed with `indent` spaces; indent < 0 gives one line (the control protocol).
std::string instance_state_to_json(const InstanceState& state, int indent = 2);
// Throws ConfigError when the text is not a state document.
InstanceState instance_state_from_json(std::string_view text);

// Writes <path>.tmp, fsyncs it, renames it over `path` (mode 0600). Throws ConfigError.
void write_state_file(const std::string& path, const InstanceState& state);
// nullopt when the file does not exist; ConfigError when it is unreadable or corrupt.
std::optional<InstanceState> read_state_file(const std::string& path);

}  // namespace decnet::engine
