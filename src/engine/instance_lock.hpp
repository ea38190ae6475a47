// The one-instance-per-state-dir lock: an flock on the pid file, held for the instance's
// lifetime. The kernel drops it when the process dies, so a kill -9 leaves the file but
// never a held lock — which is how a stale instance is told from a running one.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace decnet::engine {

class InstanceLock {
  public:
    // Takes the lock and writes our pid; throws ConfigError ("a decnet instance is already
    // running (pid N, state dir X)") when another process holds it.
    InstanceLock(const std::string& pid_file, const std::string& state_dir);
    ~InstanceLock();  // removes the pid file and releases the lock
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;

    // Rewrites the pid (after a daemon's fork the lock holder has a new pid).
    void write_pid();

  private:
    std::string path_;
    int fd_ = -1;
};

// The pid written in the file, if any.
std::optional<pid_t> read_pid_file(const std::string& pid_file);

// True while some process holds the lock on `pid_file`.
bool instance_running(const std::string& pid_file);

}  // namespace decnet::engine
