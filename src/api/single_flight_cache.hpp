// A TTL cache where concurrent misses for one key cost exactly one load (api.md §7,
// "single-flight with a double-checked lock"). Loads run on the caller's thread; other
// callers for the same key wait for that result. A load that throws is not cached and
// the exception reaches every waiter.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace decnet::api {

template <typename Key, typename Value>
class SingleFlightCache {
  public:
    using Clock = std::chrono::steady_clock;

    explicit SingleFlightCache(Clock::duration ttl) : ttl_(ttl) {}

    // The cached value when fresh; else runs `load` once for all concurrent callers.
    Value get(const Key& key, const std::function<Value()>& load) {
        return get_until(key, load).first;
    }

    // The same, with the time until which the value stays cached (a caller that waited
    // for another's load gets the load's end plus the TTL).
    std::pair<Value, Clock::time_point> get_until(const Key& key,
                                                  const std::function<Value()>& load) {
        std::unique_lock lock(mutex_);
        for (;;) {
            auto it = entries_.find(key);
            if (it == entries_.end()) break;
            Entry& entry = it->second;
            if (entry.loading) {
                auto flight = entry.flight;
                loaded_.wait(lock, [&] { return flight->done; });
                if (flight->error) std::rethrow_exception(flight->error);
                return {*flight->value, flight->expires};
            }
            if (Clock::now() < entry.expires) {
                ++hits_;
                return {*entry.value, entry.expires};
            }
            break;
        }
        ++misses_;
        auto flight = std::make_shared<Flight>();
        Entry& entry = entries_[key];
        entry.loading = true;
        entry.flight = flight;
        lock.unlock();
        std::optional<Value> value;
        std::exception_ptr error;
        try {
            value.emplace(load());
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        flight->done = true;
        flight->error = error;
        flight->expires = Clock::now() + ttl_;
        if (value) flight->value = *value;
        auto it = entries_.find(key);
        // An invalidate() during the load erased the entry: answer the caller, keep nothing.
        if (it != entries_.end() && it->second.flight == flight) {
            if (error) {
                entries_.erase(it);
            } else {
                it->second.loading = false;
                it->second.value = *value;
                it->second.expires = flight->expires;
                it->second.flight.reset();
            }
        }
        loaded_.notify_all();
        if (error) std::rethrow_exception(error);
        return {std::move(*value), flight->expires};
    }

    void invalidate(const Key& key) {
        std::lock_guard lock(mutex_);
        entries_.erase(key);
    }
    void clear() {
        std::lock_guard lock(mutex_);
        entries_.clear();
    }
    std::uint64_t hits() const {
        std::lock_guard lock(mutex_);
        return hits_;
    }
    std::uint64_t misses() const {
        std::lock_guard lock(mutex_);
        return misses_;
    }

  private:
    struct Flight {
        bool done = false;
        std::exception_ptr error;
        std::optional<Value> value;
        Clock::time_point expires{};
    };
    struct Entry {
        bool loading = false;
        std::shared_ptr<Flight> flight;
        std::optional<Value> value;
        Clock::time_point expires{};
    };

    Clock::duration ttl_;
    mutable std::mutex mutex_;
    std::condition_variable loaded_;
    std::map<Key, Entry> entries_;
    std::uint64_t hits_ = 0;
    std::uint64_t misses_ = 0;
};

}  // namespace decnet::api
