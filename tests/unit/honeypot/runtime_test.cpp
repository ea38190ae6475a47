// Live changes to a running Runtime: removing a decky closes its ports while its open
// sessions finish; swapping services leaves other deckies alone; events are counted.
// Uses redis (6379, no privilege needed) on 127.99.12.0/24.
#include "honeypot/runtime.hpp"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "core/error.hpp"
#include "events/event_bus.hpp"
#include "support/tcp_probe.hpp"

namespace decnet::honeypot {
namespace {

using decnet::testing::connect_to;
using decnet::testing::ping;

DeckyConfig redis_decky(const std::string& name, const std::string& ip) {
    DeckyConfig d;
    d.name = name;
    d.ip = ip;
    d.hostname = name;
    d.services = {"redis"};
    return d;
}

TEST(RuntimeLive, RemovedDeckyRefusesNewConnectionsButOpenSessionsFinish) {
    EventBus bus;
    Runtime runtime(bus, {}, 2);
    runtime.start();
    runtime.add_decky(redis_decky("a", "127.99.12.1"));
    runtime.add_decky(redis_decky("b", "127.99.12.2"));
    const int open = connect_to("127.99.12.1", 6379);
    ASSERT_GE(open, 0);
    EXPECT_EQ(ping(open), "+PONG\r\n");

    EXPECT_TRUE(runtime.remove_decky("a"));
    EXPECT_FALSE(runtime.remove_decky("a"));
    EXPECT_EQ(connect_to("127.99.12.1", 6379), -1);
    EXPECT_EQ(ping(open), "+PONG\r\n");  // the session outlives its listener
    ::close(open);

    const int other = connect_to("127.99.12.2", 6379);
    ASSERT_GE(other, 0);
    EXPECT_EQ(ping(other), "+PONG\r\n");
    ::close(other);
    ASSERT_EQ(runtime.deckies().size(), 1u);
    EXPECT_EQ(runtime.deckies()[0].name, "b");
    EXPECT_GE(runtime.deckies()[0].events, 1u);
    runtime.stop();
}

TEST(RuntimeLive, ReplaceServicesSwapsListenersAndKeepsCounters) {
    EventBus bus;
    Runtime runtime(bus, {}, 2);
    runtime.start();
    runtime.add_decky(redis_decky("a", "127.99.12.3"));
    const int fd = connect_to("127.99.12.3", 6379);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(ping(fd), "+PONG\r\n");
    ::close(fd);

    // No emulator of its own for https yet: the decky keeps nothing listening, and says so.
    const auto report = runtime.replace_services("a", {"https"});
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->listening.empty());
    EXPECT_THAT(report->unavailable, ::testing::ElementsAre("a/https"));
    EXPECT_EQ(connect_to("127.99.12.3", 6379), -1);

    ASSERT_TRUE(runtime.replace_services("a", {"redis"}));
    const int again = connect_to("127.99.12.3", 6379);
    ASSERT_GE(again, 0);
    EXPECT_EQ(ping(again), "+PONG\r\n");
    ::close(again);
    EXPECT_FALSE(runtime.replace_services("nope", {"redis"}));
    EXPECT_GE(runtime.deckies()[0].events, 2u);
    runtime.stop();
}

TEST(RuntimeLive, AddingATakenNameOrPortFailsCleanly) {
    EventBus bus;
    Runtime runtime(bus, {}, 1);
    runtime.start();
    runtime.add_decky(redis_decky("a", "127.99.12.4"));
    EXPECT_THROW(runtime.add_decky(redis_decky("a", "127.99.12.5")), ConfigError);
    EXPECT_THROW(runtime.add_decky(redis_decky("b", "127.99.12.4")), ConfigError);
    EXPECT_EQ(runtime.deckies().size(), 1u);
    runtime.stop();
}

// With two I/O threads a port is two sockets in one SO_REUSEPORT group, which would
// silently join any other SO_REUSEPORT socket of the same user on that port: both a second
// decky on the address and a stranger's socket must still be refused.
TEST(RuntimeLive, APortTakenByAnyoneFailsWithEveryThreadListening) {
    EventBus bus;
    Runtime runtime(bus, {}, 2);
    runtime.start();
    runtime.add_decky(redis_decky("a", "127.99.12.7"));
    EXPECT_THROW(runtime.add_decky(redis_decky("b", "127.99.12.7")), ConfigError);

    const int stranger = ::socket(AF_INET, SOCK_STREAM, 0);
    const int on = 1;
    ASSERT_EQ(setsockopt(stranger, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on), 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(6379);
    inet_pton(AF_INET, "127.99.12.8", &address.sin_addr);
    ASSERT_EQ(::bind(stranger, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(stranger, 8), 0);
    EXPECT_THROW(runtime.add_decky(redis_decky("c", "127.99.12.8")), ConfigError);
    ::close(stranger);
    runtime.add_decky(redis_decky("c", "127.99.12.8"));  // free again: taken at once
    EXPECT_EQ(runtime.deckies().size(), 2u);
    runtime.stop();
}

// The kernel spreads connections over the group by address and port: every thread's
// socket must be accepting, or some of these would hang unanswered.
TEST(RuntimeLive, EveryThreadsSocketIsAnswered) {
    EventBus bus;
    Runtime runtime(bus, {}, 2);
    runtime.start();
    runtime.add_decky(redis_decky("a", "127.99.12.9"));
    int answered = 0;
    for (int i = 0; i < 64; ++i) {
        const int fd = connect_to("127.99.12.9", 6379);
        if (fd >= 0 && ping(fd) == "+PONG\r\n") ++answered;
        if (fd >= 0) ::close(fd);
    }
    EXPECT_EQ(answered, 64);
    runtime.stop();
}

// The session ends on the client's FIN and closes without shutdown(): the client still
// reads a clean end of stream (FIN), not a reset, and the session is released.
TEST(RuntimeLive, HalfClosedClientGetsAFinWhenTheSessionEnds) {
    EventBus bus;
    Runtime runtime(bus, {}, 2);
    runtime.start();
    runtime.add_decky(redis_decky("a", "127.99.12.6"));
    const int fd = connect_to("127.99.12.6", 6379);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(ping(fd), "+PONG\r\n");
    ASSERT_EQ(::shutdown(fd, SHUT_WR), 0);
    char byte;
    errno = 0;
    EXPECT_EQ(::recv(fd, &byte, 1, 0), 0) << "errno " << errno;  // FIN, not ECONNRESET
    ::close(fd);
    for (int i = 0; i < 200 && runtime.stats().sessions_active > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(runtime.stats().sessions_active, 0u);
    EXPECT_EQ(runtime.stats().sessions_total, 1u);
    runtime.stop();
}

}  // namespace
}  // namespace decnet::honeypot
