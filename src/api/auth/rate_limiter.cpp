#include "api/auth/rate_limiter.hpp"

#include <algorithm>

namespace decnet::api::auth {

std::optional<std::chrono::seconds> LoginRateLimiter::check(
    std::unordered_map<std::string, Window>& map, const std::string& key, int limit,
    Clock::time_point now) {
    if (limit <= 0) return std::nullopt;
    auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    auto& window = it->second;
    while (!window.empty() && window.front() + options_.window <= now) window.pop_front();
    if (window.empty()) {
        map.erase(it);
        return std::nullopt;
    }
    if (static_cast<int>(window.size()) < limit) return std::nullopt;
    const auto wait =
        std::chrono::ceil<std::chrono::seconds>(window.front() + options_.window - now);
    return std::max(wait, std::chrono::seconds(1));
}

std::optional<std::chrono::seconds> LoginRateLimiter::blocked(const std::string& ip,
                                                              const std::string& username,
                                                              Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto by_ip = check(by_ip_, ip, options_.max_failures_per_ip, now);
    auto by_user = check(by_user_, username, options_.max_failures_per_user, now);
    if (by_ip && by_user) return std::max(*by_ip, *by_user);
    return by_ip ? by_ip : by_user;
}

void LoginRateLimiter::add(std::unordered_map<std::string, Window>& map, const std::string& key,
                           int limit, Clock::time_point now) {
    if (limit <= 0) return;
    if (map.size() >= options_.max_tracked_keys && !map.contains(key)) {
        // Drop expired windows first; if a spray still fills the table, forget the
        // oldest-hashed entries rather than grow without bound.
        for (auto it = map.begin(); it != map.end();) {
            if (it->second.empty() || it->second.back() + options_.window <= now)
                it = map.erase(it);
            else
                ++it;
        }
        while (map.size() >= options_.max_tracked_keys) map.erase(map.begin());
    }
    auto& window = map[key];
    window.push_back(now);
    // Only the newest `limit` failures matter for the decision.
    while (static_cast<int>(window.size()) > limit) window.pop_front();
}

void LoginRateLimiter::record_failure(const std::string& ip, const std::string& username,
                                      Clock::time_point now) {
    std::lock_guard lock(mutex_);
    add(by_ip_, ip, options_.max_failures_per_ip, now);
    add(by_user_, username, options_.max_failures_per_user, now);
}

void LoginRateLimiter::record_success(const std::string& username) {
    std::lock_guard lock(mutex_);
    by_user_.erase(username);
}

}  // namespace decnet::api::auth
