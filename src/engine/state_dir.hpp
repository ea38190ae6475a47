// Where a running instance keeps its files: pid file (the instance lock), control socket,
// state file and daemon log. One directory per instance, chosen by --state-dir.
#pragma once

#include <string>

namespace decnet::engine {

struct StatePaths {
    std::string dir;
    std::string pid_file;        // <dir>/decnet.pid, flock'ed while the instance runs
    std::string control_socket;  // <dir>/control.sock
    std::string state_file;      // <dir>/decnet-state.json
    std::string log_file;        // <dir>/decnet.log (daemon stdout/stderr)
};

// /run/decnet as root, else $XDG_STATE_HOME/decnet, else ~/.local/state/decnet.
std::string default_state_dir();

// The paths under `dir` (the default directory when empty).
StatePaths state_paths(const std::string& dir);

// Creates the directory (and parents) with mode 0700; throws ConfigError when impossible.
void ensure_state_dir(const StatePaths& paths);

}  // namespace decnet::engine
