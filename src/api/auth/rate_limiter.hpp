// Login throttling: failed attempts counted per source IP and per username in a sliding
// window; at the limit further attempts are refused (429 + Retry-After) until the oldest
// failure leaves the window. Only failures count, so a busy legitimate client (or the
// login benchmark) is never throttled.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace decnet::api::auth {

struct RateLimitOptions {
    int max_failures_per_ip = 30;    // 0 disables the IP limit
    int max_failures_per_user = 10;  // 0 disables the username limit
    std::chrono::seconds window{60};
    std::size_t max_tracked_keys = 100'000;  // memory bound under a spray of names/IPs
};

class LoginRateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    explicit LoginRateLimiter(RateLimitOptions options) : options_(options) {}

    // Seconds to wait when the IP or the username is locked out, else nullopt.
    std::optional<std::chrono::seconds> blocked(const std::string& ip, const std::string& username,
                                                Clock::time_point now = Clock::now());
    void record_failure(const std::string& ip, const std::string& username,
                        Clock::time_point now = Clock::now());
    // A correct password clears that username's failures (not the IP's).
    void record_success(const std::string& username);

  private:
    using Window = std::deque<Clock::time_point>;
    std::optional<std::chrono::seconds> check(std::unordered_map<std::string, Window>& map,
                                              const std::string& key, int limit,
                                              Clock::time_point now);
    void add(std::unordered_map<std::string, Window>& map, const std::string& key, int limit,
             Clock::time_point now);

    const RateLimitOptions options_;
    std::mutex mutex_;
    std::unordered_map<std::string, Window> by_ip_;
    std::unordered_map<std::string, Window> by_user_;
};

}  // namespace decnet::api::auth
