// What many commands share: GNU-style option parsing, coreutils' error wording, owner and
// group names from the world's accounts, permission checks for a non-root login, and
// reading a file (or a device such as /dev/zero) through the session's overlay.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/shell/command.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/fake_filesystem.hpp"

namespace decnet::honeypot::shell {

struct Args {
    std::string flags;                    // single-letter options seen, in order
    std::map<char, std::string> values;   // options that take a value (-n 5, -n5)
    std::vector<std::string> long_flags;  // --all, --help (without the dashes, value kept)
    std::vector<std::string> operands;
    char invalid = 0;  // the first unknown option letter, when `known` is given

    bool has(char c) const { return flags.find(c) != std::string::npos; }
    bool has_long(std::string_view name) const;
};

// GNU getopt with permutation: options anywhere until `--`; "-" is an operand. Letters in
// `with_value` take an argument; when `known` is not empty other letters are invalid.
Args parse_args(const std::vector<std::string>& argv, std::string_view with_value = "",
                std::string_view known = "");

// "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n"
std::string invalid_option(std::string_view command, char option);
// "<command>: <path>: <error text>\n"
std::string path_error(std::string_view command, std::string_view path, FsError error);
std::string permission_denied(std::string_view command, std::string_view path);

std::string user_name(const ShellState& state, std::uint32_t uid);
std::string group_name(const ShellState& state, std::uint32_t gid);

// Unix permission bits for the logged-in user (root may do anything).
bool may_read(const ShellState& state, const FsStat& stat);
bool may_write(const ShellState& state, const FsStat& stat);
bool may_enter(const ShellState& state, const FsStat& stat);  // x on a directory
// May the user create or remove entries in the directory holding `path`?
bool may_write_parent(const ShellState& state, std::string_view path);

// A file's contents for reading commands: devices (/dev/null, /dev/zero, /dev/urandom)
// included, bounded by kMaxCommandOutput; permission checked.
struct ReadResult {
    std::string data;
    std::string error;  // "No such file or directory", "Is a directory", "Permission denied"
    bool ok() const { return error.empty(); }
};
ReadResult read_for_command(const ShellState& state, std::string_view path);

// Splits text into lines without their "\n" (a last line without one is kept).
std::vector<std::string_view> split_lines(std::string_view text);

// Where bash looks for a name (root's PATH).
inline constexpr std::string_view kShellPath[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                                  "/usr/bin",        "/sbin",          "/bin"};

// Is `name` installed on this decky's distro? (apt on Debian-likes, yum/dnf on Red Hat's,
// python only where the distro still has it.)
bool available(const ShellState& state, std::string_view name);

// Alpine: the login shell is busybox ash (its prompt and its wording differ from bash's).
bool busybox_shell(const ShellState& state);

// The absolute form of `path` from cwd (no symlinks resolved), as coreutils print it.
std::string absolute_path(const ShellState& state, std::string_view path);

}  // namespace decnet::honeypot::shell
