// Deduplication of connection-lifecycle events before storage (engine.md §7.5): a
// connect/disconnect/… for the same (attacker, decky, service, type) within the window
// is dropped for the database (the raw log keeps every line). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace decnet {

class LifecycleRateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    // Window ≤ 0 disables the limiter.
    LifecycleRateLimiter(std::vector<std::string> limited_types,
                         std::chrono::duration<double> window);
    // From DECNET_COLLECTOR_RL_EVENT_TYPES (default connect,disconnect,connection,accept,close)
    // and DECNET_COLLECTOR_RL_WINDOW_SEC (default 1.0; unparseable → default; negative → 0).
    static LifecycleRateLimiter from_environment();

    // True when the event may be stored; records the acceptance time.
    bool allow(std::string_view attacker_ip, std::string_view decky, std::string_view service,
               std::string_view event_type, Clock::time_point now = Clock::now());

    std::uint64_t dropped() const;

  private:
    std::vector<std::string> types_;
    Clock::duration window_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Clock::time_point> last_accept_;  // guarded by mutex_
    std::uint64_t dropped_ = 0;                                       // guarded by mutex_
};

}  // namespace decnet
