// The backend's connections: one writer, used under a mutex (the store has one writer
// thread, and one connection keeps transactions strictly ordered), and a small pool of
// readers for the API threads. Both are re-established on demand: an operation that meets
// a lost server reconnects with backoff and runs again, within the reconnect budget.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/mysql/connection.hpp"
#include "store/store_unavailable.hpp"

namespace decnet::store::mysql {

// Backoff between attempts (50 ms doubling to 1 s), bounded by a budget that starts at
// the first failure.
class RetryClock {
  public:
    explicit RetryClock(std::chrono::milliseconds budget) : budget_(budget) {}
    // Sleeps before the next attempt; false once the budget is spent.
    bool wait_before_retry();

  private:
    std::chrono::milliseconds budget_;
    std::chrono::milliseconds step_{50};
    std::chrono::steady_clock::time_point deadline_{};
    bool failing_ = false;
};

class ConnectionPool {
  public:
    explicit ConnectionPool(const MysqlConfig& config);
    ~ConnectionPool();

    const MysqlConfig& config() const { return config_; }

    // Runs `query(Connection&)` on a reader connection. Reads are idempotent, so a lost
    // connection is replaced and the query runs again.
    template <class F>
    auto read(F&& query) -> decltype(query(std::declval<Connection&>()));

    // Runs `attempt(Connection&)` with the writer connection, holding the write lock for
    // all attempts. `attempt` is retried as a whole after a transient error, on a fresh
    // connection, so it must open and finish its own transaction.
    template <class F>
    auto write(F&& attempt) -> decltype(attempt(std::declval<Connection&>()));

  private:
    // A reader borrowed for one attempt: returned to the pool, or dropped when broken.
    class ReaderLease {
      public:
        explicit ReaderLease(ConnectionPool& pool) : pool_(pool), connection_(pool.take_reader()) {}
        ~ReaderLease() { pool_.give_back(std::move(connection_)); }
        ReaderLease(const ReaderLease&) = delete;
        ReaderLease& operator=(const ReaderLease&) = delete;
        Connection& connection() { return *connection_; }
        void discard() { connection_.reset(); }

      private:
        ConnectionPool& pool_;
        std::unique_ptr<Connection> connection_;
    };

    // Notes a success when it ends without an exception (the server answers again).
    class SuccessNote {
      public:
        explicit SuccessNote(ConnectionPool& pool)
            : pool_(pool), exceptions_(std::uncaught_exceptions()) {}
        ~SuccessNote() {
            if (std::uncaught_exceptions() == exceptions_) pool_.note_success();
        }
        SuccessNote(const SuccessNote&) = delete;
        SuccessNote& operator=(const SuccessNote&) = delete;

      private:
        ConnectionPool& pool_;
        const int exceptions_;
    };

    std::unique_ptr<Connection> take_reader();
    // Returns a reader to the pool; a null one frees its slot for a new connection.
    void give_back(std::unique_ptr<Connection> connection);
    // An outage is logged once, when its first retry starts, and once when it ends: not
    // once per retry of every reader and of the writer.
    void note_retry(const MysqlError& error, const char* what);
    void note_success() {
        if (unavailable_.load(std::memory_order_relaxed)) note_recovered();
    }
    void note_recovered();
    // Throws StoreUnavailable.
    [[noreturn]] void give_up(const MysqlError& last, const char* what) const;

    MysqlConfig config_;

    std::atomic<bool> unavailable_{false};  // an outage is being retried (logged once)

    std::mutex write_mutex_;
    std::unique_ptr<Connection> writer_;

    std::mutex readers_mutex_;
    std::condition_variable reader_free_;
    std::vector<std::unique_ptr<Connection>> idle_readers_;
    std::size_t open_readers_ = 0;
};

template <class F>
auto ConnectionPool::read(F&& query) -> decltype(query(std::declval<Connection&>())) {
    RetryClock clock(config_.reconnect_budget);
    for (;;) {
        try {
            ReaderLease lease(*this);
            try {
                const SuccessNote note(*this);
                return query(lease.connection());
            } catch (const MysqlError& error) {
                if (error.transient()) lease.discard();
                throw;
            }
        } catch (const MysqlError& error) {
            if (!error.transient()) throw;
            note_retry(error, "read");
            if (!clock.wait_before_retry()) give_up(error, "read");
        }
    }
}

template <class F>
auto ConnectionPool::write(F&& attempt) -> decltype(attempt(std::declval<Connection&>())) {
    std::lock_guard lock(write_mutex_);
    RetryClock clock(config_.reconnect_budget);
    for (;;) {
        try {
            if (!writer_) writer_ = std::make_unique<Connection>(config_);
            const SuccessNote note(*this);
            return attempt(*writer_);
        } catch (const MysqlError& error) {
            if (!error.transient()) throw;
            writer_.reset();
            note_retry(error, "write");
            if (!clock.wait_before_retry()) give_up(error, "write");
        }
    }
}

}  // namespace decnet::store::mysql
