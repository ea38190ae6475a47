// FailureLog: logs the first failure of a streak and the recovery, never one line per
// event, so a dead disk or an unreachable server cannot flood the process log.
#pragma once

#include <string>
#include <string_view>

namespace decnet {

class FailureLog {
  public:
    explicit FailureLog(std::string subject) : subject_(std::move(subject)) {}

    // Logs (WARNING) only when no failure streak is open; returns whether it logged.
    bool failed(std::string_view what);
    // Ends the streak; logs (INFO) only when one was open.
    void recovered(std::string_view what);
    bool failing() const { return failing_; }

  private:
    std::string subject_;
    bool failing_ = false;
};

}  // namespace decnet
