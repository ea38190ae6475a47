// ShellState: everything one login's shell knows — who is logged in, where they are, their
// environment and history, the decky they are on, the session's writable view of its files,
// and the transport's session (events, artifacts). Commands read and change it through
// Invocation (command.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "honeypot/world/fake_filesystem.hpp"

namespace decnet::honeypot {
class Session;
struct DeckyWorld;
class FsOverlay;
}  // namespace decnet::honeypot

namespace decnet::honeypot::shell {

struct ShellSettings;
class Terminal;
class CommandRunner;

struct ShellState {
    Session& session;  // events (session.event/emit), artifacts (session.context().artifacts)
    const DeckyWorld& world;
    FsOverlay& fs;  // the session's overlay: shared with sftp/scp on the same connection
    const ShellSettings& settings;

    std::string user = "root";
    std::string hostname{};  // what the prompt, hostname and uname -n say
    std::uint32_t uid = 0, gid = 0;
    std::string home = "/root";
    std::string cwd = "/root";
    std::map<std::string, std::string> env{};
    std::vector<std::string> history{};  // bounded by the shell
    int last_status = 0;
    bool pty = true;              // interactive terminal (prompt, echo, CRLF)
    std::int64_t login_time = 0;  // epoch seconds
    std::string tty = "pts/0";
    bool exit_requested = false;  // exit/logout ran
    int exit_status = 0;
    // How bash names itself in its own errors: "-bash" for a login shell, "bash: line 1"
    // for `ssh host 'cmd'` (bash -c).
    std::string error_prefix = "-bash";
    std::map<std::string, std::string> aliases{};  // root's .bashrc: ll, la, l
    CommandRunner* runner = nullptr;               // the interpreter (sh -c, sudo, busybox)

    // Path resolution in the world's coordinates from cwd.
    FsScope scope() const { return FsScope{"/", cwd}; }
};

}  // namespace decnet::honeypot::shell
