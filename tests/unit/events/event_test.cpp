// Event helpers: ISO-8601 timestamps, hex, W3C traceparent, JSON list/map values.
#include "events/event.hpp"

#include <gtest/gtest.h>

namespace decnet {
namespace {

using namespace std::chrono;

EventTime at(sys_days day, hours h, minutes m, seconds s, microseconds us = {}) {
    return EventTime{day} + h + m + s + us;
}

TEST(Iso8601, MicrosecondsAndUtcOffset) {
    const auto t = at(2026y / 11 / 27, 9h, 54min, 39s, 490269us);
    EXPECT_EQ(format_iso8601(t), "2026-11-27T09:54:39.490269+00:00");
}

TEST(Iso8601, FractionOmittedWhenZero) {
    EXPECT_EQ(format_iso8601(at(2026y / 4 / 18, 12h, 0min, 0s)), "2026-04-18T12:00:00+00:00");
}

TEST(Iso8601, SmallFractionIsZeroPadded) {
    EXPECT_EQ(format_iso8601(at(2024y / 1 / 5, 0h, 0min, 7s, 42us)),
              "2024-01-05T00:00:07.000042+00:00");
}

TEST(Iso8601, NowIsUtcAndMicrosecondResolution) {
    const auto text = format_iso8601(event_now());
    EXPECT_TRUE(text.ends_with("+00:00")) << text;
    EXPECT_EQ(text[10], 'T');
}

TEST(Hex, RoundTrip) {
    const std::uint8_t bytes[] = {0x00, 0x0f, 0xa5, 0xff};
    EXPECT_EQ(to_hex(bytes), "000fa5ff");
    std::uint8_t back[4] = {};
    ASSERT_TRUE(from_hex("000FA5ff", back));
    EXPECT_EQ(std::vector<std::uint8_t>(back, back + 4),
              std::vector<std::uint8_t>(bytes, bytes + 4));
}

TEST(Hex, RejectsWrongLengthAndNonHex) {
    std::uint8_t out[2] = {};
    EXPECT_FALSE(from_hex("abc", out));
    EXPECT_FALSE(from_hex("abcg", out));
    EXPECT_FALSE(from_hex("abcdef", out));
}

TEST(TraceContext, TraceparentRoundTrip) {
    const auto parsed =
        TraceContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_TRUE(parsed->valid());
    EXPECT_TRUE(parsed->sampled());
    EXPECT_EQ(parsed->trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(parsed->span_id_hex(), "00f067aa0ba902b7");
    EXPECT_EQ(parsed->traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST(TraceContext, RejectsMalformedAndZeroIds) {
    EXPECT_FALSE(TraceContext::from_traceparent(""));
    // A future version is parsed as version 00 (W3C Trace Context §4.3); ff is invalid.
    EXPECT_TRUE(
        TraceContext::from_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    EXPECT_FALSE(
        TraceContext::from_traceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    EXPECT_FALSE(
        TraceContext::from_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
    EXPECT_FALSE(
        TraceContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
    EXPECT_FALSE(
        TraceContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736x00f067aa0ba902b7-01"));
    EXPECT_FALSE(TraceContext{}.valid());
}

TEST(Event, AddKeepsOrderAndRendersScalars) {
    Event event;
    event.add("src", "1.2.3.4").add("src_port", std::uint16_t{44546}).add("ok", true);
    event.add("neg", -3).add("flag", false);
    ASSERT_EQ(event.fields.size(), 5u);
    EXPECT_EQ(event.fields[0], (Field{"src", "1.2.3.4"}));
    EXPECT_EQ(event.fields[1], (Field{"src_port", "44546"}));
    EXPECT_EQ(event.fields[2], (Field{"ok", "True"}));
    EXPECT_EQ(event.fields[3], (Field{"neg", "-3"}));
    EXPECT_EQ(event.fields[4], (Field{"flag", "False"}));
    ASSERT_NE(event.find("src_port"), nullptr);
    EXPECT_EQ(*event.find("src_port"), "44546");
    EXPECT_EQ(event.find("missing"), nullptr);
}

TEST(Event, ListsAndMapsAreJsonNotPythonRepr) {
    const std::vector<std::string> args = {"GET", "*", "quo\"te"};
    EXPECT_EQ(json_list(args), R"(["GET","*","quo\"te"])");
    EXPECT_EQ(json_list({}), "[]");
    EXPECT_EQ(json_map({{"Host", "x"}, {"Accept", "*/*"}}), R"({"Host":"x","Accept":"*/*"})");
    EXPECT_EQ(json_map({}), "{}");
}

TEST(Event, JsonSurvivesInvalidUtf8) {
    const std::vector<std::string> args = {std::string("\xff\xfe", 2)};
    EXPECT_EQ(json_list(args), "[\"\xEF\xBF\xBD\xEF\xBF\xBD\"]");
}

TEST(Severity, Names) {
    EXPECT_EQ(to_string(Severity::info), "info");
    EXPECT_EQ(to_string(Severity::warning), "warning");
    EXPECT_EQ(static_cast<int>(Severity::error), 3);
}

}  // namespace
}  // namespace decnet
