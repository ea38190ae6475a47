// Spans: parenting through RAII scopes, explicit and remote parents, attributes, events,
// status, exceptions, links, sampling, and the disabled path (nothing created at all).
// This file replaces the global operator new/delete with malloc/free to count
// allocations; GCC then sees free() of new'd pointers inlined from the standard library
// and warns, although the pair is consistent.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "telemetry/span.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <optional>
#include <stdexcept>

#include "telemetry/tracing.hpp"
#include "unit/telemetry/tracing_fixture.hpp"

// Counts every allocation in this test binary, to prove the disabled path makes none.
namespace {
std::atomic<long> g_allocations{0};
}
void* operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace decnet::telemetry {
namespace {

using testing::attribute;
using testing::find_span;

int thread_count() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with("Threads:")) return std::stoi(line.substr(8));
    return -1;
}

TEST(DisabledTracing, SpanSitesCreateNothing) {
    shutdown_tracing();
    ASSERT_FALSE(tracing_enabled());
    const auto before = tracing_counters();
    const int threads = thread_count();
    const std::runtime_error error("no");  // its message is an allocation of its own
    const long allocations = g_allocations.load();
    {
        Span root("api.get_logs", SpanKind::server);
        root.set_attribute("http.route", "/api/v1/logs");
        root.set_attribute("count", 3);
        root.add_event("cache_miss", {{"cache", "logs"}});
        root.add_link(SpanContext{});
        root.record_exception(error);
        Span child("db.get_logs");
        ContextScope scope(child);
        EXPECT_FALSE(root.recording());
        EXPECT_FALSE(child.context().valid());
        EXPECT_FALSE(current_span_context().valid());
    }
    EXPECT_EQ(g_allocations.load(), allocations);
    EXPECT_EQ(thread_count(), threads);
    const auto after = tracing_counters();
    EXPECT_EQ(after.spans_started, before.spans_started);
    EXPECT_EQ(after.spans_sampled, before.spans_sampled);
    Span span("x");
    EXPECT_EQ(span.traceparent(), "");
}

TEST(DisabledTracing, StartWithSwitchOffStartsNoThread) {
    const int threads = thread_count();
    TracingConfig config;  // enabled = false
    EXPECT_FALSE(start_tracing(config));
    EXPECT_FALSE(tracing_enabled());
    EXPECT_EQ(thread_count(), threads);
    shutdown_tracing();  // safe without a start
    EXPECT_TRUE(flush_tracing(std::chrono::milliseconds(10)));
}

using SpanTest = testing::TracingTest;

TEST_F(SpanTest, RaiiScopesParentSpans) {
    SpanContext root_context, child_context, grandchild_context, sibling_context;
    {
        Span root("api.get_logs", SpanKind::server);
        root_context = root.context();
        EXPECT_EQ(current_span_context(), root_context);
        {
            Span child("db.get_logs", SpanKind::client);
            child_context = child.context();
            EXPECT_EQ(current_span_context(), child_context);
            Span grandchild("db.sqlite.query");
            grandchild_context = grandchild.context();
        }
        EXPECT_EQ(current_span_context(), root_context);
        Span sibling("db.get_total_logs");
        sibling_context = sibling.context();
    }
    EXPECT_FALSE(current_span_context().valid());

    const auto spans = exported();
    ASSERT_EQ(spans.size(), 4u);
    const auto* root = find_span(spans, "api.get_logs");
    const auto* child = find_span(spans, "db.get_logs");
    const auto* grandchild = find_span(spans, "db.sqlite.query");
    const auto* sibling = find_span(spans, "db.get_total_logs");
    ASSERT_TRUE(root && child && grandchild && sibling);
    for (const auto* span : {root, child, grandchild, sibling})
        EXPECT_EQ(span->at("traceId"), root_context.trace_id_hex());
    EXPECT_FALSE(root->contains("parentSpanId"));
    EXPECT_EQ(root->at("spanId"), root_context.span_id_hex());
    EXPECT_EQ(child->at("parentSpanId"), root_context.span_id_hex());
    EXPECT_EQ(grandchild->at("parentSpanId"), child_context.span_id_hex());
    EXPECT_EQ(sibling->at("parentSpanId"), root_context.span_id_hex());
    EXPECT_EQ(root->at("kind"), 2);
    EXPECT_EQ(child->at("kind"), 3);
    EXPECT_EQ(grandchild->at("kind"), 1);
    EXPECT_EQ(root->at("scope"), "decnet.api");
    EXPECT_EQ(child->at("scope"), "decnet.db");
    // Times are decimal strings, ordered.
    const auto start = std::stoull(root->at("startTimeUnixNano").get<std::string>());
    const auto end = std::stoull(root->at("endTimeUnixNano").get<std::string>());
    EXPECT_LE(start, end);
    EXPECT_GT(start, 1'600'000'000'000'000'000ULL);
}

