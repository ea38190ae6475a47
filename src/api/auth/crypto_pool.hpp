// The named pool for CPU-heavy work (bcrypt): `threads` workers and a bounded queue, so
// no I/O thread ever runs a hash and an overload is refused instead of queued forever.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace decnet::api::auth {

class CryptoPool {
  public:
    // threads == 0: one per core.
    CryptoPool(std::size_t threads, std::size_t max_queued);
    // Runs what is queued, then joins.
    ~CryptoPool();
    CryptoPool(const CryptoPool&) = delete;
    CryptoPool& operator=(const CryptoPool&) = delete;

    // False (job dropped) when `max_queued` jobs are already waiting. An exception
    // thrown by `job` is logged and swallowed.
    bool try_submit(std::function<void()> job);
    // Jobs waiting, not counting the running ones.
    std::size_t queued() const;
    std::size_t threads() const { return workers_.size(); }
    // Until nothing is queued or running (bounded by the queue bound).
    void wait_idle();

  private:
    void work();

    const std::size_t max_queued_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<std::function<void()>> jobs_;
    std::size_t running_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace decnet::api::auth
