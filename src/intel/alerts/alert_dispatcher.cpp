// The dispatcher: one Asio thread; per target a queue (guarded by its mutex, filled by the
// ingester's thread) and one coroutine that takes alerts from it and POSTs them with
// retries. Timers live in the coroutines; offer() wakes a waiting one by posting a cancel.
#include "intel/alerts/alert_dispatcher.hpp"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "intel/alerts/webhook_client.hpp"
#include "intel/alerts/webhook_signature.hpp"
#include "store/repository.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // GCC PR 109224, see webhook_client
#endif

namespace decnet::intel::alerts {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct Item {
    store::LogRecord row;
    Severity severity;
};
using ItemPtr = std::shared_ptr<const Item>;

// A header value from event data: printable ASCII only (no CR/LF injection), bounded.
std::string header_value(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 128)) out += c >= 0x20 && c <= 0x7e ? c : '?';
    return out;
}

bool retryable(int status) {
    return status == 0 || status == 408 || status == 425 || status == 429 || status >= 500;
}

std::unique_ptr<asio::ssl::context> tls_context(const WebhookTarget& target) {
    if (!target.url.tls) return nullptr;
    auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    if (target.verify_tls) {
        context->set_default_verify_paths();
        context->set_verify_mode(asio::ssl::verify_peer);
    } else {
        context->set_verify_mode(asio::ssl::verify_none);
    }
    return context;
}

struct Lane {
    explicit Lane(WebhookTarget t) : target(std::move(t)), tls(tls_context(target)) {}

    // Appends, dropping the oldest alert when full. Any thread.
    void push(ItemPtr item) {
        const std::lock_guard lock(mutex);
        if (queue.size() >= target.max_queue) {
            queue.pop_front();
            dropped.fetch_add(1, std::memory_order_relaxed);
        }
        queue.push_back(std::move(item));
        queued.fetch_add(1, std::memory_order_relaxed);
    }

    ItemPtr pop() {
        const std::lock_guard lock(mutex);
        if (queue.empty()) return nullptr;
        auto item = std::move(queue.front());
        queue.pop_front();
        return item;
    }

    const WebhookTarget target;
    const std::unique_ptr<asio::ssl::context> tls;
    // The coroutine's timers while it waits for work or a retry (the I/O thread only).
    asio::steady_timer* idle = nullptr;
    asio::steady_timer* backoff = nullptr;

    mutable std::mutex mutex;
    std::deque<ItemPtr> queue;  // guarded by mutex
    std::atomic<std::uint64_t> queued{0}, delivered{0}, failed{0}, retries{0}, dropped{0};
};

}  // namespace

struct AlertDispatcher::Impl {
    Impl(AlertSettings s, Render r) : settings(std::move(s)), render(std::move(r)) {
        for (const auto& target : settings.targets) lanes.push_back(std::make_unique<Lane>(target));
    }

    asio::awaitable<void> run_lane(Lane& lane);
    asio::awaitable<void> deliver(Lane& lane, const Item& item, asio::steady_timer& pause);
    std::chrono::milliseconds backoff_delay(const WebhookTarget& target, int retry);
    void wake(Lane& lane) {
        asio::post(io, [&lane] {
            if (lane.idle != nullptr) lane.idle->cancel();
        });
    }

    const AlertSettings settings;
    const Render render;
    std::vector<std::unique_ptr<Lane>> lanes;  // outlive io: its coroutines refer to them
    asio::io_context io{1};
    std::optional<asio::steady_timer> grace;  // the I/O thread only, once stopping
    std::atomic<bool> stopping{false};
    int live = 0;         // lanes still running (the I/O thread only)
    std::mt19937_64 rng;  // backoff jitter (the I/O thread only)
    std::thread thread;
};

std::chrono::milliseconds AlertDispatcher::Impl::backoff_delay(const WebhookTarget& target,
                                                               int retry) {
    // backoff × 2^(retry-1), capped; then "equal jitter": half of it fixed, half random, so
    // many decnets behind one receiver that failed together do not retry together.
    auto delay = target.backoff;
    for (int i = 1; i < retry && delay < target.max_backoff; ++i) delay *= 2;
    delay = std::min(delay, target.max_backoff);
    const auto half = delay.count() / 2;
    std::uniform_int_distribution<long long> jitter(0, std::max<long long>(half, 0));
    return std::chrono::milliseconds(delay.count() - half + jitter(rng));
}

