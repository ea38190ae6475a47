// EventBus: fan-out, drop counting on a full subscriber, close/unsubscribe, and a
// multi-producer stress run with exact accounting.
#include "events/event_bus.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace decnet {
namespace {

using namespace std::chrono_literals;

EventPtr make_event(std::string type, int n = 0) {
    Event event;
    event.event_type = std::move(type);
    event.src_port = static_cast<std::uint16_t>(n);
    return std::make_shared<const Event>(std::move(event));
}

TEST(EventBus, FansOutToEverySubscriberInOrder) {
    EventBus bus;
    auto ingester = bus.subscribe("ingester", 16);
    auto live = bus.subscribe("live", 16);
    EXPECT_EQ(bus.publish(make_event("a")), 2u);
    EXPECT_EQ(bus.publish(make_event("b")), 2u);

    for (const auto& subscription : {ingester, live}) {
        std::vector<EventPtr> batch;
        ASSERT_EQ(subscription->pop_batch(batch, 100ms), 2u);
        EXPECT_EQ(batch[0]->event_type, "a");
        EXPECT_EQ(batch[1]->event_type, "b");
    }
    const auto stats = bus.stats();
    EXPECT_EQ(stats.published, 2u);
    ASSERT_EQ(stats.subscribers.size(), 2u);
    EXPECT_EQ(stats.subscribers[0].name, "ingester");
    EXPECT_EQ(stats.subscribers[0].delivered, 2u);
    EXPECT_EQ(stats.subscribers[1].name, "live");
    EXPECT_EQ(stats.subscribers[1].delivered, 2u);
}

TEST(EventBus, SubscribersShareOneEventObject) {
    EventBus bus;
    auto a = bus.subscribe("a", 4);
    auto b = bus.subscribe("b", 4);
    bus.publish(Event{});
    std::vector<EventPtr> batch_a, batch_b;
    ASSERT_EQ(a->try_pop_batch(batch_a), 1u);
    ASSERT_EQ(b->try_pop_batch(batch_b), 1u);
    EXPECT_EQ(batch_a[0].get(), batch_b[0].get());
}

TEST(EventBus, FullSubscriberDropsAndIsCountedOthersUnaffected) {
    EventBus bus;
    auto slow = bus.subscribe("slow", 3);
    auto fast = bus.subscribe("fast", 100);
    for (int i = 0; i < 10; ++i) bus.publish(make_event("e", i));

    std::vector<EventPtr> batch;
    ASSERT_EQ(slow->try_pop_batch(batch), 3u);
    EXPECT_EQ(batch[2]->src_port, 2);  // the newest are the ones dropped
    ASSERT_EQ(fast->try_pop_batch(batch), 10u);

    const auto slow_stats = slow->stats();
    EXPECT_EQ(slow_stats.offered, 10u);
    EXPECT_EQ(slow_stats.delivered, 3u);
    EXPECT_EQ(slow_stats.dropped, 7u);
    EXPECT_EQ(slow_stats.depth, 0u);
    EXPECT_EQ(fast->stats().dropped, 0u);

    // Once drained the slow subscriber accepts again.
    EXPECT_EQ(bus.publish(make_event("later")), 2u);
    EXPECT_EQ(slow->stats().depth, 1u);
}

TEST(EventBus, PopTimesOutWhenIdle) {
    EventBus bus;
    auto sub = bus.subscribe("idle", 4);
    std::vector<EventPtr> batch;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(sub->pop_batch(batch, 20ms), 0u);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 15ms);
    EXPECT_EQ(sub->try_pop_batch(batch), 0u);
}

TEST(EventBus, BlockedConsumerWakesOnPublish) {
    EventBus bus;
    auto sub = bus.subscribe("waiter", 4);
    std::vector<EventPtr> batch;
    std::thread consumer([&] { sub->pop_batch(batch, 5s); });
    std::this_thread::sleep_for(20ms);
    const auto start = std::chrono::steady_clock::now();
    bus.publish(make_event("wake"));
    consumer.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    ASSERT_EQ(batch.size(), 1u);
    EXPECT_EQ(batch[0]->event_type, "wake");
}

// A consumer that just took events lingers before asking to be woken; what is published
// meanwhile is still delivered by that call, and the idle consumer is woken as before.
TEST(EventBus, BusyConsumerGetsEventsPublishedWhileItLingers) {
    EventBus bus;
    auto sub = bus.subscribe("busy", 16);
    std::vector<EventPtr> batch;
    bus.publish(make_event("first"));
    ASSERT_EQ(sub->pop_batch(batch, 1s), 1u);  // busy now
    std::thread producer([&] {
        bus.publish(make_event("during"));
        std::this_thread::sleep_for(20ms);
        bus.publish(make_event("later"));
    });
    std::vector<std::string> seen;
    for (int i = 0; i < 10 && seen.size() < 2; ++i) {
        sub->pop_batch(batch, 5s);
        for (const auto& e : batch) seen.push_back(e->event_type);
    }
    producer.join();
    EXPECT_EQ(seen, (std::vector<std::string>{"during", "later"}));
}

