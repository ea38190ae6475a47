// SearchIndexer: a low-priority loop of small index transactions.
#include "store/sqlite/search_indexer.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <exception>

namespace decnet::store::sqlite {
namespace {

using namespace std::chrono_literals;

// Linux nice values are per thread: let ingestion and API reads win the CPU.
void lower_priority() {
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    ::setpriority(PRIO_PROCESS, tid, 10);
}

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
    lower_priority();
    while (!stop.stop_requested()) {
        try {
            // Between chunks the write lock is free: the ingester gets it first.
            while (writer_busy_() && !stop.stop_requested()) std::this_thread::sleep_for(2ms);
            if (stop.stop_requested()) break;
            if (index_chunk_() == 0) wait(stop, 1s);  // caught up: until new rows (or a look)
        } catch (const std::exception& e) {
            spdlog::warn("sqlite: search indexing failed, retrying in 5 s: {}", e.what());
            std::unique_lock lock(mutex_);  // new rows do not cut the back-off short
            wake_.wait_for(lock, stop, 5s, [] { return false; });
        }
    }
}

}  // namespace decnet::store::sqlite