asio::awaitable<void> AlertDispatcher::Impl::deliver(Lane& lane, const Item& item,
                                                     asio::steady_timer& pause) {
    const auto& target = lane.target;
    const std::string body = render(item.row);
    const auto executor = co_await asio::this_coro::executor;
    for (int attempt = 1;; ++attempt) {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        const auto timestamp =
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count());
        Headers headers = {
            {"Content-Type", "application/json"},
            {"User-Agent", "decnet-alerts/1"},
            {"X-Decnet-Event", header_value(item.row.event_type)},
            {"X-Decnet-Event-Id", std::to_string(item.row.id)},
            {"X-Decnet-Severity", std::string(to_string(item.severity))},
            {"X-Decnet-Target", target.name},
            {"X-Decnet-Attempt", std::to_string(attempt)},
            {"X-Decnet-Timestamp", timestamp},
        };
        if (!target.secret.empty())
            headers.emplace_back("X-Decnet-Signature",
                                 webhook_signature(target.secret, timestamp, body));
        const auto deadline = Clock::now() + target.timeout;
        const auto result =
            co_await post_webhook(executor, lane.tls.get(), target.url, headers, body, deadline);
        if (result.status >= 200 && result.status < 300) {
            lane.delivered.fetch_add(1, std::memory_order_relaxed);
            co_return;
        }
        const bool again =
            retryable(result.status) && attempt < target.max_attempts && !stopping.load();
        if (!again) {
            const auto failed = lane.failed.fetch_add(1, std::memory_order_relaxed) + 1;
            // The first failure and every 100th: a dead receiver must not flood the log.
            if (failed == 1 || failed % 100 == 0)
                spdlog::warn(
                    "alerts: [{}] event {} not delivered after {} attempt(s): {} "
                    "({} failed so far)",
                    target.name, item.row.id, attempt,
                    result.status != 0 ? "HTTP " + std::to_string(result.status) : result.error,
                    failed);
            co_return;
        }
        lane.retries.fetch_add(1, std::memory_order_relaxed);
        pause.expires_after(backoff_delay(target, attempt));
        lane.backoff = &pause;
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        lane.backoff = nullptr;
    }
}

asio::awaitable<void> AlertDispatcher::Impl::run_lane(Lane& lane) {
    const auto executor = co_await asio::this_coro::executor;
    asio::steady_timer idle(executor);
    asio::steady_timer pause(executor);
    for (;;) {
        const auto item = lane.pop();
        if (!item) {
            if (stopping.load()) break;
            idle.expires_at(asio::steady_timer::time_point::max());
            lane.idle = &idle;
            boost::system::error_code ec;
            co_await idle.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            lane.idle = nullptr;
            continue;
        }
        std::string error;
        try {
            co_await deliver(lane, *item, pause);
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (!error.empty()) {
            lane.failed.fetch_add(1, std::memory_order_relaxed);
            spdlog::warn("alerts: [{}] event {}: {}", lane.target.name, item->row.id, error);
        }
    }
    if (--live == 0 && grace) grace->cancel();
}

AlertDispatcher::AlertDispatcher(AlertSettings settings, Render render)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(render))) {
    if (impl_->lanes.empty()) return;
    impl_->rng.seed(std::random_device{}());
    for (auto& lane : impl_->lanes) {
        ++impl_->live;
        asio::co_spawn(impl_->io, impl_->run_lane(*lane), asio::detached);
    }
    impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

AlertDispatcher::~AlertDispatcher() {
    stop();
}

void AlertDispatcher::offer(const std::vector<store::LogRecord>& rows) {
    if (impl_->lanes.empty() || impl_->stopping.load(std::memory_order_relaxed)) return;
    std::vector<bool> woken(impl_->lanes.size(), false);
    for (const auto& row : rows) {
        const auto severity = severity_of_raw_line(row.raw_line);
        ItemPtr item;
        for (std::size_t i = 0; i < impl_->lanes.size(); ++i) {
            auto& lane = *impl_->lanes[i];
            if (!lane.target.matches(row.service, row.event_type, severity)) continue;
            if (!item) item = std::make_shared<const Item>(Item{row, severity});
            lane.push(item);
            woken[i] = true;
        }
    }
    for (std::size_t i = 0; i < impl_->lanes.size(); ++i)
        if (woken[i]) impl_->wake(*impl_->lanes[i]);
}

void AlertDispatcher::stop(std::chrono::milliseconds grace) {
    if (!impl_->thread.joinable()) return;
    impl_->stopping.store(true);
    asio::post(impl_->io, [impl = impl_.get(), grace] {
        for (auto& lane : impl->lanes) {
            if (lane->idle != nullptr) lane->idle->cancel();
            if (lane->backoff != nullptr) lane->backoff->cancel();
        }
        if (impl->live == 0) return;
        impl->grace.emplace(impl->io, grace);
        impl->grace->async_wait([impl](boost::system::error_code ec) {
            if (!ec) impl->io.stop();
        });
    });
    impl_->thread.join();
    for (auto& lane : impl_->lanes) {
        const std::lock_guard lock(lane->mutex);
        lane->dropped.fetch_add(lane->queue.size(), std::memory_order_relaxed);
        lane->queue.clear();
    }
}

const AlertSettings& AlertDispatcher::settings() const {
    return impl_->settings;
}

std::vector<AlertTargetStats> AlertDispatcher::stats() const {
    std::vector<AlertTargetStats> out;
    for (const auto& lane : impl_->lanes) {
        AlertTargetStats s;
        s.name = lane->target.name;
        s.queued = lane->queued.load(std::memory_order_relaxed);
        s.delivered = lane->delivered.load(std::memory_order_relaxed);
        s.failed = lane->failed.load(std::memory_order_relaxed);
        s.retries = lane->retries.load(std::memory_order_relaxed);
        s.dropped = lane->dropped.load(std::memory_order_relaxed);
        {
            const std::lock_guard lock(lane->mutex);
            s.depth = lane->queue.size();
        }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace decnet::intel::alerts
