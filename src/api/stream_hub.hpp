// StreamHub: the live side of GET /api/v1/stream (api.md §3). One worker thread serves
// every open stream: rows pushed by the LogFeed go straight to unfiltered clients,
// filtered clients (and any client resuming or behind) read the store from their cursor;
// stats and histogram frames follow logs (rate-limited) and come every ~10 s when idle.
// Each client has a bounded send buffer: one that cannot keep up is dropped and counted,
// never waited for.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_message.hpp"
#include "store/repository.hpp"

namespace decnet::api {

class LogFeed;
class StreamClient;

struct StreamHubOptions {
    // One loop iteration of §3.3 (what maxOutput counts).
    std::chrono::milliseconds tick{1000};
    // Stats + histogram after logs frames at most this often per client...
    std::chrono::milliseconds min_refresh{1000};
    // ...and at least this often when idle (the stream's heartbeat).
    std::chrono::milliseconds idle_refresh{10000};
    int rows_per_frame = 50;              // the reference's page; clients may rely on it
    int max_frames_per_pass = 20;         // catch-up frames per client before serving others
    std::size_t max_pending_rows = 2000;  // pushed rows held per client; beyond, read the store
    std::size_t max_queued_bytes = std::size_t{1} << 20;  // unsent bytes before a drop
};

struct StreamHubStats {
    std::uint64_t open = 0;          // streams now
    std::uint64_t opened = 0;        // streams ever
    std::uint64_t dropped_slow = 0;  // dropped for a full send buffer
    std::uint64_t errors = 0;        // ended with the error frame
    std::uint64_t rows_sent = 0;
};

// One SSE frame: "event: message\ndata: <json>\n" + "id: <id>\n" when given + "\n".
std::string sse_message(std::string_view json, std::optional<std::int64_t> id = std::nullopt);
// The §3.3 error frame.
std::string sse_error_frame();

class StreamHub {
  public:
    // The data of the stats frame and of the histogram frame (15-minute buckets) for a
    // filter, both uncached JSON; called on the worker thread.
    struct Snapshots {
        std::function<std::string()> stats;
        std::function<std::string(const store::LogFilter&)> histogram;
    };
    struct ClientSpec {
        store::LogFilter filter;
        std::int64_t cursor = 0;                  // rows with a larger id are sent
        std::optional<long long> max_iterations;  // developer-mode maxOutput
    };

    StreamHub(store::Repository& repo, LogFeed& feed, Snapshots snapshots,
              StreamHubOptions options = {});
    ~StreamHub();
    StreamHub(const StreamHub&) = delete;
    StreamHub& operator=(const StreamHub&) = delete;

    // The body source of one stream: writes `initial_frames` first, then joins the hub.
    std::shared_ptr<StreamSource> open(ClientSpec spec, std::string initial_frames);

    StreamHubStats stats() const;
    // Ends every stream and the worker. Idempotent; the destructor calls it.
    void stop();

  private:
    friend class StreamClient;
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace decnet::api
