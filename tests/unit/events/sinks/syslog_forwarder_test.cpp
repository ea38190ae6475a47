// SyslogForwarder against loopback receivers: exact UDP datagrams, exact TCP octet
// counting, TLS verification (right CA, wrong CA, wrong name, client certificate), and
// the spool: down → spooled → up → delivered in order exactly once; full; unwritable.
#include "events/sinks/syslog_forwarder.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "events/rfc5424.hpp"
#include "sink_test_support.hpp"

namespace decnet {
namespace {

using namespace std::chrono_literals;
using test::sample_event;
using test::sample_events;
using test::StreamReceiver;
using test::TempDir;

std::vector<std::string> lines_of(const std::vector<EventPtr>& events) {
    std::vector<std::string> lines;
    for (const auto& event : events) lines.push_back(format_rfc5424(*event));
    return lines;
}

SyslogForwarderOptions options_for(LogTransport transport, std::uint16_t port) {
    SyslogForwarderOptions options;
    options.target = {transport, "127.0.0.1", port};
    options.backoff_initial = 20ms;
    options.backoff_max = 80ms;
    options.connect_timeout = 2000ms;
    options.io_timeout = 2000ms;
    return options;
}

// Calls poll() (what SinkRunner does when idle) until `done` or the timeout.
bool poll_until(SyslogForwarder& forwarder, const std::function<bool()>& done,
                std::chrono::milliseconds timeout = 5000ms) {
    return test::eventually(
        [&] {
            forwarder.poll();
            return done();
        },
        timeout);
}

TEST(SyslogForwarder, UdpSendsOneExactLinePerDatagram) {
    test::UdpReceiver receiver;
    SyslogForwarder forwarder(options_for(LogTransport::udp, receiver.port()));
    const auto events = sample_events(0, 5);
    forwarder.write_batch(events);
    ASSERT_TRUE(receiver.wait_for(5));
    EXPECT_EQ(receiver.messages(), lines_of(events));
    EXPECT_EQ(forwarder.stats().written, 5u);
    EXPECT_TRUE(forwarder.stats().connected);
}

TEST(SyslogForwarder, UdpTruncatesOversizedLinesAtACharacterBoundary) {
    test::UdpReceiver receiver;
    auto options = options_for(LogTransport::udp, receiver.port());
    options.max_datagram = 201;
    SyslogForwarder forwarder(options);
    Event event = *sample_event(1);
    event.msg = std::string(300, 'x') + "é";
    event.msg.replace(130, 2, "é");  // a two-byte character across the 201-byte cut
    forwarder.write_batch(std::vector<EventPtr>{std::make_shared<const Event>(event)});
    ASSERT_TRUE(receiver.wait_for(1));
    const auto datagram = receiver.messages().at(0);
    EXPECT_LE(datagram.size(), 201u);
    EXPECT_EQ(datagram, format_rfc5424(event).substr(0, datagram.size()));
    EXPECT_EQ(forwarder.stats().truncated, 1u);
}

TEST(SyslogForwarder, TcpUsesExactOctetCounting) {
    StreamReceiver receiver;
    receiver.listen();
    SyslogForwarder forwarder(options_for(LogTransport::tcp, receiver.port()));
    const auto events = sample_events(0, 3);
    forwarder.write_batch(events);
    ASSERT_TRUE(receiver.wait_for(3));
    std::string expected;
    for (const auto& line : lines_of(events)) {
        expected += std::to_string(line.size()) + " " + line;
    }
    EXPECT_EQ(receiver.raw(), expected);
    EXPECT_EQ(receiver.framing_errors(), 0);
    EXPECT_EQ(forwarder.stats().written, 3u);
}

TEST(SyslogForwarder, TargetDownIsSpooledThenReplayedInOrderExactlyOnce) {
    TempDir dir;
    StreamReceiver receiver;  // bound, not listening: connections are refused
    auto options = options_for(LogTransport::tcp, receiver.port());
    options.spool_dir = dir / "spool";
    SyslogForwarder forwarder(options);
    const auto down = sample_events(0, 30);
    for (int i = 0; i < 3; ++i) {
        forwarder.write_batch(std::span(down).subspan(static_cast<std::size_t>(i) * 10, 10));
    }
    auto stats = forwarder.stats();
    EXPECT_EQ(stats.spooled, 30u);
    EXPECT_EQ(stats.written, 0u);
    EXPECT_EQ(stats.dropped, 0u);
    EXPECT_GT(stats.errors, 0u);
    EXPECT_GT(stats.spool_bytes, 0u);
    EXPECT_FALSE(stats.connected);

    receiver.listen();
    ASSERT_TRUE(poll_until(forwarder, [&] { return forwarder.stats().written == 30u; }));
    const auto live = sample_events(30, 5);
    forwarder.write_batch(live);
    ASSERT_TRUE(receiver.wait_for(35));
    auto expected = lines_of(down);
    for (const auto& line : lines_of(live)) expected.push_back(line);
    EXPECT_EQ(receiver.messages(), expected);
    stats = forwarder.stats();
    EXPECT_EQ(stats.replayed, 30u);
    EXPECT_EQ(stats.written, 35u);
    EXPECT_EQ(stats.spool_bytes, 0u);
    EXPECT_TRUE(stats.connected);
}

TEST(SyslogForwarder, RestartedTargetGetsEverythingInOrder) {
    TempDir dir;
    auto first = std::make_unique<StreamReceiver>();
    first->listen();
    const auto port = first->port();
    auto options = options_for(LogTransport::tcp, port);
    options.spool_dir = dir / "spool";
    SyslogForwarder forwarder(options);
    const auto before = sample_events(0, 5);
    forwarder.write_batch(before);
    ASSERT_TRUE(first->wait_for(5));
    EXPECT_EQ(first->messages(), lines_of(before));
    first.reset();  // the collector goes away

    StreamReceiver second(port);  // comes back later on the same port
    const auto during = sample_events(5, 5);
    ASSERT_TRUE(test::eventually([&] {
        forwarder.poll();  // notices the closed connection
        return !forwarder.stats().connected;
    }));
    forwarder.write_batch(during);
    EXPECT_EQ(forwarder.stats().spooled, 5u);
    second.listen();
    ASSERT_TRUE(poll_until(forwarder, [&] { return forwarder.stats().written == 10u; }));
    ASSERT_TRUE(second.wait_for(5));
    EXPECT_EQ(second.messages(), lines_of(during));
    EXPECT_EQ(forwarder.stats().reconnects, 1u);
}

TEST(SyslogForwarder, SpoolLeftByAnEarlierRunIsReplayedFirst) {
    TempDir dir;
    StreamReceiver receiver;
    auto options = options_for(LogTransport::tcp, receiver.port());
    options.spool_dir = dir / "spool";
    const auto old_events = sample_events(0, 4);
    {
        SyslogForwarder forwarder(options);
        forwarder.write_batch(old_events);
        ASSERT_EQ(forwarder.stats().spooled, 4u);
    }
    receiver.listen();
    SyslogForwarder forwarder(options);
    const auto new_events = sample_events(4, 2);
    forwarder.write_batch(new_events);
    ASSERT_TRUE(receiver.wait_for(6));
    auto expected = lines_of(old_events);
    for (const auto& line : lines_of(new_events)) expected.push_back(line);
    EXPECT_EQ(receiver.messages(), expected);
}

TEST(SyslogForwarder, FullSpoolDropsCountsAndLogsOnce) {
    TempDir dir;
    StreamReceiver receiver;  // down
    auto options = options_for(LogTransport::tcp, receiver.port());
    options.spool_dir = dir / "spool";
    options.spool_max_bytes = 1000;
    test::LogCapture log;
    SyslogForwarder forwarder(options);
    for (int i = 0; i < 10; ++i) forwarder.write_batch(sample_events(i * 10, 10));
    const auto stats = forwarder.stats();
    EXPECT_GT(stats.spooled, 0u);
    EXPECT_GT(stats.dropped, 0u);
    EXPECT_EQ(stats.spooled + stats.dropped, 100u);
    EXPECT_LE(stats.spool_bytes, 1000u);
    EXPECT_EQ(log.count("is full"), 1u) << log.all();
    EXPECT_EQ(log.count("connect to"), 1u) << log.all();  // connect failures: once too

    receiver.listen();  // what was spooled still arrives, in order
    ASSERT_TRUE(poll_until(forwarder, [&] { return forwarder.stats().written == stats.spooled; }));
    ASSERT_TRUE(receiver.wait_for(stats.spooled));
    const auto expected = lines_of(sample_events(0, static_cast<int>(stats.spooled)));
    EXPECT_EQ(receiver.messages(), expected);
}

TEST(SyslogForwarder, UnwritableSpoolCountsAndDoesNotCrash) {
    TempDir dir;
    std::ofstream(dir / "blocker").close();
    StreamReceiver receiver;  // down
    auto options = options_for(LogTransport::tcp, receiver.port());
    options.spool_dir = dir / "blocker/spool";  // like a full or read-only disk
    test::LogCapture log;
    SyslogForwarder forwarder(options);
    for (int i = 0; i < 4; ++i) EXPECT_NO_THROW(forwarder.write_batch(sample_events(i * 5, 5)));
    const auto stats = forwarder.stats();
    EXPECT_EQ(stats.dropped, 20u);
    EXPECT_EQ(stats.spooled, 0u);
    EXPECT_GE(stats.errors, 4u);
    EXPECT_EQ(log.count("cannot write spool"), 1u) << log.all();
}

TEST(SyslogForwarder, WithoutSpoolEventsAreDroppedWhileDown) {
    StreamReceiver receiver;  // down
    SyslogForwarder forwarder(options_for(LogTransport::tcp, receiver.port()));
    forwarder.write_batch(sample_events(0, 7));
    EXPECT_EQ(forwarder.stats().dropped, 7u);
    EXPECT_EQ(forwarder.stats().written, 0u);
}

TEST(SyslogForwarder, RunsOnASinkRunnerFedByTheBus) {
    TempDir dir;
    StreamReceiver receiver;
    auto options = options_for(LogTransport::tcp, receiver.port());
    options.spool_dir = dir / "spool";
    EventBus bus;
    SinkRunner runner(SinkRunner::Options{20ms});
    runner.start(bus.subscribe("syslog"), std::make_unique<SyslogForwarder>(options));
    const auto events = sample_events(0, 100);
    for (int i = 0; i < 50; ++i) bus.publish(events[static_cast<std::size_t>(i)]);
    ASSERT_TRUE(test::eventually([&] { return runner.stats().at(0).stats.spooled == 50u; }));
    receiver.listen();
    for (int i = 50; i < 100; ++i) bus.publish(events[static_cast<std::size_t>(i)]);
    ASSERT_TRUE(receiver.wait_for(100));
    EXPECT_EQ(receiver.messages(), lines_of(events));
    runner.stop();
}

// ---- TLS (RFC 5425) -------------------------------------------------------------------

class SyslogForwarderTls : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = new test::TestPki(); }
    static void TearDownTestSuite() {
        delete pki_;
        pki_ = nullptr;
    }
    void SetUp() override {
        if (!pki_->ok) GTEST_SKIP() << "openssl CLI could not create test certificates";
    }
    static test::TlsServerFiles server_files(bool require_client = false) {
        return {pki_->server_cert, pki_->server_key, require_client ? pki_->ca : ""};
    }
    static SyslogForwarderOptions tls_options(std::uint16_t port, std::string ca) {
        auto options = options_for(LogTransport::tls, port);
        options.tls.ca_file = std::move(ca);
        return options;
    }
    static test::TestPki* pki_;
};
test::TestPki* SyslogForwarderTls::pki_ = nullptr;

