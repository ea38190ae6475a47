// A child process for integration tests: started with argv, stdout/stderr to files,
// stopped with SIGTERM (then SIGKILL after a bound), never left running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace decnet::testing {

class BackgroundProcess {
  public:
    BackgroundProcess(const std::vector<std::string>& argv, const std::string& dir);
    ~BackgroundProcess();

    // Waits (bounded) until stdout contains `text`; returns stdout so far.
    std::string wait_for_output(const std::string& text,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // SIGTERM, wait up to `timeout`, SIGKILL if needed; returns the exit status (-1 if killed).
    int stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    std::string out() const;
    std::string err() const;
    // The child's pid (to signal it: SIGHUP, SIGKILL); -1 once stopped or reaped.
    pid_t pid() const { return pid_; }

  private:
    pid_t pid_ = -1;
    std::string out_path_, err_path_;
};

}  // namespace decnet::testing
