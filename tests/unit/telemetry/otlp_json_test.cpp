// OTLP JSON details the receiver test does not reach: escaping, UTF-8 repair of attacker
// bytes, non-finite doubles, dropped counts, status and trace state fields.
#include "telemetry/otlp_json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "telemetry/http_client.hpp"

namespace decnet::telemetry::detail {
namespace {

std::string quoted(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

TEST(OtlpJson, EscapesControlCharactersAndQuotes) {
    EXPECT_EQ(quoted("a\"b\\c\n\r\t\x01\x7f"), R"("a\"b\\c\n\r\t\u0001\u007f")");
}

TEST(OtlpJson, KeepsValidUtf8AndRepairsInvalidBytes) {
    EXPECT_EQ(quoted("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"),
              "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"");
    // lone continuation, overlong '/', surrogate, truncated sequence, byte 0xff
    EXPECT_EQ(quoted("\x80"), "\"\xef\xbf\xbd\"");
    EXPECT_EQ(quoted("\xc0\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
    EXPECT_EQ(quoted("\xed\xa0\x80").find("\xed"), std::string::npos);
    EXPECT_EQ(quoted("ab\xe2\x82"), "\"ab\xef\xbf\xbd\xef\xbf\xbd\"");
    EXPECT_EQ(quoted("\xff"), "\"\xef\xbf\xbd\"");
    // Whatever comes out parses as JSON.
    using namespace std::string_view_literals;
    const auto parsed = nlohmann::json::parse(quoted("\xff\xfe\x00\x01garbage\xc3"sv));
    EXPECT_TRUE(parsed.is_string());
}

TEST(OtlpJson, EncodesASpanCompletely) {
    SpanRecord span;
    span.name = "sniffer.tls_client_hello";
    span.kind = SpanKind::consumer;
    span.context.trace_id[15] = 1;
    span.context.span_id[7] = 2;
    span.context.flags = 1;
    span.parent_span_id[0] = 0xab;
    span.trace_state = "rojo=1";
    span.start_unix_ns = 1;
    span.end_unix_ns = 18446744073709551615ULL;
    span.attributes.set(AttributeArg("nan", std::numeric_limits<double>::quiet_NaN()));
    span.attributes.set(AttributeArg("inf", -std::numeric_limits<double>::infinity()));
    span.attributes.set(AttributeArg("neg", -5));
    span.attributes.dropped = 3;
    span.dropped_events = 4;
    span.dropped_links = 5;
    span.status = StatusCode::error;
    span.status_message = "bad \"hello\"";
    const std::vector<Attribute> resource = {{"service.name", std::string("decnet")}};
    const SpanRecord* spans[] = {&span};
    const auto json = nlohmann::json::parse(encode_otlp_json(resource, "1.2.3", spans));
    const auto& scope = json["resourceSpans"][0]["scopeSpans"][0];
    EXPECT_EQ(scope["scope"]["name"], "decnet.sniffer");
    EXPECT_EQ(scope["scope"]["version"], "1.2.3");
    const auto& s = scope["spans"][0];
    EXPECT_EQ(s["traceId"], "00000000000000000000000000000001");
    EXPECT_EQ(s["spanId"], "0000000000000002");
    EXPECT_EQ(s["parentSpanId"], "ab00000000000000");
    EXPECT_EQ(s["traceState"], "rojo=1");
    EXPECT_EQ(s["flags"], 1);
    EXPECT_EQ(s["kind"], 5);
    EXPECT_EQ(s["startTimeUnixNano"], "1");
    EXPECT_EQ(s["endTimeUnixNano"], "18446744073709551615");
    EXPECT_EQ(s["attributes"][0]["value"]["doubleValue"], "NaN");
    EXPECT_EQ(s["attributes"][1]["value"]["doubleValue"], "-Infinity");
    EXPECT_EQ(s["attributes"][2]["value"]["intValue"], "-5");
    EXPECT_EQ(s["droppedAttributesCount"], 3);
    EXPECT_EQ(s["droppedEventsCount"], 4);
    EXPECT_EQ(s["droppedLinksCount"], 5);
    EXPECT_EQ(s["status"]["code"], 2);
    EXPECT_EQ(s["status"]["message"], "bad \"hello\"");
}

TEST(OtlpJson, SpanWithoutDotGoesToTheDecnetScope) {
    SpanRecord span;
    span.name = "startup";
    const SpanRecord* spans[] = {&span};
    const auto json = nlohmann::json::parse(encode_otlp_json({}, "1", spans));
    EXPECT_EQ(json["resourceSpans"][0]["scopeSpans"][0]["scope"]["name"], "decnet");
}

TEST(HttpUrl, ParsesWhatTheExporterNeeds) {
    auto url = parse_http_url("http://localhost:4318/v1/traces", nullptr);
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "localhost");
    EXPECT_EQ(url->port, 4318);
    EXPECT_EQ(url->path, "/v1/traces");
    EXPECT_FALSE(url->tls);
    url = parse_http_url("http://collector", nullptr);
    ASSERT_TRUE(url);
    EXPECT_EQ(url->port, 80);
    EXPECT_EQ(url->path, "/");
    url = parse_http_url("http://[::1]:4318/x", nullptr);
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->port, 4318);
    url = parse_http_url("https://otel.example", nullptr);
    ASSERT_TRUE(url);
    EXPECT_TRUE(url->tls);
    EXPECT_EQ(url->port, 443);
    std::string error;
    for (const char* bad : {"localhost:4318", "http://", "http://host:0", "http://host:70000",
                            "http://host:12ab", "http://user:pw@host", "http://[::1"}) {
        EXPECT_FALSE(parse_http_url(bad, &error)) << bad;
        EXPECT_FALSE(error.empty());
    }
}

}  // namespace
}  // namespace decnet::telemetry::detail
