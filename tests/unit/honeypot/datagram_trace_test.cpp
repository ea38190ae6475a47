// Datagram spans: one honeypot.datagram per received datagram (server, new trace,
// bytes_in) and a honeypot.event child per event it emitted, whose context is the
// event's trace. Uses snmp (161/udp) on 127.99.52.1.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "events/event_bus.hpp"
#include "honeypot/runtime.hpp"
#include "support/udp_probe.hpp"
#include "unit/telemetry/tracing_fixture.hpp"

namespace decnet::honeypot {
namespace {

using telemetry::testing::attribute;
using telemetry::testing::find_span;

class DatagramTrace : public telemetry::testing::TracingTest {};

TEST_F(DatagramTrace, OneDatagramSpanParentsItsEvent) {
    EventBus bus;
    auto subscription = bus.subscribe("test");
    Runtime runtime(bus, {}, 1);
    runtime.start();
    DeckyConfig d;
    d.name = "traced-udp";
    d.ip = "127.99.52.1";
    d.hostname = "sw-01";
    d.services = {"snmp"};
    runtime.add_decky(d);

    const std::string junk = "not snmp at all";
    const int fd = testing::connected_udp_socket(d.ip, 161);
    ::send(fd, junk.data(), junk.size(), 0);
    ::close(fd);
    std::vector<EventPtr> events;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (events.empty() && std::chrono::steady_clock::now() < deadline)
        subscription->pop_batch(events, std::chrono::milliseconds(100));
    runtime.stop();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0]->event_type, "parse_error");

    const auto spans = exported();
    const auto* datagram = find_span(spans, "honeypot.datagram");
    ASSERT_NE(datagram, nullptr);
    EXPECT_EQ(datagram->at("kind"), 2);
    EXPECT_EQ(attribute(*datagram, "service").at("stringValue"), "snmp");
    EXPECT_EQ(attribute(*datagram, "bytes_in").at("intValue"), std::to_string(junk.size()));
    ASSERT_TRUE(events[0]->trace.valid());
    EXPECT_EQ(events[0]->trace.trace_id_hex(), datagram->at("traceId"));
    const auto* event = find_span(spans, "honeypot.event");
    ASSERT_NE(event, nullptr);
    EXPECT_EQ(event->at("parentSpanId"), datagram->at("spanId"));
    EXPECT_EQ(event->at("spanId"), events[0]->trace.span_id_hex());
}

}  // namespace
}  // namespace decnet::honeypot
