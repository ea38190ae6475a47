// Session::wait_budget and Session::pause: an emulator's own waits never outlast the
// session's deadline, and end at once when the limits say so (the fuzz targets).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>

#include "honeypot/session.hpp"

namespace decnet::honeypot {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A Session over one end of a socket pair, as the fuzz harness drives it.
struct PairedSession {
    asio::io_context io;
    ServiceContext context;
    SessionLimits limits;
    int peer_fd = -1;
    std::unique_ptr<Session> session;

    explicit PairedSession(SessionLimits chosen) : limits(chosen) {
        int fds[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        asio::ip::tcp::socket socket(io);
        socket.assign(asio::ip::tcp::v4(), fds[0]);
        peer_fd = fds[1];
        const asio::ip::tcp::endpoint peer(asio::ip::make_address("203.0.113.9"), 40000);
        session = std::make_unique<Session>(std::move(socket), peer, context, limits);
    }
    ~PairedSession() {
        session.reset();
        ::close(peer_fd);
    }
    // How long pause(wanted) took on the session's executor.
    std::chrono::milliseconds timed_pause(std::chrono::milliseconds wanted) {
        const auto started = std::chrono::steady_clock::now();
        bool done = false;
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                co_await session->pause(wanted);
                done = true;
            },
            asio::detached);
        io.run_for(5s);
        EXPECT_TRUE(done);
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
    }
};

TEST(SessionWaits, AShortPauseIsWaitedInFull) {
    PairedSession paired({});
    EXPECT_EQ(paired.session->wait_budget(250ms), 250ms);
    const auto took = paired.timed_pause(100ms);
    EXPECT_GE(took, 100ms);
    EXPECT_LT(took, 1000ms);
}

TEST(SessionWaits, NoWaitOutlastsTheSessionsDeadline) {
    SessionLimits limits;
    limits.max_session_time = 1s;
    PairedSession paired(limits);
    const auto budget = paired.session->wait_budget(10s);
    EXPECT_LE(budget, 1000ms);
    EXPECT_GT(budget, 500ms);
    const auto took = paired.timed_pause(10s);  // mongod's awaited hello asks for 10 s
    EXPECT_GE(took, 500ms);
    EXPECT_LT(took, 2000ms);
    EXPECT_EQ(paired.session->wait_budget(10s), 0ms);  // the deadline has passed
}

TEST(SessionWaits, InstantWaitsEndAtOnce) {
    SessionLimits limits;
    limits.instant_waits = true;
    PairedSession paired(limits);
    EXPECT_EQ(paired.session->wait_budget(30s), 0ms);
    EXPECT_LT(paired.timed_pause(2s), 100ms);
}

}  // namespace
}  // namespace decnet::honeypot
