// SyslogForwarder: framing, the connect/backoff state machine, and the spool-first rule
// (while anything is spooled, new messages queue behind it, so order is kept).
#include "events/sinks/syslog_forwarder.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
#include <vector>

#include "events/rfc5424.hpp"
#include "events/sinks/failure_log.hpp"
#include "events/sinks/relp_client.hpp"
#include "events/sinks/syslog_spool.hpp"
#include "events/sinks/syslog_transport.hpp"
#include "events/utf8.hpp"

namespace decnet {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kStreamChunk = 64 * 1024;  // bytes per send() on TCP/TLS

// Cuts at a character boundary so a truncated line is still valid UTF-8.
std::size_t utf8_prefix(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return text.size();
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return end;
}

}  // namespace

struct SyslogForwarder::Impl {
    const SyslogForwarderOptions options;
    std::unique_ptr<SyslogTransport> transport;
    std::optional<RelpClient> relp;  // relp:// targets: the session on top of the transport
    std::optional<SyslogSpool> spool;
    SinkCounters counters;
    FailureLog link_log;         // connect / send failures
    FailureLog spool_full_log;   // spool at its limit
    FailureLog spool_error_log;  // spool I/O errors, or no spool at all
    std::atomic<bool> reopen_requested{false};

    bool connected = false;
    bool ever_connected = false;
    std::chrono::milliseconds backoff;
    Clock::time_point next_attempt{};
    std::vector<std::string> messages;  // this batch, reused
    std::vector<std::string> replay;    // peeked from the spool, reused
    std::string frames;                 // stream framing buffer, reused

    explicit Impl(SyslogForwarderOptions o)
        : options(std::move(o)),
          transport(make_syslog_transport(options)),
          link_log("syslog forwarder " + options.target.to_string()),
          spool_full_log("syslog forwarder " + options.target.to_string()),
          spool_error_log("syslog forwarder " + options.target.to_string()),
          backoff(options.backoff_initial) {
        if (options.target.transport == LogTransport::relp)
            relp.emplace(*transport, options.relp_window, options.io_timeout);
        if (!options.spool_dir.empty()) {
            spool.emplace(SyslogSpool::Options{options.spool_dir, options.spool_max_bytes,
                                               options.spool_segment_bytes});
            update_spool_gauge();
        }
    }

    bool spool_pending() const { return spool && !spool->empty(); }
    void update_spool_gauge() {
        counters.spool_bytes.store(spool ? spool->bytes() : 0, std::memory_order_relaxed);
    }

    // ---- messages -------------------------------------------------------------------

    // The wire payload of one event: the RFC 5424 line, cut to what the transport and
    // the spool accept.
    void format(const Event& event) {
        std::string& line = messages.emplace_back();
        append_rfc5424_traced(line, event);  // the collector continues the trace
        const std::size_t limit = relp                     ? options.relp_max_message
                                  : transport->is_stream() ? SyslogSpool::kMaxMessage
                                                           : options.max_datagram;
        if (line.size() > limit) {
            line.resize(utf8_prefix(line, limit));
            counters.truncated.fetch_add(1, std::memory_order_relaxed);
        }
    }

    // ---- connection -----------------------------------------------------------------

    bool ensure_connected() {
        if (connected) return true;
        const auto now = Clock::now();
        if (now < next_attempt) return false;
        auto error = transport->connect();
        if (error.empty() && relp) {
            error = relp->open();
            if (!error.empty()) transport->close();
        }
        if (!error.empty()) {
            counters.errors.fetch_add(1, std::memory_order_relaxed);
            link_log.failed(error);
            schedule_retry();
            return false;
        }
        connected = true;
        counters.connected.store(true, std::memory_order_relaxed);
        if (ever_connected) counters.reconnects.fetch_add(1, std::memory_order_relaxed);
        ever_connected = true;
        link_log.recovered("connected");
        return true;
    }

    void schedule_retry() {
        next_attempt = Clock::now() + backoff;
        backoff = std::min(backoff * 2, options.backoff_max);
    }

    void connection_lost(const std::string& why) {
        transport->close();
        connected = false;
        counters.connected.store(false, std::memory_order_relaxed);
        counters.errors.fetch_add(1, std::memory_order_relaxed);
        link_log.failed(why);
        schedule_retry();
    }

    void check_peer() {
        if (connected && transport->peer_closed()) connection_lost("connection closed by peer");
    }

    // ---- sending --------------------------------------------------------------------

    // Sends messages in order; returns how many got out whole. A failure drops the
    // connection; the caller keeps the rest.
    std::size_t send_all(std::span<const std::string> batch) {
        std::size_t done = relp                     ? send_relp(batch)
                           : transport->is_stream() ? send_frames(batch)
                                                    : send_datagrams(batch);
        if (done > 0) backoff = options.backoff_initial;  // the link works again
        return done;
    }

    std::size_t send_datagrams(std::span<const std::string> batch) {
        for (std::size_t i = 0; i < batch.size(); ++i) {
            std::size_t sent = 0;
            if (auto error = transport->send(batch[i], sent); !error.empty()) {
                connection_lost(error);
                return i;
            }
        }
        return batch.size();
    }

    // RELP: only what the collector acknowledged counts as sent; the rest stays (in the
    // spool) and goes again after the reconnect.
    std::size_t send_relp(std::span<const std::string> batch) {
        std::string error;
        const std::size_t done = relp->send(batch, error);
        if (!error.empty()) connection_lost(error);
        return done;
    }

