// The worker of the SSE streams. Gap-free resume, without duplicates: a client joins the
// feed first, then reads the store from its cursor until a read comes back short; rows
// pushed meanwhile are held and sent only past the cursor (ids grow in commit order, and
// every row committed after joining is pushed). A client whose held rows overflow, or
// that has a filter, goes back to reading the store, so nothing is ever lost.
#include "api/stream_hub.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <tuple>
#include <vector>

#include "api/log_feed.hpp"
#include "api/resources/resource_json.hpp"
#include "store/ingest/log_record.hpp"
#include "telemetry/span.hpp"

namespace decnet::api {

std::string sse_message(std::string_view json, std::optional<std::int64_t> id) {
    std::string frame;
    frame.reserve(json.size() + 48);
    frame += "event: message\ndata: ";
    frame += json;
    frame += '\n';
    // An id lets a browser's automatic reconnect send Last-Event-ID and resume (the
    // reference sent none).
    if (id) frame += "id: " + std::to_string(*id) + "\n";
    frame += '\n';
    return frame;
}

std::string sse_error_frame() {
    return "event: error\ndata: {\"type\":\"error\",\"message\":\"Stream interrupted\"}\n\n";
}

namespace {

using Clock = std::chrono::steady_clock;

std::string logs_frame(const std::vector<store::LogRecord>& rows, std::size_t begin,
                       std::size_t end) {
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    for (auto i = begin; i < end; ++i) data.push_back(log_json(rows[i]));
    nlohmann::ordered_json frame;
    frame["type"] = "logs";
    frame["data"] = std::move(data);
    return sse_message(dump_json(frame), rows[end - 1].id);
}

std::string typed_frame(std::string_view type, const std::string& data_json) {
    std::string json = "{\"type\":\"";
    json += type;
    json += "\",\"data\":";
    json += data_json;
    json += '}';
    return sse_message(json);
}

using FilterKey =
    std::tuple<std::optional<std::string>, std::optional<std::string>, std::optional<std::string>>;

}  // namespace

class StreamClient;

struct StreamHub::State {
    store::Repository& repo;
    LogFeed& feed;
    Snapshots snapshots;
    StreamHubOptions options;
    std::uint64_t feed_handle = 0;

    mutable std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    bool dirty = false;  // some client has work
    std::map<StreamClient*, std::shared_ptr<StreamClient>> clients;
    std::thread worker;

    std::atomic<std::uint64_t> opened{0}, dropped_slow{0}, errors{0}, rows_sent{0};

    State(store::Repository& r, LogFeed& f, Snapshots s, StreamHubOptions o)
        : repo(r), feed(f), snapshots(std::move(s)), options(o) {}

    void on_rows(const LogFeed::Batch& batch);
    void run();
    void pass(bool tick);
};

// One open stream. Fields under "hub mutex" are shared with the feed callback; the rest
// belong to the worker thread.
class StreamClient : public StreamSource, public std::enable_shared_from_this<StreamClient> {
  public:
    StreamClient(std::weak_ptr<StreamHub::State> hub, StreamHub::ClientSpec spec,
                 std::string initial)
        : hub_(std::move(hub)), spec_(std::move(spec)), initial_(std::move(initial)) {
        cursor_ = spec_.cursor;
    }

    void start(std::shared_ptr<StreamSink> sink) override {
        sink->write(std::move(initial_));
        initial_.clear();
        auto hub = hub_.lock();
        if (!hub || (spec_.max_iterations && *spec_.max_iterations <= 0)) {
            sink->close();  // maxOutput=0: the three first frames only
            return;
        }
        std::lock_guard lock(hub->mutex);
        if (hub->stopping) return sink->close();
        sink_ = std::move(sink);
        last_refresh_ = Clock::now();
        hub->clients.emplace(this, shared_from_this());
        hub->dirty = true;
        hub->opened++;
        hub->wake.notify_one();
    }

    void stopped() override {
        if (auto hub = hub_.lock()) {
            std::lock_guard lock(hub->mutex);
            hub->clients.erase(this);
        }
    }

    // hub mutex held
    void on_rows(const LogFeed::Batch& batch, std::size_t max_pending) {
        if (needs_query_) return;  // the store read will see these rows
        if (!spec_.filter.empty() || pending_rows_ + batch->size() > max_pending) {
            needs_query_ = true;
            pending_.clear();
            pending_rows_ = 0;
        } else {
            pending_.push_back(batch);
            pending_rows_ += batch->size();
        }
        has_work_ = true;
    }

