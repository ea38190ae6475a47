// The exporter thread's loop and the queue it shares with span ends.
#include "telemetry/batch_processor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "telemetry/internal.hpp"
#include "telemetry/otlp_json.hpp"

namespace decnet::telemetry::detail {

using Clock = std::chrono::steady_clock;

void BatchProcessor::start(BatchSettings settings) {
    std::lock_guard lock(mutex_);
    if (running_) return;
    settings_ = std::move(settings);
    settings_.max_queue_size = std::max<std::size_t>(settings_.max_queue_size, 1);
    settings_.max_export_batch_size =
        std::clamp<std::size_t>(settings_.max_export_batch_size, 1, settings_.max_queue_size);
    queue_.reserve(settings_.max_queue_size);
    running_ = true;
    stopping_ = false;
    exited_ = false;
    abort_ = false;
    failing_ = false;
    thread_ = std::thread([this] { run(); });
}

void BatchProcessor::submit(SpanRecord* record) noexcept {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (running_ && !exited_ && queue_.size() < settings_.max_queue_size) {
            queue_.push_back(record);
            ++enqueued_;
            wake = queue_.size() == settings_.max_export_batch_size;
            record = nullptr;
        }
    }
    if (record != nullptr) {
        counters().dropped.fetch_add(1, std::memory_order_relaxed);
        delete record;
        return;
    }
    // Only the span that fills a batch pays for a wake-up; the timer collects the rest.
    if (wake) wake_.notify_one();
}

bool BatchProcessor::flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!running_) return true;
    const std::uint64_t target = enqueued_;
    flush_target_ = std::max(flush_target_, target);
    wake_.notify_one();
    return done_.wait_for(lock, timeout, [&] { return finished_ >= target || exited_; }) &&
           finished_ >= target;
}

void BatchProcessor::stop(std::chrono::milliseconds timeout) {
    {
        std::unique_lock lock(mutex_);
        if (!running_) return;
        stopping_ = true;
        wake_.notify_one();
        if (!done_.wait_for(lock, timeout, [&] { return exited_; })) {
            abort_ = true;  // the send in progress gives up within ~100 ms
        }
    }
    thread_.join();
    std::lock_guard lock(mutex_);
    for (auto* record : queue_) delete record;
    counters().dropped.fetch_add(queue_.size(), std::memory_order_relaxed);
    finished_ += queue_.size();
    queue_.clear();
    running_ = false;
    done_.notify_all();
}

void BatchProcessor::run() {
    std::unique_lock lock(mutex_);
    auto next_export = Clock::now() + settings_.schedule_delay;
    // Double buffer: the whole queue is swapped out in O(1) under the lock, so a span
    // ending meanwhile never waits for more than that swap.
    std::vector<SpanRecord*> taken;
    taken.reserve(settings_.max_queue_size);
    std::vector<SpanRecord*> batch;
    batch.reserve(settings_.max_export_batch_size);
    while (true) {
        wake_.wait_until(lock, next_export, [&] {
            return stopping_ || queue_.size() >= settings_.max_export_batch_size ||
                   flush_target_ > finished_;
        });
        const bool timer = Clock::now() >= next_export;
        // Full batches always go; a partial one only on the timer, a flush or shutdown.
        if (!queue_.empty() && (queue_.size() >= settings_.max_export_batch_size || timer ||
                                stopping_ || flush_target_ > finished_)) {
            taken.swap(queue_);
            lock.unlock();
            for (std::size_t at = 0; at < taken.size();) {
                const std::size_t take =
                    std::min(taken.size() - at, settings_.max_export_batch_size);
                const auto first = taken.begin() + static_cast<std::ptrdiff_t>(at);
                batch.assign(first, first + static_cast<std::ptrdiff_t>(take));
                if (abort_) {
                    counters().dropped.fetch_add(take, std::memory_order_relaxed);
                    for (auto* record : batch) delete record;
                    batch.clear();
                } else {
                    export_batch(batch);
                }
                at += take;
                lock.lock();
                finished_ += take;
                done_.notify_all();
                lock.unlock();
            }
            taken.clear();
            lock.lock();
        }
        if (timer) next_export = Clock::now() + settings_.schedule_delay;
        if (stopping_ && (queue_.empty() || abort_)) break;
    }
    exited_ = true;
    done_.notify_all();
}

void BatchProcessor::export_batch(std::vector<SpanRecord*>& batch) {
    std::vector<const SpanRecord*> view(batch.begin(), batch.end());
    std::string error = "no exporter";
    try {
        const std::string body =
            encode_otlp_json(settings_.resource, settings_.scope_version, view);
        counters().export_batches.fetch_add(1, std::memory_order_relaxed);
        if (settings_.send) error = settings_.send(body, abort_);
    } catch (const std::exception& e) {
        error = e.what();
    }
    const bool accepted = error.empty();
    auto& counter = accepted ? counters().exported : counters().export_failed;
    counter.fetch_add(batch.size(), std::memory_order_relaxed);
    // Log the changes of state, not every failed batch: a collector that is down would
    // otherwise add a warning every five seconds.
    if (!accepted && !failing_) {
        spdlog::warn("tracing: export failed ({}); spans are dropped and counted until it works",
                     error);
    } else if (accepted && failing_) {
        spdlog::info("tracing: export works again");
    }
    failing_ = !accepted;
    for (auto* record : batch) delete record;
    batch.clear();
}

}  // namespace decnet::telemetry::detail
