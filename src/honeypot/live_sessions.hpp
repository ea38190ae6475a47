// The live sessions of each attacker source, seen from every I/O thread: when a source is at
// its concurrent-session limit, its next connection makes room by evicting that source's
// longest-idle session instead of being refused, so a scanner's repeated runs keep getting
// answers while one source still holds at most the limit open.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace decnet::honeypot {

class Session;

// One accepted connection. Created at accept; its own thread attaches the Session once
// there is one (after the TLS handshake on TLS ports) and touches it on every read.
class LiveSession : public std::enable_shared_from_this<LiveSession> {
  public:
    LiveSession(std::string source, boost::asio::any_io_executor executor);

    const std::string& source() const { return source_; }
    // When the session last received bytes (or was accepted). Any thread.
    std::chrono::steady_clock::time_point last_activity() const;
    // The session's thread, after each read that received bytes.
    void touch();

    // The session's thread: `session` is what evict() ends; nullptr before it is destroyed.
    // A session attached after its eviction is ended at once.
    void attach(Session* session);
    // Any thread: ends the session on its own executor (close reason "evicted").
    void evict();

  private:
    const std::string source_;
    boost::asio::any_io_executor executor_;
    std::atomic<std::chrono::steady_clock::rep> last_activity_;
    Session* session_ = nullptr;  // touched on executor_ only
    bool evicted_ = false;        // touched on executor_ only
};

// Sessions by source address, guarded by one mutex (taken once at accept and once at the
// end of a session).
class SourceSessions {
  public:
    explicit SourceSessions(std::size_t max_per_source) : max_per_source_(max_per_source) {}

    struct Admission {
        std::shared_ptr<LiveSession> session;  // null: refused (a limit of 0 admits nobody)
        bool evicted = false;  // room was made by evicting the source's longest-idle session
    };
    // Registers a new session of `source` running on `executor`. At the limit, the source's
    // longest-idle session leaves the registry now and is closed on its own thread.
    Admission admit(const std::string& source, boost::asio::any_io_executor executor);
    // The session ended (nothing to do when it had been evicted).
    void release(const std::shared_ptr<LiveSession>& session);
    // Sessions registered for `source` now.
    std::size_t count(const std::string& source) const;

  private:
    const std::size_t max_per_source_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::vector<std::shared_ptr<LiveSession>>>
        by_source_;  // guarded by mutex_
};

}  // namespace decnet::honeypot
