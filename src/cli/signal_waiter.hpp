// Waits for SIGINT/SIGTERM (and, when asked, SIGHUP) on a dedicated thread. Construct it
// before starting any other thread: it blocks those signals in the calling thread, and
// threads inherit the mask.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

#include <signal.h>

namespace decnet::cli {

class SignalWaiter {
  public:
    // `on_signal` runs once, for the first SIGINT or SIGTERM. `on_hangup`, when given, runs
    // for every SIGHUP before that (on the same thread; it must not block); without it
    // SIGHUP keeps its default action.
    explicit SignalWaiter(std::function<void()> on_signal,
                          std::function<void()> on_hangup = nullptr);
    ~SignalWaiter();
    SignalWaiter(const SignalWaiter&) = delete;
    SignalWaiter& operator=(const SignalWaiter&) = delete;

    bool fired() const { return fired_.load(); }

  private:
    sigset_t set_{};
    std::atomic<bool> done_{false};
    std::atomic<bool> fired_{false};
    std::thread thread_;
};

}  // namespace decnet::cli
