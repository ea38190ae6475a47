// W3C traceparent / tracestate codecs: valid forms, every rejection the spec asks for.
#include "telemetry/span_context.hpp"

#include <gtest/gtest.h>

namespace decnet::telemetry {
namespace {

constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(Traceparent, ParsesAndFormatsVersion00) {
    const auto context = SpanContext::from_traceparent(kValid);
    ASSERT_TRUE(context);
    EXPECT_EQ(context->trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(context->span_id_hex(), "00f067aa0ba902b7");
    EXPECT_TRUE(context->sampled());
    EXPECT_TRUE(context->valid());
    EXPECT_EQ(context->traceparent(), kValid);
}

TEST(Traceparent, UnsampledAndUnknownFlagsKept) {
    auto context =
        SpanContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
    ASSERT_TRUE(context);
    EXPECT_FALSE(context->sampled());
    context =
        SpanContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09");
    ASSERT_TRUE(context);
    EXPECT_TRUE(context->sampled());
    EXPECT_EQ(context->flags, 0x09);
}

TEST(Traceparent, ToleratesOptionalWhitespace) {
    EXPECT_TRUE(SpanContext::from_traceparent(std::string(" \t") + kValid + " "));
}

TEST(Traceparent, FutureVersionsParseTheirFirst55Characters) {
    EXPECT_TRUE(
        SpanContext::from_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    EXPECT_TRUE(SpanContext::from_traceparent(
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds"));
    // ...but only after a '-' separator.
    EXPECT_FALSE(
        SpanContext::from_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"));
}

TEST(Traceparent, RejectsInvalidInputs) {
    const char* invalid[] = {
        "",
        "00",
        // version ff is forbidden
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        // all-zero trace id / span id
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        // wrong lengths
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
        "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        // version 00 with trailing data
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        // upper-case hex anywhere
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
        "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
        // bad separators and characters
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7.01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    };
    for (const char* header : invalid)
        EXPECT_FALSE(SpanContext::from_traceparent(header)) << '"' << header << '"';
}

TEST(Traceparent, DefaultContextIsInvalidAndFormatsZeros) {
    SpanContext context;
    EXPECT_FALSE(context.valid());
    EXPECT_EQ(context.traceparent(), "00-00000000000000000000000000000000-0000000000000000-00");
}

TEST(TraceState, ParsesMembersInOrder) {
    const auto state = TraceState::parse("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE,,");
    ASSERT_TRUE(state);
    ASSERT_EQ(state->members().size(), 2u);
    EXPECT_EQ(state->members()[0].first, "rojo");
    EXPECT_EQ(state->get("congo"), "t61rcWkgMzE");
    EXPECT_EQ(state->header(), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
}

TEST(TraceState, MultiTenantKeys) {
    EXPECT_TRUE(TraceState::parse("fw529a3039@dt=FIXED"));
    EXPECT_TRUE(TraceState::parse("1tenant@vendor=x"));
    EXPECT_FALSE(TraceState::parse("tenant@Vendor=x"));
    EXPECT_FALSE(TraceState::parse("tenant@=x"));
    EXPECT_FALSE(TraceState::parse("tenant@systemidtoolong=x"));
}

TEST(TraceState, RejectsInvalidHeaders) {
    EXPECT_FALSE(TraceState::parse("Rojo=1"));         // upper-case key
    EXPECT_FALSE(TraceState::parse("rojo"));           // no '='
    EXPECT_FALSE(TraceState::parse("rojo="));          // empty value
    EXPECT_FALSE(TraceState::parse("rojo=a=b"));       // '=' in value
    EXPECT_FALSE(TraceState::parse("rojo=1,rojo=2"));  // duplicate key
    EXPECT_FALSE(TraceState::parse("rojo=\x01"));      // control character in value
    EXPECT_TRUE(TraceState::parse(" rojo=ends \t"));   // OWS around a member is fine
    std::string many;
    for (int i = 0; i < 33; ++i) many += "k" + std::to_string(i) + "=v,";
    EXPECT_FALSE(TraceState::parse(many));  // more than 32 members
}

TEST(TraceState, PutMovesToFrontAndDropsRightmostWhenFull) {
    auto state = TraceState::parse("a=1,b=2");
    ASSERT_TRUE(state);
    EXPECT_TRUE(state->put("b", "3"));
    EXPECT_EQ(state->header(), "b=3,a=1");
    EXPECT_FALSE(state->put("Bad", "x"));
    std::string full;
    for (int i = 0; i < 32; ++i) full += "k" + std::to_string(i) + "=v,";
    auto big = TraceState::parse(full);
    ASSERT_TRUE(big);
    EXPECT_TRUE(big->put("new", "1"));
    EXPECT_EQ(big->members().size(), 32u);
    EXPECT_EQ(big->members().front().first, "new");
    EXPECT_FALSE(big->get("k31"));
}

}  // namespace
}  // namespace decnet::telemetry
