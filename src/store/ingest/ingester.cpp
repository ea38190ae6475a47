// Batching, retry and row isolation of the ingester.
#include "store/ingest/ingester.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>
#include <thread>

#include "store/ingest/bounty.hpp"
#include "store/ingest/log_record.hpp"
#include "store/store_unavailable.hpp"
#include "telemetry/metrics.hpp"
#include "telemetry/span.hpp"

namespace decnet::store {
namespace {

constexpr std::size_t kMaxDeadLetterPayload = std::size_t{64} * 1024;

std::string truncated(const std::string& s) {
    return s.size() <= kMaxDeadLetterPayload ? s : s.substr(0, kMaxDeadLetterPayload);
}

// Events by (service, event_type), counted here because this thread sees every event
// once, off the sessions' hot path. Rows of one batch mostly repeat the previous row's
// pair, so the labelled child is looked up again only when the pair changes.
void count_events(const std::vector<LogRecord>& rows) {
    auto& family = telemetry::metrics::standard().events_ingested;
    telemetry::metrics::Counter* counter = nullptr;
    const LogRecord* previous = nullptr;
    for (const auto& row : rows) {
        if (!previous || row.service != previous->service || row.event_type != previous->event_type)
            counter = &family.with({row.service, row.event_type});
        counter->inc();
        previous = &row;
    }
}

// Links the batch span to the span of every event it stores (the reference parented one
// span per record under the event's trace; batching broke that, so links carry it). A
// span holds at most 128 links (OpenTelemetry's default limit): the rest go on
// `ingester.batch_links` children of the batch span, 128 each, so none is dropped.
void link_rows(telemetry::Span& batch, const std::vector<LogRecord>& rows) {
    constexpr std::size_t kLinksPerSpan = 128;
    std::vector<TraceContext> contexts;
    contexts.reserve(rows.size());
    for (const auto& row : rows)
        if (const auto context = trace_context_of(row); context.valid())
            contexts.push_back(context);
    batch.set_attribute("linked_events", static_cast<std::int64_t>(contexts.size()));
    std::size_t i = 0;
    for (; i < contexts.size() && i < kLinksPerSpan; ++i) batch.add_link(contexts[i]);
    for (; i < contexts.size(); i += kLinksPerSpan) {
        const auto end = std::min(contexts.size(), i + kLinksPerSpan);
        telemetry::Span more(
            "ingester.batch_links",
            telemetry::SpanStart{.links = std::span(contexts).subspan(i, end - i)});
    }
}

}  // namespace

Ingester::Ingester(Repository& repository, IngesterOptions options)
    : repository_(repository), options_(options) {}

void Ingester::run(Subscription& subscription) {
    using clock = std::chrono::steady_clock;
    std::vector<EventPtr> taken;
    std::vector<LogRecord> pending;
    pending.reserve(options_.max_batch);
    auto first_pending = clock::now();

    feeding_ = &subscription;
    const auto flush = [&] {
        if (!pending.empty()) store(pending, "bus");
        pending.clear();
    };
    while (!subscription.finished()) {
        const auto wait =
            pending.empty()
                ? options_.max_wait
                : std::min(options_.idle_flush,
                           std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::max(clock::duration::zero(),
                                        first_pending + options_.max_wait - clock::now())));
        const bool idle = subscription.pop_batch(taken, wait) == 0;
        for (const auto& event : taken) {
            if (pending.empty()) first_pending = clock::now();
            pending.push_back(to_log_record(*event));
            if (pending.size() >= options_.max_batch) flush();
        }
        taken.clear();
        if (!pending.empty() && (idle || clock::now() - first_pending >= options_.max_wait))
            flush();
    }
    flush();
    feeding_ = nullptr;
}

