// tracing_bench: what one span site costs — tracing off (the default: one branch, no
// allocation), on but not sampled (ids and context only), and on with every span sampled
// and queued for export (recording, attributes, the hand-off to the exporter thread).
// Usage: tracing_bench [disabled_iterations=50000000] [enabled_iterations=500000]
// Last line: span_disabled_ns <N> span_enabled_ns <N>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "telemetry/span.hpp"
#include "telemetry/tracing.hpp"

namespace {

using namespace decnet::telemetry;
using Clock = std::chrono::steady_clock;

// A typical instrumented call: a span with two attributes around a trivial body.
__attribute__((noinline)) std::uint64_t span_site(std::uint64_t i) {
    Span span("db.get_logs", SpanKind::client);
    span.set_attribute("rows", i & 63);
    span.set_attribute("table", "logs");
    return i * 2654435761u;
}

// The same call without the span: its cost is subtracted, so the figures are the span's.
__attribute__((noinline)) std::uint64_t bare_site(std::uint64_t i) {
    asm volatile("");
    return i * 2654435761u;
}

// CPU time of the calling thread: on a shared machine wall time would count the time the
// thread waits for a core (and the exporter thread's work), neither of which a span costs
// the code that opens it.
double thread_cpu_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

template <typename Site>
double ns_per_op(std::uint64_t iterations, Site site) {
    std::uint64_t sink = 0;
    const double start = thread_cpu_ns();
    for (std::uint64_t i = 0; i < iterations; ++i) sink += site(i);
    const double elapsed = thread_cpu_ns() - start;
    // Keep the loop's result alive so nothing is optimised away.
    asm volatile("" : : "r"(sink) : "memory");
    return elapsed / static_cast<double>(iterations);
}

TracingConfig bench_config(SamplerKind sampler, std::size_t queue,
                           std::atomic<std::uint64_t>& bytes) {
    TracingConfig config;
    config.enabled = true;
    config.sampler = {sampler, 1.0};
    // Room for every span, so the figure is the enqueue path rather than the drop path,
    // and one batch sent at flush time: on this shared 2-core machine the exporter thread
    // would otherwise compete with the loop for a core (its cost is reported separately).
    config.max_queue_size = queue;
    config.max_export_batch_size = queue;
    config.schedule_delay = std::chrono::hours(1);
    config.transport = [&bytes](const std::string& body) {
        bytes += body.size();
        return true;
    };
    return config;
}

}  // namespace

int main(int argc, char** argv) {
    const std::uint64_t disabled_n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 50'000'000;
    const std::uint64_t enabled_n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 500'000;

    ns_per_op(disabled_n / 10, span_site);  // warm-up
    // Best of three: the machine is shared, and the minimum is the cost itself.
    double bare = 1e9, disabled_call = 1e9;
    for (int round = 0; round < 3; ++round) {
        bare = std::min(bare, ns_per_op(disabled_n, bare_site));
        disabled_call = std::min(disabled_call, ns_per_op(disabled_n, span_site));
    }
    const double disabled = std::max(0.0, disabled_call - bare);
    std::printf("empty call:                 %8.2f ns\n", bare);
    std::printf("tracing off:                %8.2f ns/span  (%.2f ns per call with the span)\n",
                disabled, disabled_call);

    std::atomic<std::uint64_t> bytes{0};
    start_tracing(bench_config(SamplerKind::always_off, enabled_n, bytes));
    const double unsampled = ns_per_op(enabled_n, span_site) - bare;
    shutdown_tracing();
    std::printf("tracing on, not sampled:    %8.2f ns/span\n", unsampled);

    // Sampled spans are timed in rounds that fit the queue, exported between rounds, so
    // the memory of one round is reused by the next (the steady state of a process).
    constexpr std::uint64_t kRound = 2048;
    start_tracing(bench_config(SamplerKind::always_on, kRound, bytes));
    ns_per_op(kRound, span_site);  // warm-up: first-touch of the records' memory
    flush_tracing(std::chrono::seconds(60));
    const auto before = tracing_counters();
    double enabled_total = 0, export_ms = 0;
    std::uint64_t done = 0;
    for (; done < enabled_n; done += kRound) {
        enabled_total += ns_per_op(kRound, span_site) * kRound;
        const auto export_start = Clock::now();
        flush_tracing(std::chrono::seconds(60));
        export_ms += std::chrono::duration<double, std::milli>(Clock::now() - export_start).count();
    }
    const double enabled = enabled_total / static_cast<double>(done) - bare;
    shutdown_tracing();
    const auto after = tracing_counters();
    std::printf(
        "tracing on, sampled:        %8.2f ns/span  (exported %llu, dropped %llu; "
        "OTLP JSON %.1f MB, exported in %.0f ms)\n",
        enabled, static_cast<unsigned long long>(after.spans_exported - before.spans_exported),
        static_cast<unsigned long long>(after.spans_dropped - before.spans_dropped),
        static_cast<double>(bytes.load()) / 1e6, export_ms);
    std::printf("span_disabled_ns %.2f span_enabled_ns %.2f\n", disabled, enabled);
    return 0;
}
