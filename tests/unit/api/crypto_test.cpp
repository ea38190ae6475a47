// bcrypt through libxcrypt (cost, prefix, 72-byte rule) and the crypto pool: concurrent
// verifies run in parallel, the queue is bounded.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <thread>
#include <vector>

#include "api/auth/crypto_pool.hpp"
#include "api/auth/password.hpp"

namespace decnet::api::auth {
namespace {

using Clock = std::chrono::steady_clock;

TEST(Bcrypt, HashIsCost12TwoB) {
    const auto hash = bcrypt_hash("hunter22");
    EXPECT_EQ(hash.substr(0, 7), "$2b$12$");
    EXPECT_EQ(hash.size(), 60u);
    EXPECT_TRUE(bcrypt_verify("hunter22", hash));
    EXPECT_FALSE(bcrypt_verify("hunter23", hash));
    EXPECT_FALSE(bcrypt_verify("hunter22", "not-a-hash"));
    EXPECT_FALSE(bcrypt_verify("hunter22", ""));
}

TEST(Bcrypt, OnlyTheFirst72BytesCount) {
    const std::string base(72, 'a');
    const auto hash = bcrypt_hash(base + "tail", 4);
    EXPECT_TRUE(bcrypt_verify(base, hash));
    EXPECT_TRUE(bcrypt_verify(base + "other", hash));
    EXPECT_FALSE(bcrypt_verify(base.substr(0, 71), hash));
    // 72 × "é" is 144 bytes: the first 36 characters decide.
    std::string accents;
    for (int i = 0; i < 72; ++i) accents += "\xc3\xa9";
    const auto accent_hash = bcrypt_hash(accents, 4);
    EXPECT_TRUE(bcrypt_verify(accents.substr(0, 72), accent_hash));
}

TEST(CryptoPool, TwoConcurrentVerifiesTakeAboutOne) {
    const auto hash = bcrypt_hash("hunter22");
    CryptoPool pool(2, 8);
    struct Span {
        Clock::time_point begin, end;
    };
    auto timed = [&](int n, std::vector<Span>& spans) {
        spans.assign(n, {});
        std::atomic<int> left{n};
        std::promise<void> done;
        const auto start = Clock::now();
        for (int i = 0; i < n; ++i)
            EXPECT_TRUE(pool.try_submit([&, i] {
                spans[i].begin = Clock::now();
                EXPECT_TRUE(bcrypt_verify("hunter22", hash));
                spans[i].end = Clock::now();
                if (--left == 0) done.set_value();
            }));
        done.get_future().wait();
        return std::chrono::duration<double>(Clock::now() - start).count();
    };
    std::vector<Span> spans;
    // Best of three: the machine is shared, a single sample can be disturbed.
    double best_ratio = 1e9;
    for (int attempt = 0; attempt < 3 && best_ratio > 1.3; ++attempt) {
        timed(1, spans);  // warm-up
        const double one = timed(1, spans);
        const double two = timed(2, spans);
        // Load-independent: the two verifies ran at the same time, on two workers.
        EXPECT_LT(std::max(spans[0].begin, spans[1].begin), std::min(spans[0].end, spans[1].end));
        best_ratio = std::min(best_ratio, two / one);
    }
    // The wall-time bound needs two free cores; with other builds hogging the machine it
    // only says how busy the machine is, so it is checked only when the load allows.
    double load[1] = {0};
    const bool machine_free =
        getloadavg(load, 1) == 1 && load[0] < std::thread::hardware_concurrency();
    RecordProperty("two_over_one", std::to_string(best_ratio));
    if (machine_free)
        EXPECT_LE(best_ratio, 1.3);
    else
        std::cout << "note: load " << load[0] << ", two/one = " << best_ratio
                  << " (bound not checked)\n";
}

TEST(CryptoPool, RefusesBeyondTheQueueBound) {
    CryptoPool pool(1, 2);
    std::promise<void> release;
    auto gate = release.get_future().share();
    std::atomic<int> ran{0};
    ASSERT_TRUE(pool.try_submit([gate, &ran] {
        gate.wait();
        ++ran;
    }));
    // The worker may not have taken the first job yet: fill until refused (bounded).
    int accepted = 0;
    for (int i = 0; i < 10 && pool.try_submit([&ran] { ++ran; }); ++i) ++accepted;
    EXPECT_GE(accepted, 1);
    EXPECT_LE(accepted, 2);  // then refused: the loop stopped well before 10
    release.set_value();
    pool.wait_idle();
    EXPECT_EQ(ran, accepted + 1);
    EXPECT_TRUE(pool.try_submit([] {}));
}

TEST(CryptoPool, AJobThatThrowsDoesNotKillTheWorker) {
    CryptoPool pool(1, 4);
    ASSERT_TRUE(pool.try_submit([] { throw std::runtime_error("boom"); }));
    std::promise<void> done;
    ASSERT_TRUE(pool.try_submit([&] { done.set_value(); }));
    EXPECT_EQ(done.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

}  // namespace
}  // namespace decnet::api::auth
