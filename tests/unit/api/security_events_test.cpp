#include "api/security_events.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace decnet::api {
namespace {

TEST(SecurityEvents, LoginLockoutIsOneEventPerSourceAndWindow) {
    std::vector<Event> published;
    SecurityEvents events([&](Event e) { published.push_back(std::move(e)); }, "sensor-1",
                          std::chrono::seconds(60));
    events.login_lockout("198.51.100.7", "admin", std::chrono::seconds(42));
    events.login_lockout("198.51.100.7", "root", std::chrono::seconds(41));  // same source
    events.login_lockout("198.51.100.8", "admin", std::chrono::seconds(40));

    ASSERT_EQ(published.size(), 2u);
    EXPECT_EQ(events.throttled(), 1u);
    const Event& first = published[0];
    EXPECT_EQ(first.decky, "sensor-1");
    EXPECT_EQ(first.service, "api");
    EXPECT_EQ(first.event_type, "login_lockout");
    EXPECT_EQ(first.severity, Severity::warning);
    EXPECT_EQ(first.src_ip, "198.51.100.7");
    ASSERT_NE(first.find("username"), nullptr);
    EXPECT_EQ(*first.find("username"), "admin");
    EXPECT_EQ(*first.find("retry_after"), "42");
    EXPECT_EQ(published[1].src_ip, "198.51.100.8");
}

TEST(SecurityEvents, AFailingPublisherDoesNotThrow) {
    SecurityEvents events([](Event) { throw std::runtime_error("database is locked"); }, "h");
    EXPECT_NO_THROW(events.login_lockout("192.0.2.1", "admin", std::chrono::seconds(1)));
}

}  // namespace
}  // namespace decnet::api
