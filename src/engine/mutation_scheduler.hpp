// The mutator's clock: a thread that, every poll period, mutates the deckies whose
// interval has elapsed and refreshes the state file's event counts.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace decnet::engine {

class Fleet;

class MutationScheduler {
  public:
    // `minute_seconds`: length of an interval minute (60; shorter in tests, see
    // mutate_minute_seconds()). Polls every 10 s, or every such minute when shorter.
    MutationScheduler(Fleet& fleet, double minute_seconds);
    ~MutationScheduler();
    MutationScheduler(const MutationScheduler&) = delete;
    MutationScheduler& operator=(const MutationScheduler&) = delete;

  private:
    void run();

    Fleet& fleet_;
    double minute_seconds_;
    std::chrono::milliseconds period_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;  // guarded by mutex_
    std::thread thread_;
};

}  // namespace decnet::engine