    // RFC 6587 octet counting: "LEN SP MSG", several frames per send.
    std::size_t send_frames(std::span<const std::string> batch) {
        std::size_t done = 0;
        while (done < batch.size()) {
            frames.clear();
            std::vector<std::size_t> ends;  // byte offset where each frame ends
            std::size_t next = done;
            while (next < batch.size() && (frames.empty() || frames.size() < kStreamChunk)) {
                frames += std::to_string(batch[next].size());
                frames.push_back(' ');
                frames += batch[next];
                ends.push_back(frames.size());
                ++next;
            }
            std::size_t sent = 0;
            const auto error = transport->send(frames, sent);
            // Frames the kernel took whole count as sent; a partial one goes again later.
            done += static_cast<std::size_t>(std::upper_bound(ends.begin(), ends.end(), sent) -
                                             ends.begin());
            if (!error.empty()) {
                connection_lost(error);
                return done;
            }
        }
        return done;
    }

    void replay_spool(std::size_t budget) {
        for (int guard = 0; guard < 1000 && connected && spool_pending() && budget > 0; ++guard) {
            if (const auto error = spool->peek(replay, budget); error) {
                spool_failure("cannot read spool: " + error.message());
                break;
            }
            if (replay.empty()) break;
            const std::size_t sent = send_all(replay);
            spool->consume(sent);
            counters.written.fetch_add(sent, std::memory_order_relaxed);
            counters.replayed.fetch_add(sent, std::memory_order_relaxed);
            std::size_t bytes = 0;
            for (std::size_t i = 0; i < sent; ++i) bytes += replay[i].size();
            budget -= std::min(budget, std::max<std::size_t>(bytes, 1));
            if (sent < replay.size()) break;
        }
        update_spool_gauge();
        if (!spool_pending()) spool_full_log.recovered("spool drained");
    }

    // ---- spooling -------------------------------------------------------------------

    void spool_or_drop(std::span<const std::string> rest) {
        if (rest.empty()) return;
        if (!spool) {
            drop(rest.size());
            spool_error_log.failed("target unreachable and no spool configured; dropping");
            return;
        }
        const auto result = spool->append(rest);
        counters.spooled.fetch_add(result.accepted, std::memory_order_relaxed);
        drop(rest.size() - result.accepted);
        if (result.error) {
            spool_failure("cannot write spool " + spool->directory().string() + ": " +
                          result.error.message() + "; dropping");
        } else if (result.full) {
            spool_full_log.failed("spool " + spool->directory().string() + " is full (" +
                                  std::to_string(options.spool_max_bytes) +
                                  " bytes); dropping until it drains");
        } else {
            spool_error_log.recovered("spool writable again");
        }
        update_spool_gauge();
    }

    void spool_failure(const std::string& what) {
        counters.errors.fetch_add(1, std::memory_order_relaxed);
        spool_error_log.failed(what);
    }

    void drop(std::size_t count) { counters.dropped.fetch_add(count, std::memory_order_relaxed); }

    // ---- the sink -------------------------------------------------------------------

    void handle_reopen() {
        if (!reopen_requested.exchange(false, std::memory_order_relaxed)) return;
        transport->close();
        connected = false;
        counters.connected.store(false, std::memory_order_relaxed);
        backoff = options.backoff_initial;
        next_attempt = Clock::now();
    }

    // Spooled messages go first; live ones are sent only once the spool is empty, and
    // otherwise join its tail.
    void deliver(std::span<const std::string> batch) {
        handle_reopen();
        check_peer();
        // Replay at least twice what arrives, so the spool shrinks even under load.
        std::size_t incoming = 0;
        for (const auto& message : batch) incoming += message.size();
        if (ensure_connected() && spool_pending()) {
            replay_spool(std::max(options.replay_chunk_bytes, 2 * incoming));
        }
        std::size_t sent = 0;
        if (connected && !spool_pending()) {
            sent = send_all(batch);
            counters.written.fetch_add(sent, std::memory_order_relaxed);
        }
        spool_or_drop(batch.subspan(sent));
    }

    void write_batch(std::span<const EventPtr> events) {
        messages.clear();
        for (const auto& event : events) {
            if (event) format(*event);
        }
        deliver(messages);
    }

    void poll() {
        handle_reopen();
        check_peer();
        if (ensure_connected() && spool_pending()) replay_spool(options.replay_chunk_bytes);
    }
};

SyslogForwarder::SyslogForwarder(SyslogForwarderOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

SyslogForwarder::~SyslogForwarder() {
    close();
}

void SyslogForwarder::write_batch(std::span<const EventPtr> events) {
    impl_->write_batch(events);
}
void SyslogForwarder::poll() {
    impl_->poll();
}

// Nothing is held in memory between calls (sent or spooled), so closing only hangs up.
void SyslogForwarder::close() {
    if (impl_->relp && impl_->connected) impl_->relp->close();
    impl_->transport->close();
    impl_->connected = false;
    impl_->counters.connected.store(false, std::memory_order_relaxed);
}

void SyslogForwarder::reopen() {
    impl_->reopen_requested.store(true, std::memory_order_relaxed);
}
SinkStats SyslogForwarder::stats() const {
    return impl_->counters.snapshot();
}

}  // namespace decnet
