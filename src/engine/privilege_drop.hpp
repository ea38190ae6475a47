// Dropping root once every socket is bound (issue #4): the instance switches to an
// unprivileged user and keeps only the capabilities it still uses — CAP_NET_BIND_SERVICE
// (the mutator and API-added deckies bind low ports later) and, in netns mode, what
// namespace management needs. Linux credentials are per thread, so every thread of the
// process is switched, not just the caller.
#pragma once

#include <sys/types.h>
#include <string>
#include <vector>

namespace decnet::engine {

// The account to run as, resolved from the user database.
struct TargetUser {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;  // supplementary groups, primary included
};

// Throws ConfigError "no such user '<name>'".
TargetUser lookup_user(const std::string& name);

struct PrivilegeDrop {
    std::string user = "nobody";  // "root": keep root (nothing is dropped)
    // netns mode: keep CAP_NET_ADMIN, CAP_SYS_ADMIN and CAP_DAC_OVERRIDE, also as ambient
    // capabilities so the `ip` commands decnet runs (namespace removal at teardown,
    // API-added deckies) still work.
    bool namespace_admin = false;
    std::vector<std::string> trees;     // chowned recursively (the state dir)
    std::vector<std::string> files;     // chowned when they exist (database, log file)
    std::vector<std::string> readable;  // only checked: the user must read them (http `files`)
};

// The capability bits kept (as in /proc/<pid>/status CapEff).
unsigned long long kept_capabilities(bool namespace_admin);

// No-op unless the process runs as root and `user` is not root. Chowns the paths, checks
// that the user can reach them (a parent directory may be closed to it), then switches
// every thread: groups, gid, uid, the capability sets, no_new_privs. Throws ConfigError
// before changing anything when a check fails, and when a thread cannot be switched.
void drop_privileges(const PrivilegeDrop& drop);

}  // namespace decnet::engine
