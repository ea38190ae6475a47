// ReadPool: a few read-only connections, opened on first need and lent to one thread at a
// time, so API reads run beside the writer (WAL readers never block it, nor it them).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/statement.hpp"

namespace decnet::store::sqlite {

class ReadPool {
  public:
    using Configure = std::function<void(Connection&)>;

    ReadPool(std::string path, std::size_t max_connections, Configure configure);

    // A borrowed connection, handed back when the lease ends.
    class Lease {
      public:
        Lease(ReadPool& pool, std::unique_ptr<Connection> connection)
            : pool_(&pool), connection_(std::move(connection)) {}
        ~Lease() { pool_->give_back(std::move(connection_)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;

        Connection& operator*() const { return *connection_; }
        Connection* operator->() const { return connection_.get(); }

      private:
        ReadPool* pool_;
        std::unique_ptr<Connection> connection_;
    };

    // An idle connection, a new one while under the limit, else waits for one.
    Lease acquire();

  private:
    void give_back(std::unique_ptr<Connection> connection);

    const std::string path_;
    const std::size_t max_connections_;
    const Configure configure_;
    std::mutex mutex_;
    std::condition_variable returned_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t opened_ = 0;
};

}  // namespace decnet::store::sqlite
