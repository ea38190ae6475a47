// How the CLI verbs (status, teardown, mutate) reach the running instance of a state dir.
#pragma once

#include <string>
#include <string_view>

#include "engine/state_dir.hpp"

namespace decnet::cli {

// "no decnet instance is running (state dir X)", plus a hint when a crashed instance left
// its state file behind.
std::string no_instance_message(const engine::StatePaths& paths);

// Sends one request line and returns the response line; throws ConfigError with
// no_instance_message() when nothing answers on the control socket.
std::string ask_instance(const engine::StatePaths& paths, std::string_view request);

}  // namespace decnet::cli
