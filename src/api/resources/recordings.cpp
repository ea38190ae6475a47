// GET /api/v1/recordings/{sha256} (viewer): the asciicast of one attacker session, for the
// dashboard's player. Casts are artifacts, whose download is admin-only because an
// artifact may be malware; a cast is only what the attacker's terminal showed — the
// commands viewers already read in the logs — so viewers may fetch a hash here only when a
// `session_recorded` event names it as its cast. Any other artifact stays admin-only.
#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/resources/read_resources.hpp"
#include "api/validation.hpp"
#include "honeypot/world/artifact_store.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

bool is_recorded_cast(ApiContext& context, const std::string& sha256) {
    store::LogFilter filter;
    filter.search = "event:session_recorded cast:" + sha256;
    return !context.repo.logs(filter, 1, 0).empty();
}

Response download_recording(ApiContext& context, const Request& request) {
    const auto& sha256 = request.path_param("sha256");
    if (!honeypot::is_artifact_name(sha256))
        throw ApiError{400, "sha256 must be 64 lower-case hexadecimal digits", {}};
    if (!is_recorded_cast(context, sha256)) throw ApiError{404, "Recording not found", {}};
    auto body = stored_artifact(context, sha256);
    if (!body) throw ApiError{404, "Recording not stored (artifact quota full or storing off)", {}};
    Response response;
    // asciicast v2 is newline-delimited JSON; served as an attachment and never sniffed, as
    // the attacker wrote every byte of its output.
    response.content_type = "application/x-asciicast";
    response.body = std::move(*body);
    response.with_header("Content-Disposition", "attachment; filename=\"" + sha256 + ".cast\"")
        .with_header("X-Content-Type-Options", "nosniff")
        .with_header("Cache-Control", "no-store");
    return response;
}

}  // namespace

std::vector<Route> recording_routes(ApiContext& context) {
    Route download;
    download.method = "GET";
    download.pattern = "/api/v1/recordings/{sha256}";
    download.access = Access::kViewer;
    download.handler = [&context](const Request& request, const Principal&) {
        return download_recording(context, request);
    };
    return {std::move(download)};
}

}  // namespace decnet::api
