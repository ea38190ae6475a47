// The metrics registry and the Prometheus text format: HELP/TYPE once per family, label
// escaping, cumulative histogram buckets with +Inf/_sum/_count, no repeated series, the
// series cap, and collectors merged into families of the same name.
#include "telemetry/metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

namespace decnet::telemetry::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Metrics, CounterAndGaugeWithLabels) {
    Registry registry;
    auto& requests = registry.counter("decnet_test_total", "Things counted", {"kind"});
    requests.with({"a"}).inc();
    requests.with({"a"}).inc(2);
    requests.with({"b"}).inc();
    auto& depth = registry.gauge("decnet_test_depth", "A level", {});
    depth.with({}).set(2.5);
    EXPECT_EQ(registry.render(),
              "# HELP decnet_test_total Things counted\n"
              "# TYPE decnet_test_total counter\n"
              "decnet_test_total{kind=\"a\"} 3\n"
              "decnet_test_total{kind=\"b\"} 1\n"
              "# HELP decnet_test_depth A level\n"
              "# TYPE decnet_test_depth gauge\n"
              "decnet_test_depth 2.5\n");
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
    Registry registry;
    registry.counter("decnet_esc_total", "Help with \\ and\nnewline \"quoted\"", {"v"})
        .with({"back\\slash \"quote\"\nline"})
        .inc();
    const auto text = registry.render();
    EXPECT_THAT(text,
                HasSubstr("# HELP decnet_esc_total Help with \\\\ and\\nnewline \"quoted\"\n"));
    EXPECT_THAT(text, HasSubstr("decnet_esc_total{v=\"back\\\\slash \\\"quote\\\"\\nline\"} 1\n"));
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfSumAndCount) {
    Registry registry;
    auto& h = registry.histogram("decnet_lat_seconds", "Latency", {"route"}, {0.25, 1});
    auto& child = h.with({"/x"});
    child.observe(0.125);
    child.observe(0.25);  // on the bound: counted in le="0.25"
    child.observe(0.5);
    child.observe(7);
    EXPECT_EQ(registry.render(),
              "# HELP decnet_lat_seconds Latency\n"
              "# TYPE decnet_lat_seconds histogram\n"
              "decnet_lat_seconds_bucket{route=\"/x\",le=\"0.25\"} 2\n"
              "decnet_lat_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"
              "decnet_lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
              "decnet_lat_seconds_sum{route=\"/x\"} 7.875\n"
              "decnet_lat_seconds_count{route=\"/x\"} 4\n");
}

TEST(Metrics, UnlabelledHistogram) {
    Registry registry;
    registry.histogram("decnet_rows", "Rows", {}, {10}).with({}).observe(3);
    EXPECT_THAT(registry.render(), HasSubstr("decnet_rows_bucket{le=\"10\"} 1\n"
                                             "decnet_rows_bucket{le=\"+Inf\"} 1\n"
                                             "decnet_rows_sum 3\n"
                                             "decnet_rows_count 1\n"));
}

TEST(Metrics, BoundsMustIncrease) {
    EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
    EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
}

TEST(Metrics, CollectorsMergeIntoOneFamilyAndRepeatedSeriesAreDropped) {
    Registry registry;
    const Collector a = [](Scrape& s) {
        auto& f = s.family("decnet_sub_depth", "Depth", Type::gauge, {"subscriber"});
        s.add(f, {"ingester"}, 3);
    };
    const Collector b = [](Scrape& s) {
        auto& f = s.family("decnet_sub_depth", "Depth", Type::gauge, {"subscriber"});
        s.add(f, {"sse"}, 1);
        s.add(f, {"ingester"}, 99);  // a second value for a series already given
    };
    const auto id = registry.add_collector(a);
    const auto text = registry.render({b});
    EXPECT_EQ(text,
              "# HELP decnet_sub_depth Depth\n"
              "# TYPE decnet_sub_depth gauge\n"
              "decnet_sub_depth{subscriber=\"ingester\"} 3\n"
              "decnet_sub_depth{subscriber=\"sse\"} 1\n");
    registry.remove_collector(id);
    EXPECT_THAT(registry.render({b}), HasSubstr("{subscriber=\"ingester\"} 99"));
}

TEST(Metrics, EmptyFamiliesAreLeftOut) {
    Registry registry;
    registry.counter("decnet_nothing_total", "No children yet", {"x"});
    EXPECT_EQ(registry.render(), "");
}

TEST(Metrics, SeriesPastTheCapShareOneOtherChild) {
    Family<Counter> family("decnet_capped_total", "Capped", {"a", "b"}, {}, 2);
    family.with({"1", "x"}).inc();
    family.with({"2", "x"}).inc();
    family.with({"3", "x"}).inc();
    family.with({"4", "x"}).inc();
    family.with({"1", "x"}).inc();  // existing children still count
    Scrape scrape;
    family.collect(scrape);
    const auto text = scrape.render();
    EXPECT_THAT(text, HasSubstr("decnet_capped_total{a=\"1\",b=\"x\"} 2\n"));
    EXPECT_THAT(text, HasSubstr("decnet_capped_total{a=\"other\",b=\"other\"} 2\n"));
    EXPECT_THAT(text, Not(HasSubstr("a=\"4\"")));
}

TEST(Metrics, ValuesAreFormattedForPrometheus) {
    Registry registry;
    auto& g = registry.gauge("decnet_values", "Values", {"k"});
    g.with({"big"}).set(1e20);
    g.with({"neg"}).set(-3);
    g.with({"inf"}).set(std::numeric_limits<double>::infinity());
    const auto text = registry.render();
    EXPECT_THAT(text, HasSubstr("decnet_values{k=\"big\"} 1e+20\n"));
    EXPECT_THAT(text, HasSubstr("decnet_values{k=\"neg\"} -3\n"));
    EXPECT_THAT(text, HasSubstr("decnet_values{k=\"inf\"} +Inf\n"));
}

TEST(Metrics, StandardFamiliesAndTracingCountersRender) {
    standard();  // defines the shared families
    const auto text = registry().render({collect_tracing});
    EXPECT_THAT(text, HasSubstr("# TYPE decnet_ingest_batch_rows histogram\n"));
    EXPECT_THAT(text, HasSubstr("decnet_spans_exported_total "));
    EXPECT_THAT(text, HasSubstr("decnet_crypto_pool_rejected_total 0\n"));
}

}  // namespace
}  // namespace decnet::telemetry::metrics
