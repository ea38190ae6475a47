// SearchIndexer: the background thread that fills the free-text index (logs_fts) behind
// the writer. Trigram indexing inside insert_logs would cap ingestion at ~7,000 rows/s;
// behind the writer it costs ingestion nothing, and searches cover the not-yet-indexed
// tail with LIKE meanwhile.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

namespace decnet::store::sqlite {

class SearchIndexer {
  public:
    // `index_chunk` indexes the next few pending rows (taking the write lock itself) and
    // returns how many. `writer_busy` says whether the ingester wants the lock or wrote
    // moments ago: ingestion always goes first and indexing uses the gaps between batches.
    // Under sustained saturation the index falls behind, which costs search speed, never
    // search results (the unindexed tail is scanned).
    SearchIndexer(std::function<std::size_t()> index_chunk, std::function<bool()> writer_busy);
    ~SearchIndexer();  // stops after the current chunk
    SearchIndexer(const SearchIndexer&) = delete;
    SearchIndexer& operator=(const SearchIndexer&) = delete;

    // New rows were committed.
    void notify();

  private:
    void run(std::stop_token stop);
    // Sleeps until notified, stopped or `timeout`.
    void wait(std::stop_token stop, std::chrono::milliseconds timeout);

    std::function<std::size_t()> index_chunk_;
    std::function<bool()> writer_busy_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    bool notified_ = true;  // index whatever a previous run left behind
    std::jthread thread_;   // last: starts after, and stops before, the members it uses
};

}  // namespace decnet::store::sqlite
