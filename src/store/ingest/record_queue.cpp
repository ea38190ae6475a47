// Batching writer thread for RecordQueue.
#include "store/ingest/record_queue.hpp"

namespace decnet::store {

RecordQueue::RecordQueue(Ingester& ingester, std::string source, std::size_t capacity,
                         IngesterOptions options)
    : ingester_(ingester), source_(std::move(source)), capacity_(capacity), options_(options) {
    writer_ = std::thread([this] { drain(); });
}

RecordQueue::~RecordQueue() {
    stop();
}

bool RecordQueue::push(LogRecord row, Stored stored) {
    {
        const std::lock_guard lock(mutex_);
        if (pending_.size() >= capacity_ || stopping_) {
            ++dropped_;
            return false;
        }
        pending_.push_back(std::move(row));
        callbacks_.push_back(std::move(stored));
        if (pending_.size() < options_.max_batch) return true;
    }
    ready_.notify_one();
    return true;
}

void RecordQueue::stop() {
    {
        const std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    ready_.notify_one();
    if (writer_.joinable()) writer_.join();
}

void RecordQueue::drain() {
    std::vector<LogRecord> batch;
    std::vector<Stored> callbacks;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            // Wake when a batch is full or stop is asked; otherwise take what came in max_wait.
            ready_.wait_for(lock, options_.max_wait,
                            [&] { return stopping_ || pending_.size() >= options_.max_batch; });
            batch.swap(pending_);
            callbacks.swap(callbacks_);
            if (batch.empty() && stopping_) return;
        }
        for (std::size_t i = 0; i < batch.size(); i += options_.max_batch) {
            const auto end = std::min(batch.size(), i + options_.max_batch);
            std::vector<LogRecord> chunk(std::make_move_iterator(batch.begin() + i),
                                         std::make_move_iterator(batch.begin() + end));
            ingester_.store(chunk, source_);
            for (std::size_t j = i; j < end; ++j)
                if (callbacks[j]) callbacks[j]();
        }
        batch.clear();
        callbacks.clear();
    }
}

}  // namespace decnet::store
