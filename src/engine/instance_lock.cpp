// flock-based instance lock on the pid file.
#include "engine/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.hpp"

namespace decnet::engine {

InstanceLock::InstanceLock(const std::string& pid_file, const std::string& state_dir)
    : path_(pid_file) {
    fd_ = ::open(pid_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw ConfigError("cannot open " + pid_file + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd_);
        fd_ = -1;
        const auto pid = read_pid_file(pid_file);
        throw ConfigError("a decnet instance is already running" +
                          (pid ? " (pid " + std::to_string(*pid) + ")" : std::string()) +
                          " with state dir " + state_dir +
                          "; stop it with `decnet teardown --all --state-dir " + state_dir +
                          "` or choose another --state-dir");
    }
    write_pid();
}

InstanceLock::~InstanceLock() {
    if (fd_ < 0) return;
    // Unlink while still holding the lock, so a newcomer never locks a file we delete.
    ::unlink(path_.c_str());
    ::close(fd_);
}

void InstanceLock::write_pid() {
    const auto text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, text.data(), text.size(), 0) < 0) {
        // A missing pid only makes error messages vaguer; the lock is what matters.
    }
}

std::optional<pid_t> read_pid_file(const std::string& pid_file) {
    std::ifstream in(pid_file);
    long pid = 0;
    if (in >> pid && pid > 0) return static_cast<pid_t>(pid);
    return std::nullopt;
}

bool instance_running(const std::string& pid_file) {
    const int fd = ::open(pid_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return held;
}

}  // namespace decnet::engine
