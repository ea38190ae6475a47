// FailureLog: one WARNING per failure streak, one INFO when it ends.
#include "events/sinks/failure_log.hpp"

#include <spdlog/spdlog.h>

namespace decnet {

bool FailureLog::failed(std::string_view what) {
    if (failing_) return false;
    failing_ = true;
    spdlog::warn("{}: {} (further failures are counted, not logged)", subject_, what);
    return true;
}

void FailureLog::recovered(std::string_view what) {
    if (!failing_) return;
    failing_ = false;
    spdlog::info("{}: {}", subject_, what);
}

}  // namespace decnet
