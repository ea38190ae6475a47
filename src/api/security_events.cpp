#include "api/security_events.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <vector>

#include "store/ingest/log_record.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {
constexpr const char* kLoginLockout = "login_lockout";
}

SecurityEvents::SecurityEvents(Publish publish, std::string host,
                               std::chrono::duration<double> per_source_window)
    : publish_(std::move(publish)),
      host_(std::move(host)),
      limiter_({kLoginLockout}, per_source_window) {}

void SecurityEvents::login_lockout(const std::string& source_ip, const std::string& username,
                                   std::chrono::seconds retry_after) {
    if (!publish_ || !limiter_.allow(source_ip, host_, "api", kLoginLockout)) return;
    Event event;
    event.time = event_now();
    event.decky = host_;
    event.service = "api";
    event.event_type = kLoginLockout;
    event.severity = Severity::warning;
    event.src_ip = source_ip;
    event.add("src_ip", source_ip);
    event.add("username", username);
    event.add("retry_after", retry_after.count());
    try {
        publish_(std::move(event));
    } catch (const std::exception& e) {
        // Losing this event must not turn the 429 into a 500.
        spdlog::warn("api: could not record the login lockout event: {}", e.what());
    }
}

SecurityEvents::Publish SecurityEvents::store_directly(store::Repository& repo) {
    return [&repo](Event event) {
        std::array rows{store::to_log_record(event)};
        repo.insert_logs(rows);
    };
}

std::string SecurityEvents::local_host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "decnet";
    return name;
}

}  // namespace decnet::api