    // Worker thread: the logs frames owed. False: the client is finished (remove it).
    bool serve_logs(StreamHub::State& hub, bool tick) {
        std::vector<LogFeed::Batch> batches;
        bool query = false;
        {
            std::lock_guard lock(hub.mutex);
            query = needs_query_;
            needs_query_ = false;
            batches.swap(pending_);
            pending_rows_ = 0;
            has_work_ = false;
        }
        const auto& options = hub.options;
        try {
            if (tick && spec_.max_iterations && ++iterations_ > *spec_.max_iterations) {
                sink_->close();
                return false;
            }
            bool sent = false;
            if (query) {
                // Pushed rows held back so far are dropped: this read covers them.
                batches.clear();
                int frames = 0;
                for (;;) {
                    auto rows =
                        hub.repo.logs_after_id(cursor_, spec_.filter, options.rows_per_frame);
                    if (rows.empty()) break;
                    if (!send_logs(hub, rows, 0, rows.size())) return false;
                    hub.rows_sent += rows.size();
                    cursor_ = rows.back().id;
                    sent = true;
                    if (static_cast<int>(rows.size()) < options.rows_per_frame) break;
                    if (++frames >= options.max_frames_per_pass) {
                        // More backlog: come back after serving the others.
                        std::lock_guard lock(hub.mutex);
                        needs_query_ = true;
                        has_work_ = true;
                        hub.dirty = true;
                        break;
                    }
                }
            }
            for (const auto& batch : batches) {
                const auto& rows = *batch;
                auto begin = std::upper_bound(rows.begin(), rows.end(), cursor_,
                                              [](std::int64_t id, const store::LogRecord& row) {
                                                  return id < row.id;
                                              }) -
                             rows.begin();
                const auto size = static_cast<std::ptrdiff_t>(rows.size());
                for (; begin < size; begin += options.rows_per_frame) {
                    const auto end = std::min<std::ptrdiff_t>(size, begin + options.rows_per_frame);
                    if (!send_logs(hub, rows, static_cast<std::size_t>(begin),
                                   static_cast<std::size_t>(end)))
                        return false;
                    hub.rows_sent += static_cast<std::uint64_t>(end - begin);
                    cursor_ = rows[static_cast<std::size_t>(end - 1)].id;
                    sent = true;
                }
            }
            if (sent) refresh_pending_ = true;
        } catch (const std::exception& e) {
            return fail(hub, e);
        }
        return true;
    }

    // Worker thread, after every client's logs frames of the pass: stats + histogram when
    // due. False: the client is finished (remove it).
    bool refresh(StreamHub::State& hub, bool tick, std::map<FilterKey, std::string>& histograms,
                 std::optional<std::string>& stats) {
        const auto& options = hub.options;
        try {
            const auto now = Clock::now();
            const auto since = now - last_refresh_;
            const bool due = (refresh_pending_ && since >= options.min_refresh) ||
                             (tick && since >= options.idle_refresh);
            if (due) {
                if (!stats) stats = hub.snapshots.stats();
                auto key =
                    FilterKey{spec_.filter.start_time, spec_.filter.end_time, spec_.filter.search};
                auto it = histograms.find(key);
                if (it == histograms.end())
                    it = histograms.emplace(key, hub.snapshots.histogram(spec_.filter)).first;
                if (!send(hub, typed_frame("stats", *stats))) return false;
                if (!send(hub, typed_frame("histogram", it->second))) return false;
                last_refresh_ = now;
                refresh_pending_ = false;
            }
        } catch (const std::exception& e) {
            return fail(hub, e);
        }
        return true;
    }

    bool refresh_waiting() const { return refresh_pending_; }
    bool has_work() const { return has_work_; }  // hub mutex held
    StreamSink& sink() { return *sink_; }

  private:
    // §3.3: any failure in the loop ends this stream with the error frame.
    bool fail(StreamHub::State& hub, const std::exception& e) {
        spdlog::debug("api: stream ended by error: {}", e.what());
        hub.errors++;
        sink_->write(sse_error_frame());
        sink_->close();
        return false;
    }

    // One `sse.emit_logs` span per logs frame for one client (tracing.md §3: links to the
    // span of every row it carries, and log_count), a new trace of its own: the frame
    // follows many sessions, and a long-lived stream must not keep one trace open.
    // A frame holds at most rows_per_frame rows (50 by default), within a span's 128 links.
    bool send_logs(StreamHub::State& hub, const std::vector<store::LogRecord>& rows,
                   std::size_t begin, std::size_t end) {
        telemetry::Span span("sse.emit_logs", telemetry::SpanStart{.new_root = true});
        if (span.recording()) {
            span.set_attribute("log_count", static_cast<std::int64_t>(end - begin));
            for (auto i = begin; i < end; ++i)
                if (const auto context = store::trace_context_of(rows[i]); context.valid())
                    span.add_link(context, {{"log_id", rows[i].id}});
        }
        return send(hub, logs_frame(rows, begin, end));
    }

