// conn_bench: connections per second against one decky (issue #4 §8): TCP connect, the
// ftp greeting read, close — and each connection's `connect` event published on the EventBus.
// The load generator runs in this process on the same 2 cores (load_generator.hpp). Clients
// spread over 16 source addresses (127.201.0.x) so the per-source session limit (32) is not
// what is measured; they close with RST (SO_LINGER 0) so 300k connections leave no
// TIME_WAIT. Rounds alternate decnet and a bare accept/send/close server with the same
// clients, so load from other processes hits both alike; figures are per-round ratios and
// medians, with the CPU each side spent per connection (the process's CPU time minus the
// client threads' own).
// Usage: conn_bench [seconds=3] [client_threads=2] [rounds=7]
//   Rounds alternate which server goes first; `conn_bare_ratio` is the median of the
//   rounds' decnet/bare rate ratios (one pair of 4 s rounds ranged 70–109 %).
//   BENCH_CLIENT=blocking: the old blocking clients (default threads 16); BENCH_IN_FLIGHT=N
//   connections in flight per epoll client thread (32); BENCH_BARE=0 skips the bare server
//   (to profile decnet alone, e.g. under perf stat). Last lines: conn_bare_ratio <median>,
//   conn_per_sec <median>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "events/event_bus.hpp"
#include "honeypot/runtime.hpp"
#include "load_generator.hpp"

#include "../support/ipv4.hpp"

