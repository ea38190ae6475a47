// Detaching `deploy` into a daemon: double fork + setsid, stdin from /dev/null, stdout and
// stderr appended to a log file. The parent stays until the daemon reports through a pipe
// that its deckies are listening (or why they are not), showing progress on a TTY.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace decnet::cli {

// The daemon's end of the pipe to the waiting parent. Lines: "progress <done> <total>",
// "ready <deckies> <listeners>", "error <message>".
class DaemonChannel {
  public:
    explicit DaemonChannel(int fd) : fd_(fd) {}
    ~DaemonChannel();
    DaemonChannel(const DaemonChannel&) = delete;
    DaemonChannel& operator=(const DaemonChannel&) = delete;

    void progress(std::size_t done, std::size_t total);
    void ready(std::size_t deckies, std::size_t listeners);  // then the pipe closes
    void failed(const std::string& message);                 // then the pipe closes

  private:
    void send(const std::string& line);
    int fd_;
};

// In the parent: waits for the daemon's verdict and returns the exit code (0 ready, 1
// failed). In the daemon: runs `body` and returns its exit code. `log_file` must be in an
// existing directory. Only call this while the process has a single thread.
int run_daemonized(const std::string& log_file, const std::function<int(DaemonChannel&)>& body);

}  // namespace decnet::cli
