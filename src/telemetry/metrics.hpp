// Prometheus metrics: a small registry of counters, gauges and fixed-bucket histograms
// with labels, plus scrape-time collectors that read stats structs which already exist
// (bus, runtime, ingester, caches), and the text exposition format 0.0.4 (docs/METRICS.md).
// Updating a metric is a relaxed atomic add; finding a labelled child takes a short lock,
// so hot paths look a child up once and keep the reference (children are never freed).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::telemetry::metrics {

enum class Type { counter, gauge, histogram };

class Counter {
  public:
    void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
  public:
    void set(double v) { value_.store(v, std::memory_order_relaxed); }
    void add(double v);
    double value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<double> value_{0};
};

class Histogram {
  public:
    // `bounds`: upper bounds, strictly increasing; +Inf is implicit.
    explicit Histogram(const std::vector<double>& bounds);
    void observe(double v);
    const std::vector<double>& bounds() const { return bounds_; }
    // Non-cumulative count of bucket i (i == bounds().size() is the +Inf bucket).
    std::uint64_t bucket(std::size_t i) const {
        return buckets_[i].load(std::memory_order_relaxed);
    }
    double sum() const { return sum_.load(std::memory_order_relaxed); }

  private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
    std::atomic<double> sum_{0};
};

// Buckets for latencies in seconds, 100 µs .. 10 s.
const std::vector<double>& latency_buckets();

// One sample of a family as a collector reports it (histograms: name gets no suffix here;
// use FamilySnapshot::histograms for them).
struct Sample {
    std::vector<std::string> label_values;
    double value = 0;
};
struct HistogramSample {
    std::vector<std::string> label_values;
    std::vector<double> bounds;
    std::vector<std::uint64_t> buckets;  // non-cumulative, bounds.size() + 1 entries
    double sum = 0;
};
struct FamilySnapshot {
    std::string name;  // the full name, decnet_…
    std::string help;
    Type type = Type::gauge;
    std::vector<std::string> label_names;
    std::vector<Sample> samples;
    std::vector<HistogramSample> histograms;
};

// What a collector writes into at scrape time.
class Scrape {
  public:
    // Starts (or continues, when the name was seen) a family and returns it.
    FamilySnapshot& family(std::string name, std::string help, Type type,
                           std::vector<std::string> label_names = {});
    void add(FamilySnapshot& family, std::vector<std::string> label_values, double value) {
        family.samples.push_back({std::move(label_values), value});
    }
    // Renders text format 0.0.4: HELP/TYPE once per family, escaped label values,
    // histograms as cumulative _bucket{le} + _sum + _count; a repeated series is dropped.
    std::string render() const;

  private:
    std::deque<FamilySnapshot> families_;  // deque: references stay valid
};

using Collector = std::function<void(Scrape&)>;

// A family of labelled children of one metric type.
template <class Metric>
class Family {
  public:
    Family(std::string name, std::string help, std::vector<std::string> label_names,
           std::vector<double> bounds = {}, std::size_t max_series = 1000)
        : name_(std::move(name)),
          help_(std::move(help)),
          label_names_(std::move(label_names)),
          bounds_(std::move(bounds)),
          max_series_(max_series) {}

    // The child for these label values (as many as label names). Past `max_series`
    // children every new combination shares one child whose values are all "other", so
    // attacker-controlled values can never grow the output without bound.
    Metric& with(std::initializer_list<std::string_view> values);
    Metric& with(const std::vector<std::string>& values);

    void collect(Scrape& scrape) const;

  private:
    Metric& child(std::vector<std::string> key);

    std::string name_, help_;
    std::vector<std::string> label_names_;
    std::vector<double> bounds_;
    std::size_t max_series_;
    mutable std::mutex mutex_;
    std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// The process's metrics: families defined here (so any module can update them without
// knowing the API) and collectors added by whoever owns the stats they read.
class Registry {
  public:
    CounterFamily& counter(std::string name, std::string help, std::vector<std::string> labels);
    GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> labels);
    HistogramFamily& histogram(std::string name, std::string help, std::vector<std::string> labels,
                               std::vector<double> bounds);

    // Returns an id for remove_collector. Collectors run under the registry's lock, one
    // scrape at a time, so removing one waits for a scrape that is running it.
    std::uint64_t add_collector(Collector collector);
    void remove_collector(std::uint64_t id);

    // Families, then collectors, then `extra` (the caller's own collectors).
    std::string render(const std::vector<Collector>& extra = {}) const;

  private:
    mutable std::mutex mutex_;
    std::deque<std::unique_ptr<CounterFamily>> counters_;
    std::deque<std::unique_ptr<GaugeFamily>> gauges_;
    std::deque<std::unique_ptr<HistogramFamily>> histograms_;
    std::map<std::uint64_t, Collector> collectors_;
    std::uint64_t next_id_ = 1;
};

Registry& registry();

// Metrics updated from several modules, defined once (names in docs/METRICS.md).
struct Standard {
    CounterFamily& events_ingested;         // {service, event_type}
    HistogramFamily& ingest_batch_rows;     // {}
    HistogramFamily& ingest_batch_seconds;  // {}
    CounterFamily& http_requests;           // {method, route, status}
    HistogramFamily& http_request_seconds;  // {method, route}
    HistogramFamily& crypto_wait_seconds;   // {}
    CounterFamily& crypto_rejected;         // {}
};
const Standard& standard();

// The tracer's counters (spans started/sampled/exported/dropped/failed).
void collect_tracing(Scrape& scrape);

}  // namespace decnet::telemetry::metrics
