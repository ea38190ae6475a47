// ExpiringLru: the prober's bounded memory (docs/PROBER.md). A map with a hard cap on
// entries (the least recently touched goes first) and an age after which an entry no
// longer counts, so an attacker spraying addresses can never grow the prober's state.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

namespace decnet::intel::prober {

using SteadyTime = std::chrono::steady_clock::time_point;

template <typename Value>
class ExpiringLru {
  public:
    ExpiringLru(std::size_t capacity, std::chrono::steady_clock::duration max_age)
        : capacity_(capacity == 0 ? 1 : capacity), max_age_(max_age) {}

    // The live entry for `key` (refreshed as most recently used), or nullptr when absent
    // or older than max_age (then it is removed).
    Value* find(const std::string& key, SteadyTime now) {
        const auto it = index_.find(key);
        if (it == index_.end()) return nullptr;
        if (now - it->second->born > max_age_) {
            order_.erase(it->second);
            index_.erase(it);
            return nullptr;
        }
        order_.splice(order_.begin(), order_, it->second);
        return &it->second->value;
    }

    // Inserts or replaces; the entry's age restarts at `now`. Evicts the least recently
    // used entry when full.
    Value& put(const std::string& key, Value value, SteadyTime now) {
        if (const auto it = index_.find(key); it != index_.end()) {
            it->second->value = std::move(value);
            it->second->born = now;
            order_.splice(order_.begin(), order_, it->second);
            return it->second->value;
        }
        while (index_.size() >= capacity_) {
            index_.erase(order_.back().key);
            order_.pop_back();
            ++evicted_;
        }
        order_.push_front(Node{key, std::move(value), now});
        index_.emplace(key, order_.begin());
        return order_.front().value;
    }

    std::size_t size() const { return index_.size(); }
    std::size_t capacity() const { return capacity_; }
    std::size_t evicted() const { return evicted_; }

  private:
    struct Node {
        std::string key;
        Value value;
        SteadyTime born;
    };
    std::size_t capacity_;
    std::chrono::steady_clock::duration max_age_;
    std::list<Node> order_;  // most recently used first
    std::unordered_map<std::string, typename std::list<Node>::iterator> index_;
    std::size_t evicted_ = 0;
};

}  // namespace decnet::intel::prober
