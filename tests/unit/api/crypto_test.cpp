// bcrypt through libxcrypt (cost, prefix, 72-byte rule) and the crypto pool: concurrent
// verifies run in parallel, the queue is bounded.
#include <gtest/gtest.h>

#include <stdlib.h>
#include <time.h>

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
    struct Job {
        Clock::time_point begin, end;
        double cpu_seconds = 0;  // the worker thread's CPU time during the verify
    };
    auto thread_cpu = [] {
        timespec now{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
        return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
    };
    auto timed = [&](int n, std::vector<Job>& jobs) {
        jobs.assign(n, {});
        std::atomic<int> left{n};
        std::promise<void> done;
        const auto start = Clock::now();
        for (int i = 0; i < n; ++i)
            EXPECT_TRUE(pool.try_submit([&, i] {
                const double cpu_before = thread_cpu();
                jobs[i].begin = Clock::now();
                EXPECT_TRUE(bcrypt_verify("hunter22", hash));
                jobs[i].end = Clock::now();
                jobs[i].cpu_seconds = thread_cpu() - cpu_before;
                if (--left == 0) done.set_value();
            }));
        done.get_future().wait();
        return std::chrono::duration<double>(Clock::now() - start).count();
    };
    // A verify that got less than 85 % of a core was slowed by something outside the pool
    // (other tests, builds): such a sample says how busy the machine is, not how the pool
    // behaves, so it is retried instead of judged.
    auto had_a_core = [](const Job& job) {
        const double wall = std::chrono::duration<double>(job.end - job.begin).count();
        return wall > 0 && job.cpu_seconds >= 0.85 * wall;
    };
    std::vector<Job> one_job, two_jobs;
    double best_ratio = 1e9;
    int judged = 0;
    for (int attempt = 0; attempt < 8 && best_ratio > 1.3; ++attempt) {
        timed(1, one_job);  // warm-up
        const double one = timed(1, one_job);
        const double two = timed(2, two_jobs);
        // Load-independent: the two verifies ran at the same time, on two workers.
        EXPECT_LT(std::max(two_jobs[0].begin, two_jobs[1].begin),
                  std::min(two_jobs[0].end, two_jobs[1].end));
        if (!had_a_core(one_job[0]) || !had_a_core(two_jobs[0]) || !had_a_core(two_jobs[1]))
            continue;
        ++judged;
        best_ratio = std::min(best_ratio, two / one);
    }
    RecordProperty("two_over_one", std::to_string(best_ratio));
    if (judged > 0)
        EXPECT_LE(best_ratio, 1.3);
    else
        std::cout << "note: no sample had two free cores (machine saturated); bound not checked\n";
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
