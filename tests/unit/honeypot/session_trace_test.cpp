// Session spans over a real loopback connection: one honeypot.session per connection
// (server, new trace, bytes_in and close_reason), one honeypot.event child per emitted
// event whose context is the event's trace; with tracing off, events carry no trace.
// Uses redis (6379) on 127.99.13.0/24.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "events/event_bus.hpp"
#include "honeypot/runtime.hpp"
#include "unit/telemetry/tracing_fixture.hpp"

namespace decnet::honeypot {
namespace {

using telemetry::testing::attribute;
using telemetry::testing::find_span;

// One redis AUTH from a blocking client; returns once the server answered and the
// connection is closed by us.
void redis_auth(const std::string& ip) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(6379);
    inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const std::string command = "AUTH someone secret\r\n";
    ASSERT_GT(::send(fd, command.data(), command.size(), MSG_NOSIGNAL), 0);
    char buffer[64];
    EXPECT_GT(::recv(fd, buffer, sizeof buffer, 0), 0);
    ::close(fd);
}

DeckyConfig redis_decky(const std::string& name, const std::string& ip) {
    DeckyConfig d;
    d.name = name;
    d.ip = ip;
    d.hostname = name;
    d.services = {"redis"};
    return d;
}

// Events of one connection: up to `count`, waiting at most 5 s.
std::vector<EventPtr> take(Subscription& subscription, std::size_t count) {
    std::vector<EventPtr> events, batch;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (events.size() < count && std::chrono::steady_clock::now() < deadline) {
        subscription.pop_batch(batch, std::chrono::milliseconds(100));
        events.insert(events.end(), batch.begin(), batch.end());
        batch.clear();
    }
    return events;
}

class SessionTrace : public telemetry::testing::TracingTest {};

TEST_F(SessionTrace, OneSessionSpanParentsOneSpanPerEvent) {
    EventBus bus;
    auto subscription = bus.subscribe("test");
    Runtime runtime(bus, {}, 1);
    runtime.start();
    runtime.add_decky(redis_decky("traced", "127.99.13.1"));
    redis_auth("127.99.13.1");
    const auto events = take(*subscription, 4);  // connect, command, auth, disconnect
    // The session span ends after the last event, when the coroutine finishes.
    for (int i = 0; i < 100 && runtime.stats().sessions_active > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    runtime.stop();
    ASSERT_EQ(events.size(), 4u);

    const auto spans = exported();
    const auto* session = find_span(spans, "honeypot.session");
    ASSERT_NE(session, nullptr);
    EXPECT_EQ(session->at("kind"), 2);
    EXPECT_FALSE(session->contains("parentSpanId") && (*session)["parentSpanId"] != "");
    EXPECT_EQ(attribute(*session, "decky").at("stringValue"), "traced");
    EXPECT_EQ(attribute(*session, "service").at("stringValue"), "redis");
    EXPECT_EQ(attribute(*session, "attacker_ip").at("stringValue"), "127.0.0.1");
    EXPECT_EQ(attribute(*session, "bytes_in").at("intValue"), "21");
    EXPECT_EQ(attribute(*session, "close_reason").at("stringValue"), "peer_closed");
    for (const auto& event : events) {
        ASSERT_TRUE(event->trace.valid()) << event->event_type;
        EXPECT_EQ(event->trace.trace_id_hex(), session->at("traceId"));
        bool found = false;
        for (const auto& span : spans)
            if (span.at("name") == "honeypot.event" &&
                span.at("spanId") == event->trace.span_id_hex()) {
                found = true;
                EXPECT_EQ(span.at("parentSpanId"), session->at("spanId"));
                EXPECT_EQ(attribute(span, "event_type").at("stringValue"), event->event_type);
            }
        EXPECT_TRUE(found) << event->event_type;
    }
}

TEST_F(SessionTrace, AnIdlePeerEndsWithIdleTimeout) {
    EventBus bus;
    SessionLimits limits;
    limits.idle_timeout = std::chrono::seconds(1);
    Runtime runtime(bus, limits, 1);
    runtime.start();
    runtime.add_decky(redis_decky("idle", "127.99.13.3"));
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(6379);
    inet_pton(AF_INET, "127.99.13.3", &addr.sin_addr);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    for (int i = 0; i < 150 && runtime.stats().sessions_active == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (int i = 0; i < 150 && runtime.stats().sessions_active > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::close(fd);
    runtime.stop();
    const auto spans = exported();
    const auto* session = find_span(spans, "honeypot.session");
    ASSERT_NE(session, nullptr);
    EXPECT_EQ(attribute(*session, "close_reason").at("stringValue"), "idle_timeout");
    EXPECT_EQ(attribute(*session, "bytes_in").at("intValue"), "0");
}

TEST(SessionTraceOff, EventsCarryNoTraceWhenTracingIsOff) {
    ASSERT_FALSE(telemetry::tracing_enabled());
    EventBus bus;
    auto subscription = bus.subscribe("test");
    Runtime runtime(bus, {}, 1);
    runtime.start();
    runtime.add_decky(redis_decky("untraced", "127.99.13.2"));
    redis_auth("127.99.13.2");
    const auto events = take(*subscription, 4);
    runtime.stop();
    ASSERT_EQ(events.size(), 4u);
    for (const auto& event : events) EXPECT_FALSE(event->trace.valid());
}

}  // namespace
}  // namespace decnet::honeypot
