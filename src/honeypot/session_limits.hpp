// Limits every attacker session runs under, so one source (or a slowloris) can't exhaust a
// decky or the process. All configurable; defaults suit a honeypot on the open Internet.
#pragma once

#include <chrono>
#include <cstddef>

namespace decnet::honeypot {

struct SessionLimits {
    std::size_t max_sessions_per_decky = 512;
    // Concurrent, per attacker IP, per process; one more evicts its longest-idle session.
    std::size_t max_sessions_per_source = 32;
    std::chrono::seconds idle_timeout{60};       // no byte received for this long → close
    std::chrono::seconds max_session_time{600};  // total lifetime
    std::size_t max_bytes_in = 1024 * 1024;      // per session, received
    std::size_t max_line = 8 * 1024;             // a single protocol line/frame
    // Emulators' own waits (Session::pause, Session::wait_budget: login's failure delay,
    // mongod's awaited hello, a pull's progress, FTP's wait for a data connection) end at
    // once. For fuzzing, where waiting is all such an input would cost; never in service.
    bool instant_waits = false;
};

}  // namespace decnet::honeypot
