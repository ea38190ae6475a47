// Lifecycle event dedup with bounded memory.
#include "events/lifecycle_rate_limiter.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "core/text.hpp"

namespace decnet {
namespace {

constexpr std::size_t kPruneAbove = 10000;
constexpr int kPruneAgeWindows = 60;
// A flood of spoofed sources could keep every key young; past this the map is reset
// (fail open: a few duplicate lifecycle rows beat unbounded memory).
constexpr std::size_t kHardLimit = 200000;

}  // namespace

LifecycleRateLimiter::LifecycleRateLimiter(std::vector<std::string> limited_types,
                                           std::chrono::duration<double> window)
    : types_(std::move(limited_types)),
      window_(std::chrono::duration_cast<Clock::duration>(
          std::max(window, std::chrono::duration<double>::zero()))) {}

LifecycleRateLimiter LifecycleRateLimiter::from_environment() {
    std::vector<std::string> types = {"connect", "disconnect", "connection", "accept", "close"};
    if (const char* env = std::getenv("DECNET_COLLECTOR_RL_EVENT_TYPES")) {
        types.clear();
        std::stringstream in(env);
        for (std::string item; std::getline(in, item, ',');)
            if (auto t = trim(item); !t.empty()) types.emplace_back(t);
    }
    double window = 1.0;
    if (const char* env = std::getenv("DECNET_COLLECTOR_RL_WINDOW_SEC")) {
        char* end = nullptr;
        const double parsed = std::strtod(env, &end);
        if (end != env && *end == '\0') window = parsed;
    }
    return LifecycleRateLimiter(std::move(types), std::chrono::duration<double>(window));
}

bool LifecycleRateLimiter::allow(std::string_view attacker_ip, std::string_view decky,
                                 std::string_view service, std::string_view event_type,
                                 Clock::time_point now) {
    if (window_ <= Clock::duration::zero()) return true;
    if (std::find(types_.begin(), types_.end(), event_type) == types_.end()) return true;
    std::string key;
    key.reserve(attacker_ip.size() + decky.size() + service.size() + event_type.size() + 3);
    key.append(attacker_ip).push_back('\x1f');
    key.append(decky).push_back('\x1f');
    key.append(service).push_back('\x1f');
    key.append(event_type);

    const std::lock_guard lock(mutex_);
    const auto it = last_accept_.find(key);
    if (it != last_accept_.end() && now - it->second < window_) {
        ++dropped_;
        return false;
    }
    last_accept_[key] = now;
    if (last_accept_.size() > kPruneAbove) {
        const auto horizon = now - kPruneAgeWindows * window_;
        std::erase_if(last_accept_, [&](const auto& entry) { return entry.second < horizon; });
        if (last_accept_.size() > kHardLimit) last_accept_.clear();
    }
    return true;
}

std::uint64_t LifecycleRateLimiter::dropped() const {
    const std::lock_guard lock(mutex_);
    return dropped_;
}

}  // namespace decnet
