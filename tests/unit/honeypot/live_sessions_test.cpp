// The per-source limit evicts instead of refusing: one source over max_sessions_per_source
// loses its longest-idle session and the new connection is served. Redis on 127.99.63.0/24.
#include "honeypot/live_sessions.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

#include "events/event_bus.hpp"
#include "honeypot/runtime.hpp"
#include "support/tcp_probe.hpp"

namespace decnet::honeypot {
namespace {

using decnet::testing::connect_to;
using decnet::testing::ping;

// True when the server closed the connection (end of stream) within the receive timeout.
bool closed_by_server(int fd) {
    char byte;
    return ::recv(fd, &byte, 1, 0) == 0;
}

void settle() {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

TEST(LiveSessions, AtTheLimitTheLongestIdleSessionIsEvicted) {
    boost::asio::io_context io;
    SourceSessions sources(2);
    const auto a = sources.admit("198.51.100.7", io.get_executor());
    settle();
    const auto b = sources.admit("198.51.100.7", io.get_executor());
    settle();
    a.session->touch();  // b is now the idlest
    const auto other = sources.admit("203.0.113.1", io.get_executor());
    EXPECT_FALSE(other.evicted);
    const auto c = sources.admit("198.51.100.7", io.get_executor());
    ASSERT_TRUE(c.session);
    EXPECT_TRUE(c.evicted);
    EXPECT_EQ(sources.count("198.51.100.7"), 2u);

    sources.release(b.session);  // b's session ends after its eviction: nothing changes
    EXPECT_EQ(sources.count("198.51.100.7"), 2u);
    sources.release(a.session);
    sources.release(c.session);
    EXPECT_EQ(sources.count("198.51.100.7"), 0u);
    EXPECT_EQ(sources.count("203.0.113.1"), 1u);
    EXPECT_EQ(io.poll(), 1u);  // b's eviction, posted to its executor
}

TEST(LiveSessions, ALimitOfZeroRefuses) {
    boost::asio::io_context io;
    SourceSessions sources(0);
    EXPECT_FALSE(sources.admit("198.51.100.7", io.get_executor()).session);
}

TEST(LiveSessions, RuntimeEvictsTheIdlestSessionAndServesTheNewOne) {
    EventBus bus;
    SessionLimits limits;
    limits.max_sessions_per_source = 3;
    Runtime runtime(bus, limits, 2);
    runtime.start();
    DeckyConfig decky;
    decky.name = "ev";
    decky.ip = "127.99.63.1";
    decky.hostname = "ev";
    decky.services = {"redis"};
    runtime.add_decky(decky);

    int fds[3];
    for (int& fd : fds) {
        fd = connect_to("127.99.63.1", 6379);
        ASSERT_GE(fd, 0);
        EXPECT_EQ(ping(fd), "+PONG\r\n");
        settle();
    }
    EXPECT_EQ(ping(fds[0]), "+PONG\r\n");  // the oldest is busy: fds[1] is the idlest

    const int fresh = connect_to("127.99.63.1", 6379);
    ASSERT_GE(fresh, 0);
    EXPECT_EQ(ping(fresh), "+PONG\r\n");
    EXPECT_TRUE(closed_by_server(fds[1]));
    EXPECT_EQ(ping(fds[0]), "+PONG\r\n");
    EXPECT_EQ(ping(fds[2]), "+PONG\r\n");
    EXPECT_EQ(runtime.stats().evicted_source_limit, 1u);
    EXPECT_EQ(runtime.stats().rejected_source_limit, 0u);

    // Far more connections than the limit, one after another, are all served.
    std::vector<int> more;
    for (int i = 0; i < 10; ++i) {
        more.push_back(connect_to("127.99.63.1", 6379));
        ASSERT_GE(more.back(), 0);
        EXPECT_EQ(ping(more.back()), "+PONG\r\n") << "connection " << i;
    }
    EXPECT_EQ(runtime.stats().evicted_source_limit, 11u);
    for (int i = 0; i < 200 && runtime.stats().sessions_active > 3; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(runtime.stats().sessions_active, 3u);
    for (const int fd : fds) ::close(fd);
    for (const int fd : more) ::close(fd);
    ::close(fresh);
    runtime.stop();
}

}  // namespace
}  // namespace decnet::honeypot
