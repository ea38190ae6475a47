// The metrics registry and the Prometheus text exposition format 0.0.4.
#include "telemetry/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <type_traits>

#include "telemetry/tracing.hpp"

namespace decnet::telemetry::metrics {
namespace {

void atomic_add(std::atomic<double>& target, double v) {
    double old = target.load(std::memory_order_relaxed);
    while (!target.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
    }
}

// Prometheus floats: integers without a fraction, +Inf/-Inf/NaN spelled as the format wants.
std::string format_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buffer[64];
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        std::snprintf(buffer, sizeof buffer, "%.0f", v);
    else
        // The shortest of 15..17 digits that reads back as the same double: "0.1", not
        // "0.10000000000000001".
        for (int digits = 15; digits <= 17; ++digits) {
            std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
            if (std::strtod(buffer, nullptr) == v) break;
        }
    return buffer;
}

void append_escaped(std::string& out, std::string_view value, bool is_help) {
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && !is_help)
            out += "\\\"";
        else
            out += c;
    }
}

// {a="x",b="y"} plus an optional extra label (le for buckets); nothing when empty.
std::string label_text(const std::vector<std::string>& names,
                       const std::vector<std::string>& values, std::string_view extra_name = {},
                       std::string_view extra_value = {}) {
    std::string out;
    const std::size_t n = std::min(names.size(), values.size());
    if (n == 0 && extra_name.empty()) return out;
    out += '{';
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        out += names[i];
        out += "=\"";
        append_escaped(out, values[i], false);
        out += '"';
    }
    if (!extra_name.empty()) {
        if (n) out += ',';
        out += extra_name;
        out += "=\"";
        out += extra_value;
        out += '"';
    }
    out += '}';
    return out;
}

const char* type_name(Type type) {
    switch (type) {
        case Type::counter:
            return "counter";
        case Type::gauge:
            return "gauge";
        case Type::histogram:
            return "histogram";
    }
    return "untyped";
}

}  // namespace

void Gauge::add(double v) {
    atomic_add(value_, v);
}

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
    if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
        std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end())
        throw std::invalid_argument("histogram bounds must increase strictly");
    for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
    // Few buckets: a linear scan beats a binary search's branches.
    std::size_t i = 0;
    while (i < bounds_.size() && v > bounds_[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    atomic_add(sum_, v);
}

const std::vector<double>& latency_buckets() {
    static const std::vector<double> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                            0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                            1,      2.5,     5,      10};
    return bounds;
}

// ---- Scrape ----

FamilySnapshot& Scrape::family(std::string name, std::string help, Type type,
                               std::vector<std::string> label_names) {
    for (auto& f : families_)
        if (f.name == name) return f;
    families_.push_back({std::move(name), std::move(help), type, std::move(label_names), {}, {}});
    return families_.back();
}

std::string Scrape::render() const {
    std::string out;
    out.reserve(4096);
    for (const auto& f : families_) {
        if (f.samples.empty() && f.histograms.empty()) continue;
        out += "# HELP ";
        out += f.name;
        out += ' ';
        append_escaped(out, f.help, true);
        out += "\n# TYPE ";
        out += f.name;
        out += ' ';
        out += type_name(f.type);
        out += '\n';
        std::set<std::vector<std::string>> seen;  // a series twice is invalid: keep the first
        if (f.type == Type::histogram) {
            for (const auto& h : f.histograms) {
                if (!seen.insert(h.label_values).second) continue;
                std::uint64_t cumulative = 0;
                for (std::size_t i = 0; i <= h.bounds.size(); ++i) {
                    cumulative += i < h.buckets.size() ? h.buckets[i] : 0;
                    const std::string le =
                        i < h.bounds.size() ? format_value(h.bounds[i]) : std::string("+Inf");
                    out += f.name + "_bucket" + label_text(f.label_names, h.label_values, "le", le);
                    out += ' ' + std::to_string(cumulative) + '\n';
                }
                const auto labels = label_text(f.label_names, h.label_values);
                out += f.name + "_sum" + labels + ' ' + format_value(h.sum) + '\n';
                out += f.name + "_count" + labels + ' ' + std::to_string(cumulative) + '\n';
            }
            continue;
        }
        for (const auto& s : f.samples) {
            if (!seen.insert(s.label_values).second) continue;
            out += f.name;
            out += label_text(f.label_names, s.label_values);
            out += ' ';
            out += format_value(s.value);
            out += '\n';
        }
    }
    return out;
}

// ---- Family ----

template <class Metric>
Metric& Family<Metric>::with(std::initializer_list<std::string_view> values) {
    return child(std::vector<std::string>(values.begin(), values.end()));
}
template <class Metric>
Metric& Family<Metric>::with(const std::vector<std::string>& values) {
    return child(values);
}