TEST(EventBus, CloseEndsABusyConsumersLinger) {
    EventBus bus;
    auto sub = bus.subscribe("busy", 16);
    std::vector<EventPtr> batch;
    bus.publish(make_event("first"));
    ASSERT_EQ(sub->pop_batch(batch, 1s), 1u);
    std::thread closer([&] {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        bus.close();
    });
    const auto start = std::chrono::steady_clock::now();
    while (!sub->finished() && std::chrono::steady_clock::now() - start < 5s)
        sub->pop_batch(batch, 10s);
    closer.join();
    EXPECT_TRUE(sub->finished());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(EventBus, DuplicateNameIsAWiringBug) {
    EventBus bus;
    auto a = bus.subscribe("same");
    EXPECT_THROW(bus.subscribe("same"), std::invalid_argument);
}

TEST(EventBus, UnsubscribeClosesAndConsumerDrainsTheRest) {
    EventBus bus;
    auto sub = bus.subscribe("leaving", 8);
    bus.publish(make_event("x"));
    EXPECT_TRUE(bus.unsubscribe("leaving"));
    EXPECT_FALSE(bus.unsubscribe("leaving"));
    EXPECT_TRUE(sub->closed());
    EXPECT_FALSE(sub->finished());
    std::vector<EventPtr> batch;
    EXPECT_EQ(sub->pop_batch(batch, 1s), 1u);
    EXPECT_TRUE(sub->finished());
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(sub->pop_batch(batch, 5s), 0u);  // closed: no waiting
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);

    EXPECT_EQ(bus.publish(make_event("y")), 0u);
    EXPECT_EQ(bus.stats().unrouted, 1u);
    EXPECT_TRUE(bus.stats().subscribers.empty());
}

TEST(EventBus, CloseWakesWaitingConsumers) {
    EventBus bus;
    auto sub = bus.subscribe("w", 8);
    std::vector<EventPtr> batch;
    std::thread consumer([&] {
        while (!sub->finished()) sub->pop_batch(batch, 10s);
    });
    std::this_thread::sleep_for(20ms);
    const auto start = std::chrono::steady_clock::now();
    bus.close();
    consumer.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(EventBus, DestroyingTheBusClosesSubscriptions) {
    std::shared_ptr<Subscription> sub;
    {
        EventBus bus;
        sub = bus.subscribe("outlives", 4);
        bus.publish(Event{});
    }
    EXPECT_TRUE(sub->closed());
    std::vector<EventPtr> batch;
    EXPECT_EQ(sub->pop_batch(batch, 1s), 1u);
    EXPECT_TRUE(sub->finished());
}

// Several producers, two consumers (one deliberately slow with a small queue): nothing
// is lost without being counted.
TEST(EventBus, MultiProducerStressExactAccounting) {
    constexpr int kProducers = 6;
    constexpr int kPerProducer = 50000;
    EventBus bus;
    auto fast = bus.subscribe("fast", 1 << 16);
    auto slow = bus.subscribe("slow", 64);

    struct Seen {
        std::uint64_t count = 0;
        std::vector<int> last_per_producer = std::vector<int>(kProducers, -1);
        bool ordered = true;
    };
    auto consume = [](Subscription& sub, Seen& seen, bool slow_down) {
        std::vector<EventPtr> batch;
        while (!sub.finished()) {
            sub.pop_batch(batch, 50ms);
            for (const auto& event : batch) {
                const int producer = std::stoi(event->decky);
                const int n = event->src_port * 1000 + std::stoi(event->event_type);
                seen.ordered &= n > seen.last_per_producer[producer];
                seen.last_per_producer[producer] = n;
            }
            seen.count += batch.size();
            if (slow_down) std::this_thread::sleep_for(200us);
        }
    };
    Seen fast_seen, slow_seen;
    std::thread fast_consumer(consume, std::ref(*fast), std::ref(fast_seen), false);
    std::thread slow_consumer(consume, std::ref(*slow), std::ref(slow_seen), true);

    std::atomic<std::uint64_t> accepted{0};
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p) {
        producers.emplace_back([&, p] {
            for (int i = 0; i < kPerProducer; ++i) {
                Event event;
                event.decky = std::to_string(p);
                event.src_port = static_cast<std::uint16_t>(i / 1000);
                event.event_type = std::to_string(i % 1000);
                accepted += bus.publish(std::move(event));
            }
        });
    }
    for (auto& t : producers) t.join();
    bus.close();
    fast_consumer.join();
    slow_consumer.join();

    const auto fast_stats = fast->stats();
    const auto slow_stats = slow->stats();
    const std::uint64_t published = kProducers * kPerProducer;
    EXPECT_EQ(bus.stats().published, published);
    for (const auto& stats : {fast_stats, slow_stats}) {
        EXPECT_EQ(stats.offered, published) << stats.name;
        EXPECT_EQ(stats.delivered + stats.dropped, published) << stats.name;
        EXPECT_EQ(stats.depth, 0u) << stats.name;
    }
    EXPECT_EQ(fast_seen.count, fast_stats.delivered);
    EXPECT_EQ(slow_seen.count, slow_stats.delivered);
    EXPECT_EQ(accepted.load(), fast_stats.delivered + slow_stats.delivered);
    EXPECT_TRUE(fast_seen.ordered);  // per-producer order is kept
    EXPECT_TRUE(slow_seen.ordered);
    EXPECT_GT(slow_stats.dropped, 0u);  // the small queue really overflowed
}

}  // namespace
}  // namespace decnet
