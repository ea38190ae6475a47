// The ingester's spans: one ingester.batch (new trace) per stored batch, linked to the
// span of every event it stores (more than 128 go on ingester.batch_links children), the
// DB write as a child, and ingester.extract_bounty linked to the events with bounties.
// Also the trace columns from a forwarded syslog line and from a reference JSON record.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "events/rfc5424.hpp"
#include "store/ingest/ingester.hpp"
#include "store/ingest/log_record.hpp"
#include "unit/telemetry/tracing_fixture.hpp"

namespace decnet::store {
namespace {

using telemetry::testing::attribute;
using telemetry::testing::find_span;
using ::testing::HasSubstr;
using ::testing::Not;

class IngesterTrace : public telemetry::testing::TracingTest {
  protected:
    void SetUp() override {
        TracingTest::SetUp();
        path_ = std::filesystem::temp_directory_path() /
                ("decnet-ingester-trace-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
        std::filesystem::remove(path_);
        repository = open_sqlite(path_.string());
    }
    void TearDown() override {
        repository.reset();
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path_.string() + suffix);
        TracingTest::TearDown();
    }

    // An ftp credential event emitted under its own span, as a session would.
    LogRecord traced_row(int i) {
        telemetry::Span span("honeypot.event", telemetry::SpanStart{.new_root = true});
        Event e;
        e.time = event_now();
        e.decky = "decky-01";
        e.service = "ftp";
        e.event_type = "auth_attempt";
        e.add("src_ip", "10.0.0." + std::to_string(i % 200))
            .add("username", "root")
            .add("password", "pw" + std::to_string(i));
        e.trace = span.context();
        return to_log_record(e);
    }

    std::unique_ptr<Repository> repository;

  private:
    std::filesystem::path path_;
};

bool linked(const nlohmann::json& span, const LogRecord& row) {
    for (const auto& link : span.value("links", nlohmann::json::array()))
        if (link.at("traceId") == *row.trace_id && link.at("spanId") == *row.span_id) return true;
    return false;
}

TEST_F(IngesterTrace, BatchLinksEveryEventAndParentsTheWriteAndTheBounty) {
    Ingester ingester(*repository);
    std::vector<LogRecord> rows{traced_row(1), traced_row(2), traced_row(3)};
    const auto copy = rows;
    ingester.store(rows, "bus");
    const auto spans = exported();
    const auto* batch = find_span(spans, "ingester.batch");
    ASSERT_NE(batch, nullptr);
    EXPECT_FALSE(batch->contains("parentSpanId") && (*batch)["parentSpanId"] != "");
    EXPECT_EQ(attribute(*batch, "batch_size").at("intValue"), "3");
    ASSERT_EQ(batch->at("links").size(), 3u);
    for (const auto& row : copy) EXPECT_TRUE(linked(*batch, row));
    const auto* write = find_span(spans, "ingester.write");
    ASSERT_NE(write, nullptr);
    EXPECT_EQ(write->at("parentSpanId"), batch->at("spanId"));
    const auto* bounty = find_span(spans, "ingester.extract_bounty");
    ASSERT_NE(bounty, nullptr);
    EXPECT_EQ(bounty->at("parentSpanId"), batch->at("spanId"));
    EXPECT_EQ(bounty->at("links").size(), 3u);
    EXPECT_EQ(attribute(*bounty, "bounty_count").at("intValue"), "3");
}

TEST_F(IngesterTrace, LinksBeyondTheSpanLimitGoOnChildren) {
    Ingester ingester(*repository);
    std::vector<LogRecord> rows;
    for (int i = 0; i < 300; ++i) rows.push_back(traced_row(i));
    const auto copy = rows;
    ingester.store(rows, "bus");
    const auto spans = exported();
    const auto* batch = find_span(spans, "ingester.batch");
    ASSERT_NE(batch, nullptr);
    EXPECT_EQ(batch->at("links").size(), 128u);
    std::size_t links = batch->at("links").size(), children = 0;
    for (const auto& span : spans)
        if (span.at("name") == "ingester.batch_links") {
            EXPECT_EQ(span.at("parentSpanId"), batch->at("spanId"));
            links += span.at("links").size();
            ++children;
        }
    EXPECT_EQ(children, 2u);
    EXPECT_EQ(links, 300u);
}

TEST_F(IngesterTrace, NoBountySpanWithoutABounty) {
    Ingester ingester(*repository);
    auto row = traced_row(1);
    row.fields = "{}";
    std::vector<LogRecord> rows{row};
    ingester.store(rows, "bus");
    const auto spans = exported();
    EXPECT_NE(find_span(spans, "ingester.batch"), nullptr);
    EXPECT_EQ(find_span(spans, "ingester.extract_bounty"), nullptr);
}

TEST(TraceColumns, ForwardedLineCarriesTraceparentThatBecomesTheColumns) {
    Event e;
    e.time = event_now();
    e.decky = "decky-01";
    e.service = "redis";
    e.event_type = "auth";
    e.add("src", "10.1.1.1").add("password", "x");
    std::string plain, traced;
    append_rfc5424(plain, e);
    append_rfc5424_traced(traced, e);
    EXPECT_EQ(traced, plain);  // not traced: the reference's line
    e.trace =
        *TraceContext::from_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    traced.clear();
    append_rfc5424_traced(traced, e);
    EXPECT_THAT(traced, HasSubstr(R"( traceparent="00-0af7651916cd43dd8448eb211c80319c-)"
                                  R"(b7ad6b7169203331-01"])"));
    const auto parsed = parse_rfc5424(traced);
    ASSERT_TRUE(parsed.ok());
    const auto row = to_log_record(parsed.value(), traced);
    EXPECT_EQ(row.trace_id, "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(row.span_id, "b7ad6b7169203331");
    EXPECT_EQ(row.fields, R"({"src":"10.1.1.1","password":"x"})");
    EXPECT_EQ(row.raw_line, traced);
    EXPECT_EQ(trace_context_of(row), (TraceContext{e.trace.trace_id, e.trace.span_id, 0}));

    // An event with no fields still gets an element for the traceparent.
    e.fields.clear();
    traced.clear();
    append_rfc5424_traced(traced, e);
    EXPECT_THAT(traced, HasSubstr("[decnet@55555 traceparent="));
    EXPECT_EQ(to_log_record(parse_rfc5424(traced).value(), traced).fields, "{}");
}

TEST(TraceColumns, ReferenceJsonCarrierFillsTheColumns) {
    std::string error;
    const auto row = json_line_to_log_record(
        R"({"decky":"d","service":"ssh","event_type":"connect","attacker_ip":"1.2.3.4",)"
        R"("raw_line":"x","fields":{},"_trace":{"traceparent":)"
        R"("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}})",
        error);
    ASSERT_TRUE(row) << error;
    EXPECT_EQ(row->trace_id, "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(row->span_id, "b7ad6b7169203331");
    EXPECT_THAT(row->fields, Not(HasSubstr("traceparent")));
    LogRecord untraced;
    EXPECT_FALSE(trace_context_of(untraced).valid());
}

}  // namespace
}  // namespace decnet::store
