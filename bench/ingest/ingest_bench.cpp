// ingest_bench: events/s from EventBus through the ingester into SQLite, batched (the
// production path) and with one transaction per event (the reference's shape), same run.
// Usage: ingest_bench [events=200000] [per_event_events=20000] [--unique-ips]
// Last line: ingest_events_per_sec <N>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../support/traffic.hpp"
#include "events/event_bus.hpp"
#include "store/ingest/ingester.hpp"
#include "store/repository.hpp"

namespace {

using namespace decnet;
using clock_type = std::chrono::steady_clock;
using bench::Traffic;

double run(std::size_t count, std::size_t max_batch, const std::string& db_path, bool unique_ips) {
    std::filesystem::remove(db_path);
    auto repository = store::open_sqlite(db_path);
    EventBus bus;
    auto subscription = bus.subscribe("ingester", count + 1);
    store::IngesterOptions options;
    options.max_batch = max_batch;
    store::Ingester ingester(*repository, options);

    Traffic traffic(unique_ips);
    const auto start = clock_type::now();
    const auto cpu_start = std::clock();  // process CPU: a figure the machine's load distorts less
    double writer_cpu_us = 0;             // the ingester thread alone: the pipeline's serial part
    std::thread writer([&] {
        ingester.run(*subscription);
        timespec cpu{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
        writer_cpu_us =
            1e6 * static_cast<double>(cpu.tv_sec) + static_cast<double>(cpu.tv_nsec) / 1e3;
    });
    for (std::size_t i = 0; i < count; ++i) bus.publish(traffic.next(i));
    bus.close();
    writer.join();
    const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    const double cpu_us = 1e6 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const auto stats = ingester.stats();
    if (stats.stored != count) {
        std::fprintf(stderr, "ingest_bench: stored %llu of %zu events\n",
                     static_cast<unsigned long long>(stats.stored), count);
        std::exit(1);
    }
    std::printf(
        "  %-26s %9zu events  %7.3f s  %10.0f events/s  CPU/event %5.1f us (ingester thread "
        "%5.1f us)  (%llu bounties)\n",
        max_batch == 1 ? "one transaction per event" : "batched (<=1000 / 50 ms)", count, seconds,
        count / seconds, cpu_us / static_cast<double>(count),
        writer_cpu_us / static_cast<double>(count),
        static_cast<unsigned long long>(stats.bounties));
    return count / seconds;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
    const std::size_t per_event = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 20000;
    const auto dir = std::filesystem::temp_directory_path() / "decnet-ingest-bench";
    std::filesystem::create_directories(dir);
    std::printf("ingest_bench: bus -> ingester -> SQLite (WAL, synchronous=NORMAL) in %s\n",
                dir.c_str());
    const bool unique_ips = argc > 3 && std::string_view(argv[3]) == "--unique-ips";
    const double batched = run(events, 1000, (dir / "batched.db").string(), unique_ips);
    const double single = run(per_event, 1, (dir / "single.db").string(), unique_ips);
    std::printf("  batched / per-event ratio: %.1fx\n", batched / single);
    std::filesystem::remove_all(dir);
    std::printf("ingest_events_per_sec %.0f\n", batched);
    return 0;
}
