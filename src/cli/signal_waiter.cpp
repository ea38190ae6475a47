// sigwait-based shutdown trigger (and SIGHUP hook).
#include "cli/signal_waiter.hpp"

#include <pthread.h>

namespace decnet::cli {

SignalWaiter::SignalWaiter(std::function<void()> on_signal, std::function<void()> on_hangup) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    if (on_hangup) sigaddset(&set_, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ =
        std::thread([this, on_signal = std::move(on_signal), on_hangup = std::move(on_hangup)] {
            for (;;) {
                int signal = 0;
                sigwait(&set_, &signal);
                if (signal == SIGHUP && !done_.load()) {
                    on_hangup();
                    continue;
                }
                if (signal == SIGHUP) continue;  // stopping: only the destructor's SIGTERM ends us
                if (!done_.exchange(true)) {
                    fired_ = true;
                    on_signal();
                }
                return;
            }
        });
}

SignalWaiter::~SignalWaiter() {
    if (!done_.exchange(true)) pthread_kill(thread_.native_handle(), SIGTERM);  // wake sigwait
    thread_.join();
}

}  // namespace decnet::cli
