// GET /api/v1/stream (api.md §3): auth (stream variant, §2.3), parameters, the first three
// frames, then the stream is handed to the StreamHub, which pushes new rows as the
// LogFeed delivers them (no polling per client).
#include <climits>

#include "api/api_context.hpp"
#include "api/log_feed.hpp"
#include "api/resources/ops_resources.hpp"
#include "api/resources/read_resources.hpp"
#include "api/stream_hub.hpp"
#include "api/validation.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

constexpr int kHistogramMinutes = 15;

// Browsers resend the id of the last frame they saw when they reconnect; an unusable
// value is ignored rather than refused (we sent it, or someone else did).
std::optional<long long> last_event_id_header(const Request& request) {
    const auto value = request.header("last-event-id");
    if (!value || value->empty()) return std::nullopt;
    try {
        std::size_t used = 0;
        const long long id = std::stoll(*value, &used);
        if (used == value->size()) return id;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

Response open_stream(ApiContext& context, StreamHub& hub, const Request& request) {
    // Validated after auth (the router authenticated already), as FastAPI does (§3.1).
    long long last_id = query_int(request, "lastEventId", 0, LLONG_MIN, LLONG_MAX);
    const auto max_output = query_int(request, "maxOutput", 0, LLONG_MIN, LLONG_MAX);
    if (last_id == 0) last_id = last_event_id_header(request).value_or(0);

    StreamHub::ClientSpec spec;
    // Not null-ish normalised (§3.1): "null" is searched literally, "" means no search.
    if (auto search = request.query_param("search"); search && !search->empty())
        spec.filter.search = std::move(search);
    spec.filter.start_time = request.query_param("start_time");
    spec.filter.end_time = request.query_param("end_time");
    spec.cursor = last_id != 0 ? last_id : context.repo.max_log_id();
    if (context.settings.developer_mode && request.query_param("maxOutput"))
        spec.max_iterations = max_output;

    // §3.2 step 3: the first stats and histogram, uncached, before the 200 goes out.
    std::string initial = ": keepalive\n\n";
    initial += sse_message("{\"type\":\"stats\",\"data\":" + stats_json(context) + "}");
    initial += sse_message("{\"type\":\"histogram\",\"data\":" +
                           histogram_json(context.repo, spec.filter, kHistogramMinutes) + "}");

    Response response;
    response.content_type = "text/event-stream; charset=utf-8";
    response.with_header("Cache-Control", "no-cache").with_header("X-Accel-Buffering", "no");
    response.stream = hub.open(std::move(spec), std::move(initial));
    return response;
}

}  // namespace

std::vector<Route> stream_routes(ApiContext& context) {
    if (!context.log_feed) return {};
    if (!context.stream_hub) {
        StreamHub::Snapshots snapshots;
        snapshots.stats = [&context] { return stats_json(context); };
        snapshots.histogram = [&repo = context.repo](const store::LogFilter& filter) {
            return histogram_json(repo, filter, kHistogramMinutes);
        };
        context.stream_hub =
            std::make_shared<StreamHub>(context.repo, *context.log_feed, std::move(snapshots));
    }
    Route route;
    route.method = "GET";
    route.pattern = "/api/v1/stream";
    route.access = Access::kStreamToken;
    route.handler = [&context, hub = context.stream_hub](const Request& request, const Principal&) {
        return open_stream(context, *hub, request);
    };
    return {std::move(route)};
}

}  // namespace decnet::api
