// Batch span processor: a bounded queue of ended spans drained by one exporter thread in
// batches — by size, by timer, on flush and on shutdown. Ending a span only takes a short
// lock to enqueue (or drop, counted); encoding and I/O happen on the exporter thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "telemetry/span_record.hpp"

namespace decnet::telemetry::detail {

struct BatchSettings {
    std::size_t max_queue_size = 2048;
    std::size_t max_export_batch_size = 512;
    std::chrono::milliseconds schedule_delay{5000};
    std::vector<Attribute> resource;
    std::string scope_version;
    // Sends one OTLP JSON body; returns "" when the receiver accepted it, else why not.
    // `abort` turns true when shutdown runs out of time: give up promptly then.
    std::function<std::string(const std::string& body, const std::atomic<bool>& abort)> send;
};

class BatchProcessor {
  public:
    BatchProcessor() = default;
    ~BatchProcessor() { stop(std::chrono::milliseconds(1000)); }
    BatchProcessor(const BatchProcessor&) = delete;
    BatchProcessor& operator=(const BatchProcessor&) = delete;

    void start(BatchSettings settings);
    // Owns `record` from here on, whatever happens.
    void submit(SpanRecord* record) noexcept;
    // Waits until every span submitted before the call has been exported (or failed).
    bool flush(std::chrono::milliseconds timeout);
    // Exports what is queued within the timeout, then stops the thread; spans that could
    // not be sent are counted as dropped.
    void stop(std::chrono::milliseconds timeout);

  private:
    void run();
    void export_batch(std::vector<SpanRecord*>& batch);

    std::mutex mutex_;
    std::condition_variable wake_;  // the exporter thread waits here
    std::condition_variable done_;  // flush() and stop() wait here
    std::vector<SpanRecord*> queue_;
    BatchSettings settings_;
    bool running_ = false;
    bool stopping_ = false;
    bool exited_ = false;
    std::uint64_t enqueued_ = 0;      // spans ever queued
    std::uint64_t finished_ = 0;      // of those, spans whose export finished
    std::uint64_t flush_target_ = 0;  // export everything up to this count promptly
    std::atomic<bool> abort_{false};
    bool failing_ = false;  // exporter thread only: log transitions, not every failure
    std::thread thread_;
};

}  // namespace decnet::telemetry::detail
