// GET /api/v1/artifacts (viewer): the payloads attackers uploaded or fetched, newest first,
// listed from the `artifact` bounty rows (so `decnet api` sees what another process
// captured). GET /api/v1/artifacts/{sha256} (admin): one payload's bytes, always as an
// attachment, read from the artifact store; only a validated hash ever names the file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <filesystem>

#include "api/api_context.hpp"
#include "api/resources/read_resources.hpp"
#include "api/resources/resource_json.hpp"
#include "api/validation.hpp"
#include "honeypot/world/artifact_store.hpp"
#include "store/repository.hpp"

namespace decnet::api {
namespace {

constexpr long long kMaxOffset = 2147483647;
// Past the store's default per-file quota by far; a body is held in memory once.
constexpr off_t kMaxDownloadBytes = off_t{256} << 20;
constexpr std::string_view kShaPattern = "^[0-9a-f]{64}$";

bool on_disk(const ApiContext& context, const std::string& sha256) {
    if (context.artifact_dir.empty() || !honeypot::is_artifact_name(sha256)) return false;
    std::error_code ec;
    return std::filesystem::is_regular_file(std::filesystem::path(context.artifact_dir) / sha256,
                                            ec);
}

// The payload's fields flattened beside the row's; `stored`: downloadable now.
nlohmann::ordered_json artifact_json(const ApiContext& context, const store::BountyRecord& row) {
    auto payload = parse_or_raw(row.payload);
    const auto field = [&payload](const char* key) {
        return payload.is_object() && payload.contains(key) ? payload[key]
                                                            : nlohmann::ordered_json(nullptr);
    };
    const auto sha256 = field("sha256");
    return {
        {"id", row.id},
        {"timestamp", iso_timestamp(row.timestamp)},
        {"decky", row.decky},
        {"service", row.service},
        {"attacker_ip", row.attacker_ip},
        {"sha256", sha256},
        {"size", field("size")},
        {"mime", field("mime")},
        {"origin", field("origin")},
        {"filename", field("filename")},
        {"stored", sha256.is_string() && on_disk(context, sha256.get<std::string>())},
    };
}

Response list_artifacts(ApiContext& context, const Request& request) {
    const int limit = static_cast<int>(query_int(request, "limit", 50, 1, 1000));
    const int offset = static_cast<int>(query_int(request, "offset", 0, 0, kMaxOffset));
    store::BountyFilter filter;
    filter.bounty_type = "artifact";
    filter.attacker_ip = query_string(request, "attacker_ip");
    filter.decky = query_string(request, "decky");
    filter.service = query_string(request, "service");
    filter.start_time = query_string(request, "start_time");
    filter.end_time = query_string(request, "end_time");
    if (const auto sha256 = query_string(request, "sha256")) {
        if (!honeypot::is_artifact_name(*sha256))
            fail_pattern("query", "sha256", *sha256, kShaPattern);
        // The payload's first key, as the bounty rule writes it (compact JSON).
        filter.payload_contains = "{\"sha256\":\"" + *sha256 + "\"";
    }
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    for (const auto& row : context.repo.bounties(filter, limit, offset))
        data.push_back(artifact_json(context, row));
    const auto total = context.repo.count_bounties(filter);
    return Response::json(dump_json(
        {{"total", total}, {"limit", limit}, {"offset", offset}, {"data", std::move(data)}}));
}

// The whole file, or nullopt when it is not there (or not a plain file).
std::optional<std::string> read_artifact(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;
    std::optional<std::string> body;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        if (st.st_size > kMaxDownloadBytes) {
            ::close(fd);
            throw ApiError{500, "Artifact too large to serve", {}};
        }
        body.emplace(static_cast<std::size_t>(st.st_size), '\0');
        std::size_t done = 0;
        while (done < body->size()) {
            const auto n = ::read(fd, body->data() + done, body->size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        body->resize(done);
    }
    ::close(fd);
    return body;
}

Response download_artifact(ApiContext& context, const Request& request) {
    const auto& sha256 = request.path_param("sha256");
    if (!honeypot::is_artifact_name(sha256))
        throw ApiError{400, "sha256 must be 64 lower-case hexadecimal digits", {}};
    auto body = stored_artifact(context, sha256);
    if (!body) throw ApiError{404, "Artifact not found", {}};
    Response response;
    response.content_type = "application/octet-stream";
    response.body = std::move(*body);
    response.with_header("Content-Disposition", "attachment; filename=\"" + sha256 + ".bin\"")
        .with_header("X-Content-Type-Options", "nosniff")
        .with_header("Cache-Control", "no-store");
    return response;
}

}  // namespace

std::optional<std::string> stored_artifact(const ApiContext& context, const std::string& sha256) {
    if (context.artifact_dir.empty() || !honeypot::is_artifact_name(sha256)) return std::nullopt;
    return read_artifact(std::filesystem::path(context.artifact_dir) / sha256);
}

std::vector<Route> artifact_routes(ApiContext& context) {
    Route list;
    list.method = "GET";
    list.pattern = "/api/v1/artifacts";
    list.access = Access::kViewer;
    list.handler = [&context](const Request& request, const Principal&) {
        return list_artifacts(context, request);
    };
    Route download;
    download.method = "GET";
    download.pattern = "/api/v1/artifacts/{sha256}";
    download.access = Access::kAdmin;
    download.handler = [&context](const Request& request, const Principal&) {
        return download_artifact(context, request);
    };
    return {std::move(list), std::move(download)};
}

}  // namespace decnet::api
