// PlcMemory: what attackers wrote into one conpot decky's PLC (Modbus coils and holding
// registers, S7 DB1/M/Q). Shared by every session of the decky — a write shows in anyone's
// later reads, as on a real controller — for the life of the deployment. Bounded by the
// tables' sizes; the one lock guards it.
#pragma once

#include <mutex>

#include "honeypot/world/plc_device.hpp"

namespace decnet::honeypot::conpot {

class PlcMemory {
  public:
    // Runs `f(writes)` under the lock (a request's reads and writes as one step).
    template <class F>
    auto with(F&& f) {
        const std::lock_guard lock(mutex_);
        return f(writes_);
    }

  private:
    std::mutex mutex_;
    PlcWrites writes_;
};

}  // namespace decnet::honeypot::conpot