    bool send(StreamHub::State& hub, std::string frame) {
        if (sink_->queued_bytes() + frame.size() > hub.options.max_queued_bytes) {
            // Too far behind: drop it rather than buffer without bound or wait for it.
            hub.dropped_slow++;
            sink_->abort();
            return false;
        }
        return sink_->write(std::move(frame));
    }

    std::weak_ptr<StreamHub::State> hub_;
    StreamHub::ClientSpec spec_;
    std::string initial_;
    std::shared_ptr<StreamSink> sink_;
    // hub mutex
    bool needs_query_ = true;  // a new client first reads the store from its cursor
    bool has_work_ = true;
    std::vector<LogFeed::Batch> pending_;
    std::size_t pending_rows_ = 0;
    // worker thread
    std::int64_t cursor_ = 0;
    long long iterations_ = 0;
    bool refresh_pending_ = false;
    Clock::time_point last_refresh_{};
};

void StreamHub::State::on_rows(const LogFeed::Batch& batch) {
    std::lock_guard lock(mutex);
    if (clients.empty()) return;
    for (auto& [raw, client] : clients) client->on_rows(batch, options.max_pending_rows);
    dirty = true;
    wake.notify_one();
}

void StreamHub::State::pass(bool tick) {
    std::vector<std::shared_ptr<StreamClient>> todo;
    {
        std::lock_guard lock(mutex);
        dirty = false;
        for (auto& [raw, client] : clients)
            if (tick || client->has_work() || client->refresh_waiting()) todo.push_back(client);
    }
    const auto finished = [&](const std::shared_ptr<StreamClient>& client) {
        std::lock_guard lock(mutex);
        clients.erase(client.get());
    };
    // Every client's new rows first: the stats and histogram queries (a scan of the
    // window's logs) must not hold up the other clients' rows (docs/BENCHMARKS.md,
    // sse_latency_bench).
    std::vector<std::shared_ptr<StreamClient>> served;
    served.reserve(todo.size());
    for (auto& client : todo) {
        if (client->serve_logs(*this, tick))
            served.push_back(std::move(client));
        else
            finished(client);
    }
    // Shared by every client of this pass: one stats query, one histogram per filter.
    std::optional<std::string> stats;
    std::map<FilterKey, std::string> histograms;
    for (auto& client : served)
        if (!client->refresh(*this, tick, histograms, stats)) finished(client);
}

void StreamHub::State::run() {
    auto next_tick = Clock::now() + options.tick;
    std::unique_lock lock(mutex);
    while (!stopping) {
        // A refresh held back by the rate limit needs a wake-up of its own.
        bool refresh_waiting = false;
        for (auto& [raw, client] : clients) refresh_waiting |= client->refresh_waiting();
        const auto deadline = refresh_waiting
                                  ? std::min(next_tick, Clock::now() + options.min_refresh / 4)
                                  : next_tick;
        wake.wait_until(lock, deadline, [this] { return stopping || dirty; });
        if (stopping) break;
        const bool tick = Clock::now() >= next_tick;
        if (tick) next_tick = Clock::now() + options.tick;
        lock.unlock();
        try {
            pass(tick);
        } catch (const std::exception& e) {
            spdlog::warn("api: stream worker: {}", e.what());
        }
        lock.lock();
    }
}

StreamHub::StreamHub(store::Repository& repo, LogFeed& feed, Snapshots snapshots,
                     StreamHubOptions options)
    : state_(std::make_shared<State>(repo, feed, std::move(snapshots), options)) {
    std::weak_ptr<State> weak = state_;
    state_->feed_handle = feed.subscribe([weak](const LogFeed::Batch& batch) {
        if (auto state = weak.lock()) state->on_rows(batch);
    });
    state_->worker = std::thread([state = state_.get()] { state->run(); });
}

StreamHub::~StreamHub() {
    stop();
}

std::shared_ptr<StreamSource> StreamHub::open(ClientSpec spec, std::string initial_frames) {
    return std::make_shared<StreamClient>(state_, std::move(spec), std::move(initial_frames));
}

StreamHubStats StreamHub::stats() const {
    StreamHubStats out;
    {
        std::lock_guard lock(state_->mutex);
        out.open = state_->clients.size();
    }
    out.opened = state_->opened;
    out.dropped_slow = state_->dropped_slow;
    out.errors = state_->errors;
    out.rows_sent = state_->rows_sent;
    return out;
}

void StreamHub::stop() {
    std::map<StreamClient*, std::shared_ptr<StreamClient>> clients;
    {
        std::lock_guard lock(state_->mutex);
        if (state_->stopping) return;
        state_->stopping = true;
        clients.swap(state_->clients);
    }
    state_->feed.unsubscribe(state_->feed_handle);
    state_->wake.notify_all();
    if (state_->worker.joinable()) state_->worker.join();
    for (auto& [raw, client] : clients) client->sink().close();
}

}  // namespace decnet::api
