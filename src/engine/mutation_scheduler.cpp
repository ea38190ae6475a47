// Periodic due-mutation check.
#include "engine/mutation_scheduler.hpp"

#include <algorithm>
#include <iostream>

#include "engine/fleet.hpp"

namespace decnet::engine {

MutationScheduler::MutationScheduler(Fleet& fleet, double minute_seconds)
    : fleet_(fleet),
      minute_seconds_(minute_seconds),
      period_(std::chrono::milliseconds(
          static_cast<long>(std::clamp(minute_seconds, 0.1, 10.0) * 1000))),
      thread_([this] { run(); }) {}

MutationScheduler::~MutationScheduler() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void MutationScheduler::run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
        lock.unlock();
        try {
            for (const auto& r : fleet_.mutate_due(epoch_seconds(), minute_seconds_)) {
                if (r.ok) {
                    std::string services;
                    for (const auto& s : r.new_services)
                        services += (services.empty() ? "" : ", ") + s;
                    std::cout << "Mutating '" << r.decky << "' to services: " << services
                              << std::endl;
                }
                if (!r.ok)
                    std::cerr << "mutation of " << r.decky << " failed: " << r.error << std::endl;
            }
            fleet_.refresh_state_file();
        } catch (const std::exception& e) {
            // A full disk must not stop the deckies; the next poll tries again.
            std::cerr << "mutator: " << e.what() << std::endl;
        }
        lock.lock();
    }
}

}  // namespace decnet::engine
