// Reader pool bookkeeping and the bounded backoff of reconnect-and-retry.
#include "store/mysql/connection_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace decnet::store::mysql {

bool RetryClock::wait_before_retry() {
    const auto now = std::chrono::steady_clock::now();
    if (!failing_) {
        failing_ = true;
        deadline_ = now + budget_;
    }
    if (now >= deadline_) return false;
    const auto pause = std::min<std::chrono::steady_clock::duration>(step_, deadline_ - now);
    std::this_thread::sleep_for(pause);
    step_ = std::min(step_ * 2, std::chrono::milliseconds(1000));
    return true;
}

ConnectionPool::ConnectionPool(const MysqlConfig& config) : config_(config) {
    config_.read_connections = std::max<std::size_t>(config_.read_connections, 1);
}

ConnectionPool::~ConnectionPool() = default;

// An idle reader, a new one while below the limit, else wait for one to come back.
// A new connection is opened outside the lock (it may take up to the connect timeout).
std::unique_ptr<Connection> ConnectionPool::take_reader() {
    {
        std::unique_lock lock(readers_mutex_);
        reader_free_.wait(lock, [&] {
            return !idle_readers_.empty() || open_readers_ < config_.read_connections;
        });
        if (!idle_readers_.empty()) {
            auto connection = std::move(idle_readers_.back());
            idle_readers_.pop_back();
            return connection;
        }
        ++open_readers_;
    }
    try {
        return std::make_unique<Connection>(config_);
    } catch (...) {
        give_back(nullptr);
        throw;
    }
}

void ConnectionPool::give_back(std::unique_ptr<Connection> connection) {
    {
        std::lock_guard lock(readers_mutex_);
        if (connection)
            idle_readers_.push_back(std::move(connection));
        else
            --open_readers_;
    }
    reader_free_.notify_one();
}

void ConnectionPool::note_retry(const MysqlError& error, const char* what) {
    if (unavailable_.exchange(true)) return;
    spdlog::warn("mysql {}: {}; reconnecting and retrying (logged again when it is back)", what,
                 error.what());
}

void ConnectionPool::note_recovered() {
    if (unavailable_.exchange(false)) spdlog::info("mysql: the server answers again");
}

void ConnectionPool::give_up(const MysqlError& last, const char* what) const {
    throw StoreUnavailable(std::string("mysql ") + what + ": server unavailable for " +
                           std::to_string(config_.reconnect_budget.count()) + " ms (" +
                           last.what() + ")");
}

}  // namespace decnet::store::mysql
