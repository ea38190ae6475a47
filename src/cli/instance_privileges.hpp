// What an instance hands to the privilege drop: the user (--user), whether namespace
// management stays possible (netns mode), and the files it keeps writing afterwards.
#pragma once

#include "cli/instance.hpp"
#include "engine/privilege_drop.hpp"

namespace decnet::cli {

// --user's validator: empty when the user exists, else the error (so a typo fails at
// parse time, before anything starts).
std::string check_user_exists(const std::string& name);

// The state dir (pid file, state file, control socket, spool, JWT secret), the SQLite
// database with its WAL/SHM files, and the --log-file (created now if missing, since the
// sink opens it lazily); http `files` directories must stay readable.
engine::PrivilegeDrop instance_privilege_drop(const InstanceOptions& options,
                                              const DeploymentConfig& config,
                                              const engine::StatePaths& paths);

}  // namespace decnet::cli
