// ingest_bench: events/s from EventBus through the ingester into SQLite, batched (the
// production path) and with one transaction per event (the reference's shape), same run.
// Usage: ingest_bench [events=200000] [per_event_events=20000]
// Last line: ingest_events_per_sec <N>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "events/event_bus.hpp"
#include "store/ingest/ingester.hpp"
#include "store/repository.hpp"

namespace {

using namespace decnet;
using clock_type = std::chrono::steady_clock;

// A mix shaped like real traffic: connects, credentials, http requests with headers.
Event make_event(std::size_t i) {
    Event e;
    e.time = event_now();
    e.decky = "decky-" + std::to_string(1 + i % 10);
    const auto ip = "10." + std::to_string(i % 7) + "." + std::to_string(i % 251) + "." +
                    std::to_string(1 + i % 199);
    switch (i % 4) {
        case 0:
            e.service = "ssh";
            e.event_type = "connect";
            e.add("src", ip).add("src_port", 40000 + i % 20000);
            break;
        case 1:
            e.service = "ftp";
            e.event_type = "auth_attempt";
            e.add("src_ip", ip)
                .add("username", "root")
                .add("password", "pw" + std::to_string(i % 500));
            break;
        case 2:
            e.service = "http";
            e.event_type = "request";
            e.add("remote_addr", ip)
                .add("method", "GET")
                .add("path", "/wp-login.php?id=" + std::to_string(i));
            e.add("headers",
                  "{\"User-Agent\":\"Mozilla/5.0 (X11; Linux x86_64)\",\"Accept\":\"text/html\"}");
            break;
        default:
            e.service = "redis";
            e.event_type = "command";
            e.add("src", ip).add("command", "CONFIG SET dir /var/spool/cron");
    }
    return e;
}

double run(std::size_t count, std::size_t max_batch, const std::string& db_path) {
    std::filesystem::remove(db_path);
    auto repository = store::open_sqlite(db_path);
    EventBus bus;
    auto subscription = bus.subscribe("ingester", count + 1);
    store::IngesterOptions options;
    options.max_batch = max_batch;
    store::Ingester ingester(*repository, options);

    const auto start = clock_type::now();
    std::thread writer([&] { ingester.run(*subscription); });
    for (std::size_t i = 0; i < count; ++i) bus.publish(make_event(i));
    bus.close();
    writer.join();
    const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    const auto stats = ingester.stats();
    if (stats.stored != count) {
        std::fprintf(stderr, "ingest_bench: stored %llu of %zu events\n",
                     static_cast<unsigned long long>(stats.stored), count);
        std::exit(1);
    }
    std::printf("  %-26s %9zu events  %7.3f s  %10.0f events/s  (%llu bounties)\n",
                max_batch == 1 ? "one transaction per event" : "batched (<=1000 / 50 ms)", count,
                seconds, count / seconds, static_cast<unsigned long long>(stats.bounties));
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
    const double batched = run(events, 1000, (dir / "batched.db").string());
    const double single = run(per_event, 1, (dir / "single.db").string());
    std::printf("  batched / per-event ratio: %.1fx\n", batched / single);
    std::filesystem::remove_all(dir);
    std::printf("ingest_events_per_sec %.0f\n", batched);
    return 0;
}
