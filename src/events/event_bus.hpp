// EventBus: fan-out of every Event to named subscribers (sinks, ingester, live hub,
// intel) through one bounded queue each. Publishing never waits for a consumer: when a
// subscriber's queue is full the event is dropped for that subscriber only, and counted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.hpp"

namespace decnet {

// Events are immutable once published and shared by every subscriber that takes them.
using EventPtr = std::shared_ptr<const Event>;

inline constexpr std::size_t kDefaultSubscriberCapacity = 65536;

struct SubscriberStats {
    std::string name;
    std::size_t capacity = 0;
    std::size_t depth = 0;        // queued, not yet taken
    std::uint64_t offered = 0;    // = delivered + dropped + depth
    std::uint64_t delivered = 0;  // handed to the consumer
    std::uint64_t dropped = 0;    // refused: queue full, or subscription closed
};

struct EventBusStats {
    std::uint64_t published = 0;
    std::uint64_t unrouted = 0;  // published while nobody was subscribed
    std::vector<SubscriberStats> subscribers;
};

// One consumer's bounded queue. The consumer takes whole batches on its own thread; the
// hand-over swaps two vectors, so neither side allocates per event and a publisher never
// waits behind a long copy.
class Subscription {
  public:
    Subscription(std::string name, std::size_t capacity);
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    const std::string& name() const { return name_; }
    std::size_t capacity() const { return capacity_; }

    // Replaces `batch` with every queued event (at most capacity()), waiting up to
    // `timeout` for the first one. Returns how many were taken: 0 on timeout, or once the
    // subscription is closed and drained. Keep reusing the same vector.
    // While events keep coming (the previous call took some), an empty queue is first
    // given kBusyLinger to fill without asking publishers to wake the consumer: a
    // consumer faster than its publishers would otherwise cost them a futex wake-up and
    // itself a sleep per event. Delivery is then at most kBusyLinger later.
    std::size_t pop_batch(std::vector<EventPtr>& batch, std::chrono::milliseconds timeout);
    std::size_t try_pop_batch(std::vector<EventPtr>& batch);

    // Closed (unsubscribed or bus closed) and nothing left to take: the consumer may stop.
    bool finished() const;
    bool closed() const;
    SubscriberStats stats() const;

    static constexpr std::chrono::milliseconds kBusyLinger{1};

  private:
    friend class EventBus;
    bool offer(const EventPtr& event);
    void close();

    const std::string name_;
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::vector<EventPtr> pending_;  // guarded by mutex_
    std::uint64_t offered_ = 0;      // guarded by mutex_
    std::uint64_t delivered_ = 0;    // guarded by mutex_
    std::uint64_t dropped_ = 0;      // guarded by mutex_
    int waiters_ = 0;                // guarded by mutex_
    bool busy_ = false;              // the last pop took events; guarded by mutex_
    bool closed_ = false;            // guarded by mutex_
};

class EventBus {
  public:
    EventBus();
    ~EventBus();  // closes every subscription
    EventBus(const EventBus&) = delete;
    EventBus& operator=(const EventBus&) = delete;

    // Names are unique (std::invalid_argument otherwise: a wiring bug). A subscription
    // sees the events published after it was made.
    std::shared_ptr<Subscription> subscribe(std::string name,
                                            std::size_t capacity = kDefaultSubscriberCapacity);
    // Stops delivery and closes the subscription so its consumer drains and stops.
    // Returns false when no subscriber has that name.
    bool unsubscribe(std::string_view name);

    // Offers the event to every subscriber; never blocks beyond each queue's short lock.
    // Returns how many subscribers accepted it.
    std::size_t publish(EventPtr event);
    std::size_t publish(Event event) {
        return publish(std::make_shared<const Event>(std::move(event)));
    }

    // Closes every subscription (consumers drain what is queued, then finish).
    void close();

    EventBusStats stats() const;

  private:
    using SubscriberList = std::vector<std::shared_ptr<Subscription>>;

    // Publishers read the list with one acquire load. Changes are copy-on-write under
    // change_mutex_; replaced lists are kept until the bus dies because a publisher may
    // still be walking one. Subscriptions are few and long-lived, so that costs little.
    std::atomic<const SubscriberList*> subscribers_;
    mutable std::mutex change_mutex_;
    std::vector<std::unique_ptr<const SubscriberList>> lists_;  // guarded by change_mutex_
    std::atomic<std::uint64_t> published_{0};
    std::atomic<std::uint64_t> unrouted_{0};

    void replace_list(SubscriberList next);  // requires change_mutex_
};

}  // namespace decnet