TEST_F(SyslogForwarderTls, VerifiedServerGetsOctetCountedLines) {
    StreamReceiver receiver(0, server_files());
    receiver.listen();
    SyslogForwarder forwarder(tls_options(receiver.port(), pki_->ca));
    const auto events = sample_events(0, 4);
    forwarder.write_batch(events);
    ASSERT_TRUE(receiver.wait_for(4));
    EXPECT_EQ(receiver.messages(), lines_of(events));
    EXPECT_EQ(forwarder.stats().written, 4u);
    EXPECT_EQ(forwarder.stats().errors, 0u);
}

TEST_F(SyslogForwarderTls, WrongCaDeliversNothingAndCounts) {
    StreamReceiver receiver(0, server_files());
    receiver.listen();
    test::LogCapture log;
    SyslogForwarder forwarder(tls_options(receiver.port(), pki_->other_ca));
    forwarder.write_batch(sample_events(0, 3));
    ASSERT_TRUE(test::eventually([&] { return receiver.handshake_failures() >= 1; }));
    EXPECT_TRUE(receiver.messages().empty());
    const auto stats = forwarder.stats();
    EXPECT_EQ(stats.written, 0u);
    EXPECT_EQ(stats.dropped, 3u);
    EXPECT_GE(stats.errors, 1u);
    EXPECT_EQ(log.count("certificate verification failed"), 1u) << log.all();
}

