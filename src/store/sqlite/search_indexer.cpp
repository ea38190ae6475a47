// SearchIndexer: a low-priority loop of small index transactions.
#include "store/sqlite/search_indexer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <exception>

namespace decnet::store::sqlite {
namespace {

using namespace std::chrono_literals;

// A chunk that did work is followed by a pause as long as it took (at most this): a
// backfill takes at most half a core from ingestion and API reads. Not a lower nice
// value: a niced thread holding the write lock on a busy machine made every ingester
// batch wait for it (priority inversion; 0.2-1 s stalls of the live feed under load,
// sse_latency_bench).
constexpr auto kMaxPause = 100ms;

}  // namespace

SearchIndexer::SearchIndexer(std::function<std::size_t()> index_chunk,
                             std::function<bool()> writer_busy)
    : index_chunk_(std::move(index_chunk)),
      writer_busy_(std::move(writer_busy)),
      thread_([this](std::stop_token stop) { run(std::move(stop)); }) {}

SearchIndexer::~SearchIndexer() {
    thread_.request_stop();
    wake_.notify_all();
}

void SearchIndexer::notify() {
    {
        std::lock_guard lock(mutex_);
        notified_ = true;
    }
    wake_.notify_one();
}

void SearchIndexer::wait(std::stop_token stop, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, timeout, [&] { return notified_; });
    notified_ = false;
}

void SearchIndexer::run(std::stop_token stop) {
    while (!stop.stop_requested()) {
        try {
            // Between chunks the write lock is free: the ingester gets it first.
            while (writer_busy_() && !stop.stop_requested()) std::this_thread::sleep_for(2ms);
            if (stop.stop_requested()) break;
            const auto started = std::chrono::steady_clock::now();
            if (index_chunk_() == 0) {
                wait(stop, 1s);  // caught up: until new rows (or a look)
                continue;
            }
            const auto took = std::chrono::steady_clock::now() - started;
            std::unique_lock lock(mutex_);  // new rows do not cut the pause short
            wake_.wait_for(lock, stop,
                           std::min<std::chrono::steady_clock::duration>(took, kMaxPause),
                           [] { return false; });
        } catch (const std::exception& e) {
            spdlog::warn("sqlite: search indexing failed, retrying in 5 s: {}", e.what());
            std::unique_lock lock(mutex_);  // new rows do not cut the back-off short
            wake_.wait_for(lock, stop, 5s, [] { return false; });
        }
    }
}

}  // namespace decnet::store::sqlite
