#include "honeypot/shell/recorded_session.hpp"

#include <cstdio>

#include "honeypot/session.hpp"
#include "honeypot/shell/cast_recorder.hpp"
#include "honeypot/shell/shell.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::shell {

boost::asio::awaitable<int> run_recorded(Session& session, Shell& shell, Terminal& terminal,
                                         const CastOptions& options, std::string_view user,
                                         std::string_view banner) {
    CastRecorder cast(terminal, options);
    int status = 0;
    bool shown = true;
    if (!banner.empty()) shown = co_await cast.write(banner);
    if (shown) status = co_await shell.interactive(cast);
    const auto result = cast.finish(session.context().artifacts);
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f", result.duration);
    auto event = session.event("session_recorded");
    event.add("user", std::string(user))
        .add("cast", result.artifact.sha256)
        .add("size", std::to_string(result.artifact.size))
        .add("duration", duration)
        .add("truncated", result.truncated ? "true" : "false")
        .add("stored", result.artifact.stored ? "true" : "false");
    session.emit(std::move(event));
    co_return status;
}

}  // namespace decnet::honeypot::shell
