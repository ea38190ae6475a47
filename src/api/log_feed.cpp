// Fan-out of committed log rows, and the single shared poller of the standalone API.
#include "api/log_feed.hpp"

#include <spdlog/spdlog.h>

#include "store/repository.hpp"

namespace decnet::api {

std::uint64_t LogFeed::subscribe(Subscriber subscriber) {
    std::lock_guard lock(mutex_);
    const auto handle = next_handle_++;
    subscribers_.emplace(handle, std::move(subscriber));
    return handle;
}

void LogFeed::unsubscribe(std::uint64_t handle) {
    // Publishing holds the mutex while calling out, so once this returns no call is running.
    std::lock_guard lock(mutex_);
    subscribers_.erase(handle);
}

void LogFeed::publish(std::vector<store::LogRecord> rows) {
    if (rows.empty()) return;
    publish(std::make_shared<const std::vector<store::LogRecord>>(std::move(rows)));
}

void LogFeed::publish(const Batch& rows) {
    if (!rows || rows->empty()) return;
    std::lock_guard lock(mutex_);
    published_ += rows->size();
    for (const auto& [handle, subscriber] : subscribers_) subscriber(rows);
}

std::size_t LogFeed::subscriber_count() const {
    std::lock_guard lock(mutex_);
    return subscribers_.size();
}

std::uint64_t LogFeed::published_rows() const {
    std::lock_guard lock(mutex_);
    return published_;
}

LogFeedPoller::LogFeedPoller(store::Repository& repo, LogFeed& feed,
                             std::chrono::milliseconds interval)
    : repo_(repo), feed_(feed), interval_(interval) {}

LogFeedPoller::~LogFeedPoller() {
    stop();
}

void LogFeedPoller::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    try {
        cursor_ = repo_.max_log_id();
    } catch (const std::exception& e) {
        spdlog::warn("api: log feed: {}", e.what());
    }
    thread_ = std::thread([this] { run(); });
}

void LogFeedPoller::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::uint64_t LogFeedPoller::polls() const {
    std::lock_guard lock(mutex_);
    return polls_;
}

std::size_t LogFeedPoller::poll_once() {
    // Batches as large as a transaction of the ingester; a backlog drains in a few polls.
    constexpr int kBatch = 1000;
    auto rows = repo_.logs_after_id(cursor_, {}, kBatch);
    const auto count = rows.size();
    if (count) {
        cursor_ = rows.back().id;
        feed_.publish(std::move(rows));
    }
    return count;
}

void LogFeedPoller::run() {
    bool failing = false;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        std::size_t count = 0;
        try {
            count = poll_once();
            if (failing) spdlog::info("api: log feed: store readable again");
            failing = false;
        } catch (const std::exception& e) {
            // Once per outage, not once per poll.
            if (!failing) spdlog::warn("api: log feed: {}", e.what());
            failing = true;
        }
        lock.lock();
        ++polls_;
        if (count >= 1000) continue;  // more waiting
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
    }
}

}  // namespace decnet::api