template <class Metric>
Metric& Family<Metric>::child(std::vector<std::string> key) {
    key.resize(label_names_.size());
    std::lock_guard lock(mutex_);
    auto it = children_.find(key);
    if (it != children_.end()) return *it->second;
    if (children_.size() >= max_series_) key.assign(label_names_.size(), "other");
    auto& slot = children_[std::move(key)];
    if (!slot) {
        if constexpr (std::is_same_v<Metric, Histogram>)
            slot = std::make_unique<Histogram>(bounds_);
        else
            slot = std::make_unique<Metric>();
    }
    return *slot;
}

template <class Metric>
void Family<Metric>::collect(Scrape& scrape) const {
    Type type = Type::gauge;
    if constexpr (std::is_same_v<Metric, Counter>) type = Type::counter;
    if constexpr (std::is_same_v<Metric, Histogram>) type = Type::histogram;
    auto& f = scrape.family(name_, help_, type, label_names_);
    std::lock_guard lock(mutex_);
    for (const auto& [values, metric] : children_) {
        if constexpr (std::is_same_v<Metric, Histogram>) {
            HistogramSample h{values, metric->bounds(), {}, metric->sum()};
            for (std::size_t i = 0; i <= h.bounds.size(); ++i)
                h.buckets.push_back(metric->bucket(i));
            f.histograms.push_back(std::move(h));
        } else {
            f.samples.push_back({values, static_cast<double>(metric->value())});
        }
    }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// ---- Registry ----

CounterFamily& Registry::counter(std::string name, std::string help,
                                 std::vector<std::string> labels) {
    std::lock_guard lock(mutex_);
    counters_.push_back(
        std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(labels)));
    return *counters_.back();
}
GaugeFamily& Registry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
    std::lock_guard lock(mutex_);
    gauges_.push_back(
        std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(labels)));
    return *gauges_.back();
}
HistogramFamily& Registry::histogram(std::string name, std::string help,
                                     std::vector<std::string> labels, std::vector<double> bounds) {
    std::lock_guard lock(mutex_);
    histograms_.push_back(std::make_unique<HistogramFamily>(std::move(name), std::move(help),
                                                            std::move(labels), std::move(bounds)));
    return *histograms_.back();
}

std::uint64_t Registry::add_collector(Collector collector) {
    std::lock_guard lock(mutex_);
    collectors_.emplace(next_id_, std::move(collector));
    return next_id_++;
}
void Registry::remove_collector(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    collectors_.erase(id);
}

std::string Registry::render(const std::vector<Collector>& extra) const {
    Scrape scrape;
    {
        std::lock_guard lock(mutex_);
        for (const auto& f : counters_) f->collect(scrape);
        for (const auto& f : gauges_) f->collect(scrape);
        for (const auto& f : histograms_) f->collect(scrape);
        for (const auto& [id, collector] : collectors_) collector(scrape);
    }
    for (const auto& collector : extra) collector(scrape);
    return scrape.render();
}

Registry& registry() {
    static Registry instance;
    return instance;
}

const Standard& standard() {
    static const Standard s{
        registry().counter("decnet_events_ingested_total",
                           "Events stored by the ingester, by service and event type",
                           {"service", "event_type"}),
        registry().histogram("decnet_ingest_batch_rows", "Rows per ingester batch", {},
                             {1, 5, 10, 25, 50, 100, 250, 500, 1000}),
        registry().histogram("decnet_ingest_batch_duration_seconds",
                             "Time to store one ingester batch (transaction, retries, bounties)",
                             {}, latency_buckets()),
        registry().counter("decnet_http_requests_total",
                           "API requests answered, by method, route pattern and status",
                           {"method", "route", "status"}),
        registry().histogram("decnet_http_request_duration_seconds",
                             "API request time from routing to the response being ready",
                             {"method", "route"}, latency_buckets()),
        registry().histogram("decnet_crypto_pool_wait_seconds",
                             "Time a bcrypt job waited in the crypto pool's queue", {},
                             latency_buckets()),
        registry().counter("decnet_crypto_pool_rejected_total",
                           "bcrypt jobs refused because the crypto pool's queue was full (503)",
                           {}),
    };
    // Unlabelled series exist from the start, so a scrape shows them at zero.
    s.ingest_batch_rows.with({});
    s.ingest_batch_seconds.with({});
    s.crypto_wait_seconds.with({});
    s.crypto_rejected.with({});
    return s;
}

void collect_tracing(Scrape& scrape) {
    const auto c = tracing_counters();
    auto one = [&](const char* name, const char* help, std::uint64_t value) {
        auto& f = scrape.family(name, help, Type::counter);
        scrape.add(f, {}, static_cast<double>(value));
    };
    one("decnet_spans_started_total", "Spans started, sampled or not", c.spans_started);
    one("decnet_spans_sampled_total", "Spans recorded for export", c.spans_sampled);
    one("decnet_spans_exported_total", "Spans accepted by the OTLP receiver", c.spans_exported);
    one("decnet_spans_dropped_total", "Spans dropped (export queue full or after shutdown)",
        c.spans_dropped);
    one("decnet_spans_export_failed_total", "Spans in batches the receiver refused or never got",
        c.spans_export_failed);
    one("decnet_span_export_batches_total", "OTLP export requests sent", c.export_batches);
}

}  // namespace decnet::telemetry::metrics