TEST_F(SyslogForwarderTls, NameMismatchFailsVerification) {
    StreamReceiver receiver(0, server_files());
    receiver.listen();
    auto options = tls_options(receiver.port(), pki_->ca);
    options.tls.server_name = "collector.example.org";  // not in the certificate
    SyslogForwarder forwarder(options);
    forwarder.write_batch(sample_events(0, 2));
    EXPECT_EQ(forwarder.stats().written, 0u);
    EXPECT_GE(forwarder.stats().errors, 1u);
    EXPECT_TRUE(receiver.messages().empty());
}

TEST_F(SyslogForwarderTls, DnsNameFromServerNameIsVerified) {
    StreamReceiver receiver(0, server_files());
    receiver.listen();
    auto options = tls_options(receiver.port(), pki_->ca);
    options.tls.server_name = "localhost";  // the DNS SAN, while connecting to 127.0.0.1
    SyslogForwarder forwarder(options);
    forwarder.write_batch(sample_events(0, 2));
    ASSERT_TRUE(receiver.wait_for(2));
    EXPECT_EQ(forwarder.stats().written, 2u);
}

TEST_F(SyslogForwarderTls, ClientCertificateWhenTheServerDemandsOne) {
    StreamReceiver receiver(0, server_files(true));
    receiver.listen();
    auto options = tls_options(receiver.port(), pki_->ca);
    options.tls.cert_file = pki_->client_cert;
    options.tls.key_file = pki_->client_key;
    SyslogForwarder forwarder(options);
    const auto events = sample_events(0, 2);
    forwarder.write_batch(events);
    ASSERT_TRUE(receiver.wait_for(2));
    EXPECT_EQ(receiver.messages(), lines_of(events));
}

TEST_F(SyslogForwarderTls, SpooledWhileHandshakesFailThenReplayed) {
    TempDir dir;
    StreamReceiver receiver(0, server_files());  // down at first
    auto options = tls_options(receiver.port(), pki_->ca);
    options.spool_dir = dir / "spool";
    SyslogForwarder forwarder(options);
    const auto events = sample_events(0, 6);
    forwarder.write_batch(std::span(events).subspan(0, 3));
    receiver.listen();
    forwarder.write_batch(std::span(events).subspan(3, 3));
    ASSERT_TRUE(poll_until(forwarder, [&] { return forwarder.stats().written == 6u; }));
    ASSERT_TRUE(receiver.wait_for(6));
    EXPECT_EQ(receiver.messages(), lines_of(events));
}

TEST_F(SyslogForwarderTls, MissingCaFileIsAStartupError) {
    auto options = tls_options(1, (pki_->dir / "nope.pem").string());
    EXPECT_THROW(SyslogForwarder{options}, ConfigError);
}

}  // namespace
}  // namespace decnet