namespace {

using namespace decnet;
using bench::LoadOptions;
using bench::LoadResult;

constexpr const char* kDeckyIp = "127.121.0.10";
constexpr const char* kBareIp = "127.121.0.11";
constexpr int kPort = 21;

double process_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// One phase's figures: the rate and the CPU µs per completed connection on each side.
struct Phase {
    LoadResult load;
    double server_us = 0;
    double client_us = 0;
    double cores = 0;  // CPU the process got: its CPU time / wall time (others share them)
    // What the machine's cores would carry if the bench had them all: cores / CPU per
    // connection (both sides). Under load from other processes this, not the rate, is
    // what compares across runs.
    double projected() const {
        const double us = server_us + client_us;
        return us > 0 ? std::thread::hardware_concurrency() * 1e6 / us : 0;
    }
};

template <typename Run>
Phase measure(Run&& run) {
    const double cpu_before = process_cpu_seconds();
    Phase phase;
    phase.load = run();
    const double cpu = process_cpu_seconds() - cpu_before;
    if (phase.load.completed > 0) {
        const double n = static_cast<double>(phase.load.completed);
        phase.client_us = 1e6 * phase.load.client_cpu_seconds / n;
        phase.server_us = 1e6 * (cpu - phase.load.client_cpu_seconds) / n;
    }
    if (phase.load.seconds > 0) phase.cores = cpu / phase.load.seconds;
    return phase;
}

// The floor this machine's TCP stack sets: a bare accept → send greeting → close server
// on one thread, no sessions, no events, never waiting for the client's close.
Phase bare_phase(int listener, const LoadOptions& options) {
    std::atomic<bool> serving{true};
    std::thread server([&] {
        while (serving.load()) {
            const int fd = accept(listener, nullptr, nullptr);
            if (fd < 0) continue;
            static const char kGreeting[] = "220 ready\r\n";
            [[maybe_unused]] auto sent = send(fd, kGreeting, sizeof kGreeting - 1, MSG_NOSIGNAL);
            close(fd);
        }
    });
    const auto phase =
        measure([&] { return generate_load(bench::ipv4_address(kBareIp, kPort), options); });
    serving = false;
    server.join();
    return phase;
}

int bare_listener() {
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const timeval timeout{0, 200'000};  // accept() returns so the server sees `serving`
    setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    const auto address = bench::ipv4_address(kBareIp, kPort);
    if (bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        listen(listener, 4096) != 0) {
        close(listener);
        return -1;
    }
    return listener;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    return n == 0 ? 0 : n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void print_phase(const char* name, const Phase& p) {
    std::printf(
        "  %-6s %7.0f conn/s  (%llu ok, %llu failed) on %.2f cores; CPU/conn: server %5.1f us, "
        "client %5.1f us; all cores would carry %.0f conn/s\n",
        name, p.load.rate(), static_cast<unsigned long long>(p.load.completed),
        static_cast<unsigned long long>(p.load.failed), p.cores, p.server_us, p.client_us,
        p.projected());
}

}  // namespace

int main(int argc, char** argv) {
    LoadOptions options;
    const char* kind = std::getenv("BENCH_CLIENT");
    if (kind && std::string(kind) == "blocking") {
        options.kind = bench::ClientKind::blocking;
        options.threads = 16;
    }
    if (const char* in_flight = std::getenv("BENCH_IN_FLIGHT"))
        options.in_flight = std::atoi(in_flight);
    options.seconds = argc > 1 ? std::atoi(argv[1]) : 3;
    if (argc > 2) options.threads = std::atoi(argv[2]);
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 7;
    const char* bare_env = std::getenv("BENCH_BARE");
    const bool with_bare = !bare_env || std::string(bare_env) != "0";
    if (options.seconds < 1 || options.seconds > 120 || options.threads < 1 ||
        options.threads > 256 || rounds < 1 || rounds > 40 || options.in_flight < 1 ||
        options.in_flight > 4096) {
        std::fprintf(stderr,
                     "conn_bench: seconds 1..120, threads 1..256, rounds 1..40, "
                     "BENCH_IN_FLIGHT 1..4096\n");
        return 2;
    }
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);

    EventBus bus;
    auto events = bus.subscribe("bench", 1 << 20);
    std::atomic<bool> draining{true};
    std::atomic<std::uint64_t> connection_events{0};
    std::thread drain([&] {
        std::vector<EventPtr> batch;
        for (;;) {
            const bool last = !draining.load();
            events->pop_batch(batch, std::chrono::milliseconds(20));
            for (const auto& e : batch)
                if (e->event_type == "connect") ++connection_events;
            if (last && batch.empty()) break;
        }
    });

    DeploymentConfig config;
    DeckyConfig decky;
    decky.name = "bench-ftp";
    decky.ip = kDeckyIp;
    decky.services = {"ftp"};
    decky.hostname = "files";
    config.deckies.push_back(decky);
    honeypot::Runtime runtime(bus);
    runtime.deploy(config);
    runtime.start();
    const int listener = bare_listener();
    if (listener < 0) {
        std::fprintf(stderr, "conn_bench: cannot listen on %s:%d\n", kBareIp, kPort);
        return 1;
    }

    std::printf("conn_bench: %s clients, %d threads%s, %d s per phase, %d rounds\n",
                options.kind == bench::ClientKind::blocking ? "blocking" : "epoll", options.threads,
                options.kind == bench::ClientKind::blocking
                    ? ""
                    : (", " + std::to_string(options.in_flight) + " in flight each").c_str(),
                options.seconds, rounds);
    std::vector<double> decnet_rates, bare_rates, ratios, decnet_server_us, bare_server_us,
        client_us, decnet_projected, bare_projected;
    std::uint64_t completed = 0;
    for (int r = 0; r < rounds; ++r) {
        // Which side goes first alternates, so a drift in the machine's load favours neither.
        Phase decnet, bare;
        const auto run_decnet = [&] {
            decnet = measure(
                [&] { return generate_load(bench::ipv4_address(kDeckyIp, kPort), options); });
        };
        const auto run_bare = [&] {
            if (with_bare) bare = bare_phase(listener, options);
        };
        if (r % 2 == 0) {
            run_decnet();
            run_bare();
        } else {
            run_bare();
            run_decnet();
        }
        completed += decnet.load.completed;
        std::printf("round %d: decnet %.0f%% of bare\n", r + 1,
                    bare.load.rate() > 0 ? 100 * decnet.load.rate() / bare.load.rate() : 0);
        print_phase("decnet", decnet);
        print_phase("bare", bare);
        decnet_rates.push_back(decnet.load.rate());
        bare_rates.push_back(bare.load.rate());
        ratios.push_back(bare.load.rate() > 0 ? decnet.load.rate() / bare.load.rate() : 0);
        decnet_server_us.push_back(decnet.server_us);
        bare_server_us.push_back(bare.server_us);
        client_us.push_back(decnet.client_us);
        client_us.push_back(bare.client_us);
        decnet_projected.push_back(decnet.projected());
        bare_projected.push_back(bare.projected());
    }
    close(listener);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the last events
    runtime.stop();
    draining = false;
    drain.join();
    bus.close();
    const auto stats = runtime.stats();

    std::printf(
        "conn_bench: medians: decnet %.0f conn/s, bare %.0f conn/s, decnet/bare %.0f%%; CPU per "
        "connection: decnet server %.1f us, bare server %.1f us, client %.1f us\n",
        median(decnet_rates), median(bare_rates), 100 * median(ratios), median(decnet_server_us),
        median(bare_server_us), median(client_us));
    std::printf("conn_bench: with all %u cores: decnet %.0f conn/s, bare %.0f conn/s\n",
                std::thread::hardware_concurrency(), median(decnet_projected),
                median(bare_projected));
    std::printf(
        "conn_bench: %llu connection events, %llu rejected by limits\n",
        static_cast<unsigned long long>(connection_events.load()),
        static_cast<unsigned long long>(stats.rejected_decky_limit + stats.rejected_source_limit));
    if (connection_events.load() < completed) {
        std::fprintf(stderr, "conn_bench: %llu connections have no event\n",
                     static_cast<unsigned long long>(completed - connection_events.load()));
        return 1;
    }
    if (with_bare) std::printf("conn_bare_ratio %.2f\n", median(ratios));
    std::printf("conn_per_sec %.0f\n", median(decnet_rates));
    return 0;
}
