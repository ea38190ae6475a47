// Per-source session registry and cross-thread eviction (posted to the session's executor,
// the only thread that touches its socket).
#include "honeypot/live_sessions.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

#include "honeypot/session.hpp"

namespace decnet::honeypot {

using Clock = std::chrono::steady_clock;

LiveSession::LiveSession(std::string source, boost::asio::any_io_executor executor)
    : source_(std::move(source)),
      executor_(std::move(executor)),
      last_activity_(Clock::now().time_since_epoch().count()) {}

Clock::time_point LiveSession::last_activity() const {
    return Clock::time_point(Clock::duration(last_activity_.load(std::memory_order_relaxed)));
}

void LiveSession::touch() {
    last_activity_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
}

void LiveSession::attach(Session* session) {
    session_ = session;
    if (session_ && evicted_) session_->evict();
}

void LiveSession::evict() {
    boost::asio::post(executor_, [self = shared_from_this()] {
        self->evicted_ = true;
        if (self->session_) self->session_->evict();
    });
}

SourceSessions::Admission SourceSessions::admit(const std::string& source,
                                                boost::asio::any_io_executor executor) {
    if (max_per_source_ == 0) return {};
    auto session = std::make_shared<LiveSession>(source, std::move(executor));
    std::shared_ptr<LiveSession> victim;
    {
        const std::lock_guard lock(mutex_);
        auto& live = by_source_[source];
        if (live.size() >= max_per_source_) {
            const auto idlest =
                std::min_element(live.begin(), live.end(), [](const auto& a, const auto& b) {
                    return a->last_activity() < b->last_activity();
                });
            victim = std::move(*idlest);
            live.erase(idlest);
        }
        live.push_back(session);
    }
    if (victim) victim->evict();
    return {std::move(session), victim != nullptr};
}

void SourceSessions::release(const std::shared_ptr<LiveSession>& session) {
    const std::lock_guard lock(mutex_);
    const auto it = by_source_.find(session->source());
    if (it == by_source_.end()) return;
    std::erase(it->second, session);
    if (it->second.empty()) by_source_.erase(it);
}

std::size_t SourceSessions::count(const std::string& source) const {
    const std::lock_guard lock(mutex_);
    const auto it = by_source_.find(source);
    return it == by_source_.end() ? 0 : it->second.size();
}

}  // namespace decnet::honeypot