TEST_F(SpanTest, RemoteParentFromTraceparentAndTracestate) {
    const auto remote =
        SpanContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    ASSERT_TRUE(remote);
    SpanContext local;
    {
        Span span(
            "collector.event",
            {.kind = SpanKind::consumer, .parent = &*remote, .trace_state = "rojo=1,congo=2"});
        local = span.context();
        EXPECT_TRUE(span.traceparent().starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
        Span child("ingester.process_record");  // inherits trace state from the current span
    }
    EXPECT_EQ(local.trace_id, remote->trace_id);
    const auto spans = exported();
    const auto* span = find_span(spans, "collector.event");
    const auto* child = find_span(spans, "ingester.process_record");
    ASSERT_TRUE(span && child);
    EXPECT_EQ(span->at("parentSpanId"), "00f067aa0ba902b7");
    EXPECT_EQ(span->at("traceState"), "rojo=1,congo=2");
    EXPECT_EQ(child->at("traceState"), "rojo=1,congo=2");
    EXPECT_EQ(span->at("kind"), 5);
}

TEST_F(SpanTest, InvalidTracestateIsDropped) {
    const auto remote =
        SpanContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    { Span span("collector.event", {.parent = &*remote, .trace_state = "BAD KEY=1"}); }
    const auto spans = exported();
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_FALSE(spans[0].contains("traceState"));
}

TEST_F(SpanTest, NewRootDetachedSpansAndContextScope) {
    SpanContext outer_context, detached_context;
    {
        Span outer("mutator.watch_loop");
        outer_context = outer.context();
        Span root("mutator.mutate_all", {.new_root = true});
        EXPECT_NE(root.context().trace_id, outer_context.trace_id);
        root.end();
        EXPECT_EQ(current_span_context(), outer_context);

        Span detached("honeypot.session", {.kind = SpanKind::server, .make_current = false});
        detached_context = detached.context();
        EXPECT_EQ(current_span_context(), outer_context);  // not made current
        {
            ContextScope scope(detached);
            EXPECT_EQ(current_span_context(), detached_context);
            Span step("honeypot.redis.command");
        }
        EXPECT_EQ(current_span_context(), outer_context);
        Span explicit_child("honeypot.event", detached.context());
    }
    const auto spans = exported();
    const auto* root = find_span(spans, "mutator.mutate_all");
    const auto* step = find_span(spans, "honeypot.redis.command");
    const auto* explicit_child = find_span(spans, "honeypot.event");
    const auto* detached = find_span(spans, "honeypot.session");
    ASSERT_TRUE(root && step && explicit_child && detached);
    EXPECT_FALSE(root->contains("parentSpanId"));
    EXPECT_EQ(step->at("parentSpanId"), detached_context.span_id_hex());
    EXPECT_EQ(explicit_child->at("parentSpanId"), detached_context.span_id_hex());
    EXPECT_EQ(detached->at("parentSpanId"), outer_context.span_id_hex());
}

TEST_F(SpanTest, SpanInOptionalStartsConditionally) {
    std::optional<Span> maybe;
    maybe.emplace("db.add_logs");
    EXPECT_TRUE(maybe->recording());
    maybe.reset();
    EXPECT_FALSE(current_span_context().valid());
    EXPECT_EQ(exported().size(), 1u);
}

TEST_F(SpanTest, AttributesOfEveryType) {
    {
        Span span("profiler.process_ip");
        span.set_attribute("attacker_ip", "10.0.0.7");  // const char*, not bool
        span.set_attribute("decky", std::string("decky-01"));
        span.set_attribute("service", std::string_view("ssh"));
        span.set_attribute("event_count", 42);
        span.set_attribute("big", std::uint64_t{1} << 40);
        span.set_attribute("score", 0.5);
        span.set_attribute("is_traversal", true);
        span.set_attribute("event_count", 43);  // same key: replaced
        span.set_attributes({{"tool_count", 2}, {"tools", "nmap,hydra"}});
    }
    const auto spans = exported();
    ASSERT_EQ(spans.size(), 1u);
    const auto& span = spans[0];
    EXPECT_EQ(attribute(span, "attacker_ip"), nlohmann::json({{"stringValue", "10.0.0.7"}}));
    EXPECT_EQ(attribute(span, "decky"), nlohmann::json({{"stringValue", "decky-01"}}));
    EXPECT_EQ(attribute(span, "service"), nlohmann::json({{"stringValue", "ssh"}}));
    EXPECT_EQ(attribute(span, "event_count"), nlohmann::json({{"intValue", "43"}}));
    EXPECT_EQ(attribute(span, "big"), nlohmann::json({{"intValue", "1099511627776"}}));
    EXPECT_EQ(attribute(span, "score"), nlohmann::json({{"doubleValue", 0.5}}));
    EXPECT_EQ(attribute(span, "is_traversal"), nlohmann::json({{"boolValue", true}}));
    EXPECT_EQ(attribute(span, "tool_count"), nlohmann::json({{"intValue", "2"}}));
    EXPECT_EQ(span.at("attributes").size(), 9u);
}

TEST_F(SpanTest, EventsStatusAndExceptions) {
    {
        Span span("api.login");
        span.add_event("auth.failed", {{"username", "admin"}, {"attempt", 3}});
        span.set_status(StatusCode::ok);
        span.set_status(StatusCode::error, "too late");  // ok is final
    }
    {
        Span span("api.change_password");
        span.record_exception(std::invalid_argument("weak password"));
    }
    {
        Span span("api.reinit");
        span.set_status(StatusCode::error, "nope");
        span.set_status(StatusCode::unset);  // ignored
    }
    const auto spans = exported();
    const auto* login = find_span(spans, "api.login");
    const auto* change = find_span(spans, "api.change_password");
    const auto* reinit = find_span(spans, "api.reinit");
    ASSERT_TRUE(login && change && reinit);
    ASSERT_EQ(login->at("events").size(), 1u);
    const auto& event = login->at("events")[0];
    EXPECT_EQ(event.at("name"), "auth.failed");
    EXPECT_EQ(attribute(event, "attempt"), nlohmann::json({{"intValue", "3"}}));
    EXPECT_TRUE(event.at("timeUnixNano").is_string());
    EXPECT_EQ(login->at("status"), nlohmann::json({{"code", 1}}));

    ASSERT_EQ(change->at("events").size(), 1u);  // once, not twice as in the reference
    const auto& exception = change->at("events")[0];
    EXPECT_EQ(exception.at("name"), "exception");
    EXPECT_EQ(attribute(exception, "exception.type"),
              nlohmann::json({{"stringValue", "std::invalid_argument"}}));
    EXPECT_EQ(attribute(exception, "exception.message"),
              nlohmann::json({{"stringValue", "weak password"}}));
    EXPECT_EQ(change->at("status"), nlohmann::json({{"code", 2}, {"message", "weak password"}}));
    EXPECT_EQ(reinit->at("status"), nlohmann::json({{"code", 2}, {"message", "nope"}}));
}

TEST_F(SpanTest, UnwindingExceptionSetsErrorStatus) {
    try {
        Span span("engine.deploy");
        throw std::runtime_error("compose failed");
    } catch (const std::runtime_error&) {
    }
    const auto spans = exported();
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_EQ(spans[0].at("status").at("code"), 2);
}

TEST_F(SpanTest, LinksAtStartAndLater) {
    SpanContext a, b;
    {
        Span first("ingester.process_record", {.new_root = true});
        a = first.context();
    }
    {
        Span second("ingester.process_record", {.new_root = true});
        b = second.context();
    }
    {
        const SpanContext at_start[] = {a, SpanContext{}};  // the invalid one is skipped
        Span batch("ingester.flush_batch", {.new_root = true, .links = at_start});
        batch.add_link(b, {{"log_id", 17}});
        batch.add_link(SpanContext{});
    }
    const auto spans = exported();
    const auto* batch = find_span(spans, "ingester.flush_batch");
    ASSERT_TRUE(batch);
    const auto& links = batch->at("links");
    ASSERT_EQ(links.size(), 2u);
    EXPECT_EQ(links[0].at("traceId"), a.trace_id_hex());
    EXPECT_EQ(links[0].at("spanId"), a.span_id_hex());
    EXPECT_EQ(links[1].at("traceId"), b.trace_id_hex());
    EXPECT_EQ(links[1].at("spanId"), b.span_id_hex());
    EXPECT_EQ(attribute(links[1], "log_id"), nlohmann::json({{"intValue", "17"}}));
}

TEST_F(SpanTest, LimitsCountWhatIsDropped) {
    {
        Span span("sse.emit_logs");
        for (int i = 0; i < 200; ++i) span.set_attribute("k" + std::to_string(i), i);
        for (int i = 0; i < 130; ++i) span.add_event("e");
    }
    const auto spans = exported();
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_EQ(spans[0].at("attributes").size(), 128u);
    EXPECT_EQ(spans[0].at("droppedAttributesCount"), 72);
    EXPECT_EQ(spans[0].at("droppedEventsCount"), 2);
}

TEST_F(SpanTest, CountersTrackStartedSampledExported) {
    const auto before = tracing_counters();
    for (int i = 0; i < 10; ++i) Span span("db.get_stats_summary");
    exported();
    const auto after = tracing_counters();
    EXPECT_EQ(after.spans_started - before.spans_started, 10u);
    EXPECT_EQ(after.spans_sampled - before.spans_sampled, 10u);
    EXPECT_EQ(after.spans_exported - before.spans_exported, 10u);
    EXPECT_EQ(after.spans_dropped, before.spans_dropped);
}

TEST_F(SpanTest, SpansAcrossThreadsHaveTheirOwnCurrentSpan) {
    Span outer("api.deploy_deckies");
    SpanContext seen_in_thread;
    std::thread worker([&] {
        seen_in_thread = current_span_context();
        ContextScope scope(outer.context());  // hand the context over explicitly
        Span inner("engine.deploy");
    });
    worker.join();
    const auto outer_context = outer.context();
    outer.end();
    EXPECT_FALSE(seen_in_thread.valid());
    const auto spans = exported();
    const auto* inner = find_span(spans, "engine.deploy");
    ASSERT_TRUE(inner);
    EXPECT_EQ(inner->at("parentSpanId"), outer_context.span_id_hex());
}

class UnsampledTest : public testing::TracingTest {
  protected:
    SamplerConfig sampler() const override { return {SamplerKind::parent_based_always_off, 1.0}; }
};

TEST_F(UnsampledTest, UnsampledSpansPropagateButAreNotExported) {
    const auto before = tracing_counters();
    SpanContext root_context, child_context;
    {
        Span root("api.get_stats");
        root_context = root.context();
        EXPECT_FALSE(root.recording());
        EXPECT_TRUE(root.traceparent().ends_with("-00"));
        Span child("db.get_stats_summary");
        child_context = child.context();
    }
    EXPECT_TRUE(root_context.valid());
    EXPECT_FALSE(root_context.sampled());
    EXPECT_EQ(child_context.trace_id, root_context.trace_id);
    EXPECT_FALSE(child_context.sampled());
    // A sampled remote parent still wins under a parent-based sampler.
    const auto remote =
        SpanContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    { Span continued("collector.event", *remote); }
    const auto spans = exported();
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_EQ(spans[0].at("name"), "collector.event");
    const auto after = tracing_counters();
    EXPECT_EQ(after.spans_started - before.spans_started, 3u);
    EXPECT_EQ(after.spans_sampled - before.spans_sampled, 1u);
}

}  // namespace
}  // namespace decnet::telemetry
