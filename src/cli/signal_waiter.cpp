// sigwait-based shutdown trigger.
#include "cli/signal_waiter.hpp"

#include <pthread.h>

namespace decnet::cli {

SignalWaiter::SignalWaiter(std::function<void()> on_signal) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this, on_signal = std::move(on_signal)] {
        int signal = 0;
        sigwait(&set_, &signal);
        if (!done_.exchange(true)) {
            fired_ = true;
            on_signal();
        }
    });
}

SignalWaiter::~SignalWaiter() {
    if (!done_.exchange(true)) pthread_kill(thread_.native_handle(), SIGTERM);  // wake sigwait
    thread_.join();
}

}  // namespace decnet::cli
