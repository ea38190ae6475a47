// The forwarder's relp:// client against the collector's RELP listener, in process: every
// message acknowledged arrives once and in order; a refused message makes the forwarder
// reconnect and send again what was not acknowledged (spooled meanwhile).
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "events/rfc5424.hpp"
#include "events/sinks/syslog_forwarder.hpp"
#include "events/syslog_listener.hpp"
#include "sink_test_support.hpp"

namespace decnet {
namespace {

using namespace std::chrono_literals;
using test::sample_events;
using test::TempDir;

// A RELP collector on its own thread; `decide` answers each message (true = stored).
class RelpCollector {
  public:
    explicit RelpCollector(std::function<bool(const std::string&)> decide)
        : decide_(std::move(decide)),
          listener_(parse_listen_list("relp://127.0.0.1:0"),
                    [](std::string_view, std::string_view) {}) {
        listener_.set_reliable_handler(
            [this](std::string_view line, std::string_view, const SyslogAck& ack) {
                const std::string text(line);
                const bool stored = decide_(text);
                if (stored) {
                    const std::lock_guard lock(mutex_);
                    lines_.push_back(text);
                }
                ack(stored);
            });
        listener_.start();
        thread_ = std::thread([this] { listener_.run(); });
    }
    ~RelpCollector() {
        listener_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return listener_.bound_ports().front(); }
    std::vector<std::string> lines() {
        const std::lock_guard lock(mutex_);
        return lines_;
    }
    SyslogListenerStats stats() const { return listener_.stats(); }

  private:
    std::function<bool(const std::string&)> decide_;
    SyslogListener listener_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::string> lines_;
};

SyslogForwarderOptions relp_options(std::uint16_t port, const TempDir& dir) {
    SyslogForwarderOptions options;
    options.target = {LogTransport::relp, "127.0.0.1", port};
    options.backoff_initial = 20ms;
    options.backoff_max = 80ms;
    options.connect_timeout = 2000ms;
    options.io_timeout = 2000ms;
    options.spool_dir = dir / "spool";
    options.relp_window = 16;
    return options;
}

std::vector<std::string> lines_of(const std::vector<EventPtr>& events) {
    std::vector<std::string> lines;
    for (const auto& event : events) lines.push_back(format_rfc5424(*event));
    return lines;
}

TEST(RelpForwarder, AcknowledgedMessagesArriveOnceInOrder) {
    RelpCollector collector([](const std::string&) { return true; });
    TempDir dir;
    SyslogForwarder forwarder(relp_options(collector.port(), dir));
    const auto events = sample_events(0, 100);
    forwarder.write_batch(std::span(events).subspan(0, 60));
    forwarder.write_batch(std::span(events).subspan(60));
    // write_batch returns once the collector answered: nothing is in flight.
    EXPECT_EQ(collector.lines(), lines_of(events));
    const auto stats = forwarder.stats();
    EXPECT_EQ(stats.written, 100u);
    EXPECT_EQ(stats.spooled, 0u);
    EXPECT_EQ(collector.stats().relp_messages, 100u);
}

TEST(RelpForwarder, RefusedMessageIsSpooledAndSentAgainAfterReconnect) {
    const auto events = sample_events(0, 40);
    const auto expected = lines_of(events);
    std::atomic<int> refusals{0};
    RelpCollector collector([&](const std::string& line) {
        // The 10th message is refused once (a full ingest queue).
        return !(line == expected[9] && refusals.fetch_add(1) == 0);
    });
    TempDir dir;
    SyslogForwarder forwarder(relp_options(collector.port(), dir));
    forwarder.write_batch(events);
    auto stats = forwarder.stats();
    EXPECT_EQ(stats.written, 9u);   // the acknowledged prefix
    EXPECT_EQ(stats.spooled, 31u);  // the refused one and everything after it
    ASSERT_TRUE(test::eventually(
        [&] {
            forwarder.poll();
            return forwarder.stats().written == 40u;
        },
        5000ms));
    // Each line arrived; those after the refused one in its window may have arrived
    // twice (stored, never acknowledged because the session ended): RELP's at-least-once.
    const auto lines = collector.lines();
    EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()),
              std::set<std::string>(expected.begin(), expected.end()));
    EXPECT_LE(lines.size(), expected.size() + 16);
    EXPECT_EQ(collector.stats().relp_nacked, 1u);
    EXPECT_EQ(forwarder.stats().replayed, 31u);
}

}  // namespace
}  // namespace decnet
