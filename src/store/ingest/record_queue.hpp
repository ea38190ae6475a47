// RecordQueue: rows from sources that are not Events (the syslog collector) on their way
// to the ingester. Bounded: producers never block; a full queue drops and counts.
// A writer thread drains it in batches of up to max_batch rows or max_wait; a row may carry
// a callback run once its batch is committed (RELP acknowledges only then).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/ingest/ingester.hpp"

namespace decnet::store {

class RecordQueue {
  public:
    RecordQueue(Ingester& ingester, std::string source, std::size_t capacity = 100000,
                IngesterOptions options = {});
    ~RecordQueue();  // stops and flushes what is queued

    // Run on the writer thread after the row's batch is stored (committed, or set aside
    // as a dead letter by the ingester).
    using Stored = std::function<void()>;

    // False (and counted) when full; `stored` is then never called.
    bool push(LogRecord row, Stored stored = nullptr);
    void stop();
    std::uint64_t dropped() const { return dropped_.load(); }

  private:
    void drain();

    Ingester& ingester_;
    std::string source_;
    std::size_t capacity_;
    IngesterOptions options_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::vector<LogRecord> pending_;  // guarded by mutex_
    std::vector<Stored> callbacks_;   // guarded by mutex_; parallel to pending_
    bool stopping_ = false;           // guarded by mutex_
    std::atomic<std::uint64_t> dropped_{0};
    std::thread writer_;
};

}  // namespace decnet::store
