// EventBus and Subscription: bounded per-subscriber queues with drop counting.
#include "events/event_bus.hpp"

#include <algorithm>
#include <stdexcept>

namespace decnet {

Subscription::Subscription(std::string name, std::size_t capacity)
    : name_(std::move(name)), capacity_(std::max<std::size_t>(capacity, 1)) {
    pending_.reserve(capacity_);
}

bool Subscription::offer(const EventPtr& event) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        ++offered_;
        if (closed_ || pending_.size() >= capacity_) {
            ++dropped_;
            return false;
        }
        // A consumer only sleeps on an empty queue, so only the first event wakes it.
        wake = pending_.empty() && waiters_ > 0;
        pending_.push_back(event);
    }
    if (wake) ready_.notify_one();
    return true;
}

std::size_t Subscription::pop_batch(std::vector<EventPtr>& batch,
                                    std::chrono::milliseconds timeout) {
    // Release the previous batch and size the spare buffer before taking the lock, so
    // that the publishers' side of the swap never has to grow.
    batch.clear();
    if (batch.capacity() < capacity_) batch.reserve(capacity_);
    std::unique_lock lock(mutex_);
    const auto ready = [this] { return !pending_.empty() || closed_; };
    if (busy_ && !ready() && timeout > kBusyLinger) {
        // Not counted in waiters_, so publishers do not notify; close() still does.
        ready_.wait_for(lock, kBusyLinger, [this] { return closed_; });
        timeout -= kBusyLinger;
    }
    if (!ready() && timeout.count() > 0) {
        ++waiters_;
        ready_.wait_for(lock, timeout, ready);
        --waiters_;
    }
    pending_.swap(batch);
    delivered_ += batch.size();
    busy_ = !batch.empty();
    return batch.size();
}

std::size_t Subscription::try_pop_batch(std::vector<EventPtr>& batch) {
    return pop_batch(batch, std::chrono::milliseconds{0});
}

bool Subscription::finished() const {
    std::lock_guard lock(mutex_);
    return closed_ && pending_.empty();
}

bool Subscription::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

SubscriberStats Subscription::stats() const {
    std::lock_guard lock(mutex_);
    return {name_, capacity_, pending_.size(), offered_, delivered_, dropped_};
}

void Subscription::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    ready_.notify_all();
}

EventBus::EventBus() {
    lists_.push_back(std::make_unique<const SubscriberList>());
    subscribers_.store(lists_.back().get(), std::memory_order_release);
}

// Consumers may outlive the bus (they share their Subscription); closing lets them finish.
EventBus::~EventBus() {
    close();
}

void EventBus::replace_list(SubscriberList next) {
    lists_.push_back(std::make_unique<const SubscriberList>(std::move(next)));
    subscribers_.store(lists_.back().get(), std::memory_order_release);
}

std::shared_ptr<Subscription> EventBus::subscribe(std::string name, std::size_t capacity) {
    std::lock_guard lock(change_mutex_);
    const auto& current = *subscribers_.load(std::memory_order_acquire);
    for (const auto& existing : current) {
        if (existing->name() == name) {
            throw std::invalid_argument("event bus: subscriber '" + name + "' already exists");
        }
    }
    auto subscription = std::make_shared<Subscription>(std::move(name), capacity);
    SubscriberList next = current;
    next.push_back(subscription);
    replace_list(std::move(next));
    return subscription;
}

bool EventBus::unsubscribe(std::string_view name) {
    std::lock_guard lock(change_mutex_);
    SubscriberList next = *subscribers_.load(std::memory_order_acquire);
    const auto it =
        std::find_if(next.begin(), next.end(), [&](const auto& s) { return s->name() == name; });
    if (it == next.end()) return false;
    (*it)->close();
    next.erase(it);
    replace_list(std::move(next));
    return true;
}

std::size_t EventBus::publish(EventPtr event) {
    published_.fetch_add(1, std::memory_order_relaxed);
    const auto& subscribers = *subscribers_.load(std::memory_order_acquire);
    if (subscribers.empty()) {
        unrouted_.fetch_add(1, std::memory_order_relaxed);
        return 0;
    }
    std::size_t accepted = 0;
    for (const auto& subscription : subscribers) accepted += subscription->offer(event);
    return accepted;
}

void EventBus::close() {
    std::lock_guard lock(change_mutex_);
    for (const auto& subscription : *subscribers_.load(std::memory_order_acquire)) {
        subscription->close();
    }
    replace_list({});
}

EventBusStats EventBus::stats() const {
    EventBusStats stats;
    stats.published = published_.load(std::memory_order_relaxed);
    stats.unrouted = unrouted_.load(std::memory_order_relaxed);
    for (const auto& subscription : *subscribers_.load(std::memory_order_acquire)) {
        stats.subscribers.push_back(subscription->stats());
    }
    return stats;
}

}  // namespace decnet
