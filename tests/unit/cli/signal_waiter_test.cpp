// SignalWaiter: SIGHUP runs the hang-up hook as often as it comes and does not stop the
// process; the first SIGTERM runs the stop hook once.
#include "cli/signal_waiter.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace decnet::cli {
namespace {

template <class Ready>
bool eventually(Ready&& ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!ready()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

TEST(SignalWaiter, HangupRunsItsHookAndTermStops) {
    std::atomic<int> hangups{0};
    std::atomic<int> stops{0};
    SignalWaiter waiter([&] { ++stops; }, [&] { ++hangups; });
    ::kill(::getpid(), SIGHUP);
    ASSERT_TRUE(eventually([&] { return hangups == 1; }));
    ::kill(::getpid(), SIGHUP);
    ASSERT_TRUE(eventually([&] { return hangups == 2; }));
    EXPECT_FALSE(waiter.fired());
    EXPECT_EQ(stops, 0);
    ::kill(::getpid(), SIGTERM);
    ASSERT_TRUE(eventually([&] { return waiter.fired(); }));
    EXPECT_EQ(stops, 1);
    EXPECT_EQ(hangups, 2);
}

TEST(SignalWaiter, WithoutASignalTheDestructorEndsTheThread) {
    std::atomic<int> calls{0};
    {
        SignalWaiter waiter([&] { ++calls; }, [&] { ++calls; });
    }
    EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace decnet::cli
