// Events the API raises about attacks on itself (issue #5 §6: a locked-out login attempt
// produces an event). Under `decnet up` they go on the EventBus like a decky's events —
// stored, written to the syslog files and pushed to the live stream; the standalone
// `decnet api` stores them directly. Throttled per source address so a password spray
// against the API cannot turn into a write per request.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "events/event.hpp"
#include "events/lifecycle_rate_limiter.hpp"

namespace decnet::store {
class Repository;
}

namespace decnet::api {

class SecurityEvents {
  public:
    using Publish = std::function<void(Event)>;

    // `host` is the syslog HOSTNAME the events carry (the machine the API runs on).
    SecurityEvents(Publish publish, std::string host,
                   std::chrono::duration<double> per_source_window = std::chrono::seconds(1));

    // A login refused because the source address or the username is locked out.
    void login_lockout(const std::string& source_ip, const std::string& username,
                       std::chrono::seconds retry_after);

    // Events not published because the same source had one within the window.
    std::uint64_t throttled() const { return limiter_.dropped(); }

    // Publish straight into the store (the standalone API has no bus or ingester).
    static Publish store_directly(store::Repository& repo);
    // This machine's name, for `host`.
    static std::string local_host_name();

  private:
    Publish publish_;
    std::string host_;
    LifecycleRateLimiter limiter_;
};

}  // namespace decnet::api
