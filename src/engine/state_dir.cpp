// State directory defaults and layout.
#include "engine/state_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "core/error.hpp"

namespace decnet::engine {

std::string default_state_dir() {
    if (geteuid() == 0) return "/run/decnet";
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg)
        return std::string(xdg) + "/decnet";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.local/state/decnet";
    return ".decnet";
}

StatePaths state_paths(const std::string& dir) {
    StatePaths p;
    p.dir = dir.empty() ? default_state_dir() : dir;
    // Absolute, so a daemon and a client started elsewhere agree on every path.
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(p.dir, ec);
    if (!ec) p.dir = absolute.lexically_normal().string();
    while (p.dir.size() > 1 && p.dir.back() == '/') p.dir.pop_back();
    p.pid_file = p.dir + "/decnet.pid";
    p.control_socket = p.dir + "/control.sock";
    p.state_file = p.dir + "/decnet-state.json";
    p.log_file = p.dir + "/decnet.log";
    return p;
}

void ensure_state_dir(const StatePaths& paths) {
    std::error_code ec;
    std::filesystem::create_directories(paths.dir, ec);
    if (ec) throw ConfigError("cannot create state directory " + paths.dir + ": " + ec.message());
    // Only the owner may reach the control socket and read the fleet's state.
    ::chmod(paths.dir.c_str(), 0700);
}

}  // namespace decnet::engine