void Ingester::store(std::vector<LogRecord>& rows, const std::string& source) {
    if (rows.empty()) return;
    // A new trace per batch: a batch holds events of many sessions, so it links to them
    // instead of joining one (and a long-lived loop never keeps one trace open).
    telemetry::Span span("ingester.batch", telemetry::SpanStart{.new_root = true});
    if (span.recording()) {
        span.set_attributes(
            {{"batch_size", static_cast<std::int64_t>(rows.size())}, {"source", source}});
        link_rows(span, rows);
    }
    const auto started = std::chrono::steady_clock::now();
    if (options_.enrich)
        for (auto& row : rows) options_.enrich(row);
    const auto& metrics = telemetry::metrics::standard();
    count_events(rows);
    metrics.ingest_batch_rows.with({}).observe(static_cast<double>(rows.size()));
    events_ += rows.size();
    batches_++;
    Insert outcome = Insert::refused;
    {
        telemetry::Span write("ingester.write");
        outcome = try_insert(rows);
        if (outcome != Insert::stored)
            write.set_status(telemetry::StatusCode::error,
                             outcome == Insert::refused ? "batch refused" : "store unavailable");
    }
    if (outcome == Insert::unavailable || outcome == Insert::abandoned) {
        lost_ += rows.size();
        if (outcome == Insert::unavailable)
            spdlog::error("ingester: store unavailable; {} rows not stored{}", rows.size(),
                          abandoned_ ? " (stopping: what is still queued is not tried)" : "");
    } else if (outcome == Insert::refused) {
        span.set_attribute("isolated", true);
        isolate_bad_rows(rows, source);
    } else {
        stored_ += rows.size();
        notify_committed(rows);
        extract_and_store_bounties(rows);
        notify_stored(rows);
    }
    metrics.ingest_batch_seconds.with({}).observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

void Ingester::notify_committed(const std::vector<LogRecord>& rows) {
    if (!after_commit_ || rows.empty()) return;
    try {
        after_commit_(rows);
    } catch (const std::exception& e) {
        spdlog::warn("ingester: after-commit hook: {}", e.what());
    }
}

void Ingester::notify_stored(const std::vector<LogRecord>& rows) {
    if (!after_store_ || rows.empty()) return;
    try {
        after_store_(rows);
    } catch (const std::exception& e) {
        spdlog::warn("ingester: after-store hook: {}", e.what());
    }
}

Ingester::Insert Ingester::try_insert(std::vector<LogRecord>& rows) {
    if (abandoned_) return Insert::abandoned;  // a stop must not wait out each batch
    auto backoff = options_.retry_backoff;
    for (int attempt = 0;; ++attempt) {
        try {
            repository_.insert_logs(rows);
            unavailable_log_.recovered("the store is back; the held batch is stored");
            return Insert::stored;
        } catch (const StoreUnavailable& e) {
            // Its server is away: the rows are not at fault, so no row isolation.
            if (!hold_while_unavailable(rows.size(), e.what())) return Insert::unavailable;
            attempt = -1;
        } catch (const StoreError& e) {
            if (attempt >= options_.retries) {
                spdlog::warn("ingester: batch of {} rows failed after {} retries: {}", rows.size(),
                             attempt, e.what());
                return Insert::refused;
            }
            retries_++;
            std::this_thread::sleep_for(backoff);
            backoff *= 4;
        }
    }
}

// Waits unavailable_pause before the same batch is tried again; false (give up) outside
// run() or once the subscription is closed, so a stop is never held up by a dead server.
bool Ingester::hold_while_unavailable(std::size_t rows, const std::string& why) {
    using clock = std::chrono::steady_clock;
    if (feeding_ == nullptr) return false;
    if (feeding_->closed()) {
        abandoned_ = true;
        return false;
    }
    unavailable_log_.failed(why + "; holding a batch of " + std::to_string(rows) +
                            " rows and trying again (new events wait in the queue)");
    held_++;
    const auto until = clock::now() + options_.unavailable_pause;
    for (auto now = clock::now(); now < until; now = clock::now()) {
        if (feeding_->closed()) {
            abandoned_ = true;
            return false;
        }
        std::this_thread::sleep_for(
            std::min<clock::duration>(until - now, std::chrono::milliseconds(50)));
    }
    return true;
}

// The batch failed even after retries: store row by row so only the rows the store
// refuses are set aside.
void Ingester::isolate_bad_rows(std::vector<LogRecord>& rows, const std::string& source) {
    std::vector<LogRecord> good;
    for (auto& row : rows) {
        std::vector<LogRecord> one{row};
        try {
            repository_.insert_logs(one);
            stored_++;
            good.push_back(std::move(one.front()));
            continue;
        } catch (const StoreError& e) {
            try {
                repository_.insert_dead_letter(
                    {now_timestamp(), source, e.what(), truncated(row.raw_line)});
                dead_letters_++;
            } catch (const StoreError& dead) {
                lost_++;
                spdlog::error("ingester: row lost ({}; dead letter failed: {})", e.what(),
                              dead.what());
            }
        }
    }
    notify_committed(good);
    extract_and_store_bounties(good);
    notify_stored(good);
}

void Ingester::extract_and_store_bounties(const std::vector<LogRecord>& rows) {
    std::vector<BountyRecord> bounties;
    std::vector<TraceContext> sources;  // the events that yielded bounties, when traced
    for (const auto& row : rows) {
        auto found = extract_bounties(row);
        if (found.empty()) continue;
        if (telemetry::tracing_enabled())
            if (const auto context = trace_context_of(row); context.valid())
                sources.push_back(context);
        for (auto& b : found) bounties.push_back(std::move(b));
    }
    if (bounties.empty()) return;
    // Only when something was found: a child of the batch, linked to the source events.
    telemetry::Span span("ingester.extract_bounty", telemetry::SpanStart{.links = sources});
    span.set_attribute("bounty_count", static_cast<std::int64_t>(bounties.size()));
    const auto now = now_timestamp();
    for (auto& b : bounties) b.timestamp = now;
    try {
        const auto stored = repository_.insert_bounties(bounties);
        bounties_ += stored;
        span.set_attribute("bounties_stored", static_cast<std::int64_t>(stored));
    } catch (const StoreError& e) {
        span.set_status(telemetry::StatusCode::error, e.what());
        spdlog::error("ingester: {} bounties not stored: {}", bounties.size(), e.what());
    }
}

IngesterStats Ingester::stats() const {
    return {events_.load(),       stored_.load(), batches_.load(), bounties_.load(),
            dead_letters_.load(), lost_.load(),   retries_.load(), held_.load()};
}

}  // namespace decnet::store
