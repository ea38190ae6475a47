#include "api/auth/crypto_pool.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <exception>

#include "telemetry/metrics.hpp"
#include "telemetry/span.hpp"

namespace decnet::api::auth {

CryptoPool::CryptoPool(std::size_t threads, std::size_t max_queued) : max_queued_(max_queued) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    workers_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i)
        workers_.emplace_back([this] {
            // Named for `top -H` and for api_bench, which reads the pool's CPU time.
            pthread_setname_np(pthread_self(), "api-crypto");
            work();
        });
}

CryptoPool::~CryptoPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& worker : workers_) worker.join();
}

bool CryptoPool::try_submit(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || jobs_.size() >= max_queued_) {
            telemetry::metrics::standard().crypto_rejected.with({}).inc();
            return false;
        }
        // The wait in the queue is what an overloaded login feels; bcrypt itself is fixed.
        // The submitter's span (a login's api.login) goes with the job, so the hash and
        // the DB calls after it nest under the request that asked for them.
        jobs_.emplace_back([job = std::move(job), queued_at = std::chrono::steady_clock::now(),
                            parent = telemetry::current_span_context()] {
            const double waited =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - queued_at).count();
            telemetry::metrics::standard().crypto_wait_seconds.with({}).observe(waited);
            telemetry::Span span("crypto.job", parent);
            span.set_attribute("queue_wait_seconds", waited);
            job();
        });
    }
    wake_.notify_one();
    return true;
}

std::size_t CryptoPool::queued() const {
    std::lock_guard lock(mutex_);
    return jobs_.size();
}

void CryptoPool::wait_idle() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return jobs_.empty() && running_ == 0; });
}

void CryptoPool::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping and drained
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        ++running_;
        lock.unlock();
        try {
            job();
        } catch (const std::exception& e) {
            spdlog::error("crypto pool: job failed: {}", e.what());
        } catch (...) {
            spdlog::error("crypto pool: job failed");
        }
        lock.lock();
        --running_;
        if (jobs_.empty() && running_ == 0) idle_.notify_all();
    }
}

}  // namespace decnet::api::auth
