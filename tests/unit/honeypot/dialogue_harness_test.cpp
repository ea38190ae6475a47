// The dialogue harness itself (tests/support/dialogue.hpp): a hung emulator or a silent
// one fails the test instead of hanging it, and an emulator's exception is reported.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using namespace std::chrono_literals;

boost::asio::awaitable<void> hang(Session& s) {
    boost::asio::steady_timer timer(s.executor(), std::chrono::hours(1));
    co_await timer.async_wait(boost::asio::use_awaitable);
}

// Reads until the peer leaves, never answering.
boost::asio::awaitable<void> silent(Session& s) {
    for (;;) {
        const auto line = co_await s.read_line();  // not in the condition (GCC 12)
        if (!line) break;
    }
}

boost::asio::awaitable<void> echo_then_throw(Session& s) {
    const auto line = co_await s.read_line();
    if (line) co_await s.write(*line + "\n");
    throw std::runtime_error("emulator bug");
}

TEST(DialogueHarness, AHungEmulatorFailsTheTestAndIsTornDown) {
    EXPECT_NONFATAL_FAILURE(
        {
            Dialogue d("redis", hang, DialogueOptions{.end_wait = 200ms});
            EXPECT_FALSE(d.wait_ended(10ms));
        },
        "still running");
}

TEST(DialogueHarness, ReadsThatGetNothingFailWithinTheirTimeout) {
    Dialogue d("redis", silent);
    EXPECT_NONFATAL_FAILURE(EXPECT_EQ(d.read_until("x", 100ms), ""), "timed out waiting for 'x'");
    EXPECT_NONFATAL_FAILURE(d.expect_closed(100ms), "did not close");
    EXPECT_EQ(d.read_for(50ms), "");
    EXPECT_TRUE(d.finish().empty());
    EXPECT_EQ(d.close_reason(), "peer_closed");
}

TEST(DialogueHarness, AnEmulatorExceptionIsReported) {
    Dialogue d("redis", echo_then_throw);
    ASSERT_TRUE(d.send("hello\r\n"));
    EXPECT_EQ(d.read_until("\n"), "hello\n");
    EXPECT_EQ(d.expect_closed(), "");
    ASSERT_TRUE(d.wait_ended());
    EXPECT_EQ(d.error(), "emulator bug");
    EXPECT_TRUE(d.events().empty());
}

}  // namespace
}  // namespace decnet::honeypot
