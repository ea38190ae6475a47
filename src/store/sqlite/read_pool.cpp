// ReadPool: lazily opened, bounded set of reader connections.
#include "store/sqlite/read_pool.hpp"

#include <algorithm>

namespace decnet::store::sqlite {

ReadPool::ReadPool(std::string path, std::size_t max_connections, Configure configure)
    : path_(std::move(path)),
      max_connections_(std::max<std::size_t>(max_connections, 1)),
      configure_(std::move(configure)) {}

ReadPool::Lease ReadPool::acquire() {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [&] { return !idle_.empty() || opened_ < max_connections_; });
    if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(connection));
    }
    ++opened_;  // reserve the slot, then open without holding the lock
    lock.unlock();
    try {
        auto connection = std::make_unique<Connection>(path_);
        configure_(*connection);
        return Lease(*this, std::move(connection));
    } catch (...) {
        std::lock_guard relock(mutex_);
        --opened_;
        returned_.notify_one();
        throw;
    }
}

void ReadPool::give_back(std::unique_ptr<Connection> connection) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(connection));
    }
    returned_.notify_one();
}

}  // namespace decnet::store::sqlite
