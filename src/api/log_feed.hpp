// LogFeed: stored log rows (with their ids), pushed to subscribers as they are committed,
// so live consumers (the SSE stream) never poll the store each on its own. Under
// `decnet up` the ingester publishes after each commit; under a standalone `decnet api`
// one LogFeedPoller reads new rows for everyone.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace decnet::store {
class Repository;
struct LogRecord;
}  // namespace decnet::store

namespace decnet::api {

class LogFeed {
  public:
    using Batch = std::shared_ptr<const std::vector<store::LogRecord>>;
    // Runs on the publisher's thread (the ingester's): must be short and must not block.
    using Subscriber = std::function<void(const Batch&)>;

    LogFeed() = default;
    LogFeed(const LogFeed&) = delete;
    LogFeed& operator=(const LogFeed&) = delete;

    // Returns a handle for unsubscribe(). After unsubscribe returns, the subscriber is
    // never called again.
    std::uint64_t subscribe(Subscriber subscriber);
    void unsubscribe(std::uint64_t handle);

    // Rows just committed, in ascending id order.
    void publish(std::vector<store::LogRecord> rows);
    void publish(const Batch& rows);

    std::size_t subscriber_count() const;
    std::uint64_t published_rows() const;

  private:
    mutable std::mutex mutex_;
    std::map<std::uint64_t, Subscriber> subscribers_;
    std::uint64_t next_handle_ = 1;
    std::uint64_t published_ = 0;
};

// For a process without an in-process ingester: ONE thread reads rows after the last id
// it saw every `interval` and publishes them, however many clients listen.
class LogFeedPoller {
  public:
    LogFeedPoller(store::Repository& repo, LogFeed& feed,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(500));
    ~LogFeedPoller();
    LogFeedPoller(const LogFeedPoller&) = delete;
    LogFeedPoller& operator=(const LogFeedPoller&) = delete;

    // Starts from the current max id (rows already stored are the resume path's job).
    void start();
    void stop();
    std::uint64_t polls() const;

  private:
    void run();
    std::size_t poll_once();

    store::Repository& repo_;
    LogFeed& feed_;
    std::chrono::milliseconds interval_;
    std::int64_t cursor_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::uint64_t polls_ = 0;
    std::thread thread_;
};

}  // namespace decnet::api
