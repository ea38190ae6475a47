// Privilege drop for a multi-threaded process. setuid(2)/capset(2) change only the calling
// thread's credentials on Linux (glibc's setuid broadcasts ids, but not capabilities), so
// each thread runs the same raw-syscall sequence from a signal handler; the caller waits
// until every thread of /proc/self/task has reported.
#include "engine/privilege_drop.hpp"

#include <dirent.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include "core/error.hpp"

namespace decnet::engine {
namespace {

constexpr int kCapDacOverride = 1;
constexpr int kCapNetBindService = 10;
constexpr int kCapNetAdmin = 12;
constexpr int kCapSysAdmin = 21;

constexpr std::size_t kMaxGroups = 64;
constexpr std::size_t kMaxThreads = 4096;
constexpr auto kThreadTimeout = std::chrono::seconds(5);
constexpr int kMaxPasses = 20;

// What every thread switches to; written before any signal is sent, read in handlers.
struct Credentials {
    uid_t uid = 0;
    gid_t gid = 0;
    std::array<gid_t, kMaxGroups> groups{};
    std::size_t group_count = 0;
    unsigned long long caps = 0;
    bool ambient = false;
};
Credentials g_credentials;
std::atomic<int> g_failed_errno{0};
std::array<std::atomic<pid_t>, kMaxThreads> g_switched{};
std::atomic<std::size_t> g_switched_count{0};

// Async-signal-safe: raw syscalls only. Returns 0 or the errno of the failing step.
int switch_this_thread() noexcept {
    const auto& c = g_credentials;
    // A thread started by an already switched thread (a certificate or host-key thread
    // spawned while the drop is under way) inherited the target credentials: nothing to do,
    // and setgroups would fail without CAP_SETGID.
    uid_t ruid = 0, euid = 0, suid = 0;
    if (syscall(SYS_getresuid, &ruid, &euid, &suid) == 0 && ruid == c.uid && euid == c.uid &&
        suid == c.uid)
        return 0;
    // Keep the permitted set across the uid change; capset below trims it.
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return errno;
    if (syscall(SYS_setgroups, c.group_count, c.groups.data()) != 0) return errno;
    if (syscall(SYS_setresgid, c.gid, c.gid, c.gid) != 0) return errno;
    if (syscall(SYS_setresuid, c.uid, c.uid, c.uid) != 0) return errno;
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    for (int i = 0; i < 2; ++i) {
        const auto word = static_cast<__u32>(c.caps >> (32 * i));
        data[i].effective = data[i].permitted = word;
        data[i].inheritable = c.ambient ? word : 0;
    }
    if (syscall(SYS_capset, &header, data) != 0) return errno;
    if (c.ambient)
        for (unsigned long cap = 0; cap < 64; ++cap)
            if ((c.caps >> cap & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0)
                return errno;
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return errno;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
    return 0;
}

void on_switch_signal(int) {
    const int saved = errno;
    if (const int error = switch_this_thread()) g_failed_errno.store(error);
    const auto slot = g_switched_count.fetch_add(1);
    if (slot < kMaxThreads) g_switched[slot].store(static_cast<pid_t>(syscall(SYS_gettid)));
    errno = saved;
}

std::set<pid_t> switched_threads() {
    std::set<pid_t> out;
    const auto n = std::min(g_switched_count.load(), kMaxThreads);
    for (std::size_t i = 0; i < n; ++i)
        if (const auto tid = g_switched[i].load()) out.insert(tid);
    return out;
}

std::set<pid_t> live_threads() {
    std::set<pid_t> out;
    if (DIR* dir = opendir("/proc/self/task")) {
        while (const dirent* entry = readdir(dir))
            if (entry->d_name[0] != '.') out.insert(static_cast<pid_t>(std::atol(entry->d_name)));
        closedir(dir);
    }
    return out;
}

bool thread_exists(pid_t tid) {
    return std::filesystem::exists("/proc/self/task/" + std::to_string(tid));
}

// Signals every other thread until each has switched; new threads started meanwhile by a
// thread not yet switched are caught by the next pass.
void switch_other_threads(int signal) {
    const auto self = static_cast<pid_t>(syscall(SYS_gettid));
    for (int pass = 0; pass < kMaxPasses; ++pass) {
        const auto done = switched_threads();
        std::set<pid_t> pending;
        for (const auto tid : live_threads())
            if (tid != self && !done.contains(tid) &&
                syscall(SYS_tgkill, getpid(), tid, signal) == 0)
                pending.insert(tid);
        if (pending.empty()) return;
        const auto deadline = std::chrono::steady_clock::now() + kThreadTimeout;
        for (;;) {
            const auto now_done = switched_threads();
            std::erase_if(pending,
                          [&](pid_t tid) { return now_done.contains(tid) || !thread_exists(tid); });
            if (pending.empty()) break;
            if (std::chrono::steady_clock::now() > deadline)
                throw ConfigError("privilege drop: thread " + std::to_string(*pending.begin()) +
                                  " did not switch users (signal blocked?)");
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    throw ConfigError("privilege drop: threads kept appearing; could not switch them all");
}

void chown_tree(const std::string& root, const TargetUser& user) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(root, ec)) return;
    if (::lchown(root.c_str(), user.uid, user.gid) != 0)
        throw ConfigError("privilege drop: cannot chown " + root + ": " + std::strerror(errno));
    // Bounded by the state dir's contents (a handful of files).
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
        if (::lchown(it->path().c_str(), user.uid, user.gid) != 0)
            throw ConfigError("privilege drop: cannot chown " + it->path().string() + ": " +
                              std::strerror(errno));
}

// Forks a child that becomes the user and tries each path, so a parent directory closed
// to the user (e.g. a state dir under /root) is an error before anything changes.
void check_reachable(const std::vector<std::pair<std::string, int>>& paths,
                     const std::string& user) {
    const pid_t child = fork();
    if (child < 0) throw ConfigError(std::string("privilege drop: fork: ") + std::strerror(errno));
    if (child == 0) {
        const auto& c = g_credentials;
        if (syscall(SYS_setgroups, c.group_count, c.groups.data()) != 0 ||
            syscall(SYS_setresgid, c.gid, c.gid, c.gid) != 0 ||
            syscall(SYS_setresuid, c.uid, c.uid, c.uid) != 0)
            _exit(255);
        for (std::size_t i = 0; i < paths.size() && i < 250; ++i)
            if (access(paths[i].first.c_str(), paths[i].second) != 0)
                _exit(static_cast<int>(i + 1));
        _exit(0);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
    if (code == 0) return;
    if (code == 255 || static_cast<std::size_t>(code) > paths.size())
        throw ConfigError("privilege drop: cannot switch to the user in a test process");
    throw ConfigError("user '" + user + "' cannot reach " +
                      paths[static_cast<std::size_t>(code - 1)].first +
                      " (it or a parent directory is closed to it); use paths the user can "
                      "reach, or --user root");
}

}  // namespace

TargetUser lookup_user(const std::string& name) {
    std::array<char, 16384> buffer{};
    passwd entry{};
    passwd* found = nullptr;
    getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (!found) throw ConfigError("no such user '" + name + "' (--user)");
    TargetUser user{name, found->pw_uid, found->pw_gid, {}};
    int count = static_cast<int>(kMaxGroups);
    std::vector<gid_t> groups(kMaxGroups);
    if (getgrouplist(name.c_str(), user.gid, groups.data(), &count) < 0) count = 0;
    groups.resize(static_cast<std::size_t>(std::max(count, 0)));
    if (groups.empty()) groups.push_back(user.gid);
    user.groups = std::move(groups);
    return user;
}

unsigned long long kept_capabilities(bool namespace_admin) {
    unsigned long long caps = 1ULL << kCapNetBindService;
    if (namespace_admin)
        caps |= 1ULL << kCapNetAdmin | 1ULL << kCapSysAdmin | 1ULL << kCapDacOverride;
    return caps;
}

void drop_privileges(const PrivilegeDrop& drop) {
    if (geteuid() != 0 || drop.user == "root") return;
    const auto user = lookup_user(drop.user);
    if (user.uid == 0) return;

    auto& c = g_credentials;
    c.uid = user.uid;
    c.gid = user.gid;
    c.group_count = std::min(user.groups.size(), kMaxGroups);
    std::copy_n(user.groups.begin(), c.group_count, c.groups.begin());
    c.caps = kept_capabilities(drop.namespace_admin);
    c.ambient = drop.namespace_admin;

    std::vector<std::pair<std::string, int>> reachable;
    for (const auto& tree : drop.trees) {
        chown_tree(tree, user);
        reachable.emplace_back(tree, W_OK | X_OK);
    }
    for (const auto& file : drop.files) {
        if (!std::filesystem::exists(file)) continue;
        if (::chown(file.c_str(), user.uid, user.gid) != 0)
            throw ConfigError("privilege drop: cannot chown " + file + ": " + std::strerror(errno));
        reachable.emplace_back(file, R_OK | W_OK);
    }
    for (const auto& path : drop.readable)
        if (std::filesystem::exists(path)) reachable.emplace_back(path, R_OK | X_OK);
    check_reachable(reachable, user.name);

    const int signal = SIGRTMIN + 6;
    struct sigaction action {};
    struct sigaction previous {};
    action.sa_handler = on_switch_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(signal, &action, &previous);
    // On failure the handler stays installed: a signal still pending for a slow thread
    // must not hit the default action (terminate).
    switch_other_threads(signal);
    sigaction(signal, &previous, nullptr);
    if (const int error = switch_this_thread())
        throw ConfigError(std::string("privilege drop: ") + std::strerror(error));
    if (const int error = g_failed_errno.load())
        throw ConfigError(std::string("privilege drop in a worker thread: ") +
                          std::strerror(error));
}

}  // namespace decnet::engine
