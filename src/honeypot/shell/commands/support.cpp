// Helpers shared by the shell's commands (see support.hpp).
#include "honeypot/shell/commands/support.hpp"

#include <random>

#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell {

bool Args::has_long(std::string_view name) const {
    for (const auto& l : long_flags)
        if (l == name || l.starts_with(std::string(name) + "=")) return true;
    return false;
}

Args parse_args(const std::vector<std::string>& argv, std::string_view with_value,
                std::string_view known) {
    Args args;
    bool options = true;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const auto& a = argv[i];
        if (!options || a.size() < 2 || a[0] != '-') {
            args.operands.push_back(a);
            continue;
        }
        if (a == "--") {
            options = false;
            continue;
        }
        if (a.starts_with("--")) {
            args.long_flags.push_back(a.substr(2));
            continue;
        }
        for (std::size_t j = 1; j < a.size(); ++j) {
            const char c = a[j];
            if (!known.empty() && known.find(c) == std::string_view::npos &&
                with_value.find(c) == std::string_view::npos) {
                if (!args.invalid) args.invalid = c;
                continue;
            }
            args.flags += c;
            if (with_value.find(c) != std::string_view::npos) {
                if (j + 1 < a.size())
                    args.values[c] = a.substr(j + 1);
                else if (i + 1 < argv.size())
                    args.values[c] = argv[++i];
                break;
            }
        }
    }
    return args;
}

std::string invalid_option(std::string_view command, char option) {
    return std::string(command) + ": invalid option -- '" + std::string(1, option) + "'\nTry '" +
           std::string(command) + " --help' for more information.\n";
}

std::string path_error(std::string_view command, std::string_view path, FsError error) {
    return std::string(command) + ": " + std::string(path) + ": " +
           std::string(fs_error_text(error)) + "\n";
}

std::string permission_denied(std::string_view command, std::string_view path) {
    return std::string(command) + ": " + std::string(path) + ": Permission denied\n";
}

std::string user_name(const ShellState& state, std::uint32_t uid) {
    const auto* user = state.world.accounts.find(uid);
    return user ? user->name : std::to_string(uid);
}

std::string group_name(const ShellState& state, std::uint32_t gid) {
    return state.world.accounts.group_name(gid);
}

namespace {

bool allowed(const ShellState& state, const FsStat& stat, std::uint32_t bit) {
    if (state.uid == 0) return true;
    if (stat.meta.uid == state.uid) return (stat.meta.mode & (bit << 6)) != 0;
    if (stat.meta.gid == state.gid) return (stat.meta.mode & (bit << 3)) != 0;
    return (stat.meta.mode & bit) != 0;
}

}  // namespace

bool may_read(const ShellState& state, const FsStat& stat) {
    return allowed(state, stat, 4);
}
bool may_write(const ShellState& state, const FsStat& stat) {
    return allowed(state, stat, 2);
}
bool may_enter(const ShellState& state, const FsStat& stat) {
    return allowed(state, stat, 1);
}

bool may_write_parent(const ShellState& state, std::string_view path) {
    if (state.uid == 0) return true;
    const auto abs = absolute_path(state, path);
    const auto parent = abs.substr(0, std::max<std::size_t>(1, abs.rfind('/')));
    const auto stat = state.fs.stat(parent, state.scope());
    return stat && may_write(state, stat.value);
}

ReadResult read_for_command(const ShellState& state, std::string_view path) {
    if (path == "/dev/null") return {};
    if (path == "/dev/zero") return {std::string(kMaxCommandOutput, '\0'), ""};
    if (path == "/dev/urandom" || path == "/dev/random") {
        // Endless noise in the real device: a bounded amount here, then the reader stops.
        std::mt19937_64 noise(static_cast<std::uint64_t>(state.login_time));
        std::string out(kMaxCommandOutput, '\0');
        for (auto& c : out) c = static_cast<char>(noise());
        return {std::move(out), ""};
    }
    const auto stat = state.fs.stat(path, state.scope());
    if (!stat) return {"", std::string(fs_error_text(stat.error))};
    if (stat.value.type == FsType::directory) return {"", "Is a directory"};
    if (!may_read(state, stat.value)) return {"", "Permission denied"};
    auto body = state.fs.read(path, state.scope());
    if (!body) return {"", std::string(fs_error_text(body.error))};
    if (body.value.size() > kMaxCommandOutput) body.value.resize(kMaxCommandOutput);
    return {std::move(body.value), ""};
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t at = 0;
    while (at < text.size()) {
        auto end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        lines.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return lines;
}

bool available(const ShellState& state, std::string_view name) {
    const auto family = distro_files(state.world.distro).family;
    if (name == "apt" || name == "apt-get" || name == "dpkg") return family == DistroFamily::debian;
    if (name == "yum" || name == "dnf" || name == "rpm") return family == DistroFamily::rhel;
    if (name == "apk") return family == DistroFamily::alpine;
    if (name == "pacman") return family == DistroFamily::arch;
    if (name == "python") return state.world.distro == "centos7";
    if (name == "python3" || name == "perl" || name == "bash")
        return family != DistroFamily::alpine;
    return true;
}

bool busybox_shell(const ShellState& state) {
    return distro_files(state.world.distro).family == DistroFamily::alpine;
}

std::string absolute_path(const ShellState& state, std::string_view path) {
    std::vector<std::string> parts;
    if (!path.starts_with('/')) parts = split_path(state.cwd);
    for (const auto& p : split_path(path)) {
        if (p == ".") continue;
        if (p == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(p);
    }
    return join_path(parts);
}

}  // namespace decnet::honeypot::shell
