// Control-socket calls with the "no instance" error the verbs share.
#include "cli/instance_client.hpp"

#include "core/error.hpp"
#include "engine/control_client.hpp"
#include "engine/instance_lock.hpp"
#include "engine/instance_state.hpp"

namespace decnet::cli {

std::string no_instance_message(const engine::StatePaths& paths) {
    std::string message = "no decnet instance is running (state dir " + paths.dir + ")";
    try {
        if (const auto stale = engine::read_state_file(paths.state_file))
            message += "; a state file left by pid " + std::to_string(stale->pid) +
                       " remains — `decnet teardown --all` cleans it up";
    } catch (const ConfigError&) {
        message += "; an unreadable state file remains — `decnet teardown --all` removes it";
    }
    return message;
}

std::string ask_instance(const engine::StatePaths& paths, std::string_view request) {
    auto response = engine::control_request(paths.control_socket, request);
    if (!response && engine::instance_running(paths.pid_file)) {
        const auto pid = engine::read_pid_file(paths.pid_file);
        throw ConfigError("the decnet instance of state dir " + paths.dir +
                          (pid ? " (pid " + std::to_string(*pid) + ")" : std::string()) +
                          " is not answering on " + paths.control_socket + " (still starting?)");
    }
    if (!response) throw ConfigError(no_instance_message(paths));
    return *response;
}

}  // namespace decnet::cli
