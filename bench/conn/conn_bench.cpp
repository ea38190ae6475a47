// conn_bench: connections per second against one decky (issue #4 §8): TCP connect, the
// ftp greeting read, close — and each connection's event published on the EventBus.
// The load generator runs in this process on the same 2 cores. Clients spread over 16
// source addresses (127.201.0.x) so the per-source session limit (32) is not what is
// measured; they close with RST (SO_LINGER 0) so 300k connections leave no TIME_WAIT.
// Usage: conn_bench [seconds=5] [client_threads=16]. Last line: conn_per_sec <N>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

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

namespace {

using namespace decnet;
using clock_type = std::chrono::steady_clock;

constexpr const char* kDeckyIp = "127.121.0.10";
constexpr int kPort = 21;

// One connection: connect, read until the greeting's line end, abortive close.
bool one_connection(const sockaddr_in& source, const sockaddr_in& target) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const linger abort_close{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
    const timeval timeout{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    bool ok = bind(fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) == 0 &&
              connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target) == 0;
    if (ok) {
        char buffer[512];
        ok = false;
        for (int reads = 0; reads < 8; ++reads) {
            const auto n = recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            if (std::string_view(buffer, static_cast<std::size_t>(n)).find('\n') !=
                std::string_view::npos) {
                ok = true;
                break;
            }
        }
    }
    close(fd);
    return ok;
}

struct LoadResult {
    std::uint64_t completed = 0;
    std::uint64_t failed = 0;
    double seconds = 0;
    double rate() const { return seconds > 0 ? static_cast<double>(completed) / seconds : 0; }
};

// `client_threads` blocking clients hammer `target` for `seconds` (and at most 2M
// connections each, so a runaway loop can't outlive the bench).
LoadResult generate_load(const sockaddr_in& target, int client_threads, int seconds) {
    std::atomic<std::uint64_t> completed{0}, failed{0};
    const auto start = clock_type::now();
    const auto deadline = start + std::chrono::seconds(seconds);
    std::vector<std::thread> clients;
    for (int t = 0; t < client_threads; ++t) {
        clients.emplace_back([&, t] {
            sockaddr_in source{};
            source.sin_family = AF_INET;
            const auto ip = "127.201.0." + std::to_string(1 + t % 16);
            inet_pton(AF_INET, ip.c_str(), &source.sin_addr);
            for (int i = 0; i < 2'000'000 && clock_type::now() < deadline; ++i)
                (one_connection(source, target) ? completed : failed)++;
        });
    }
    for (auto& client : clients) client.join();
    return {completed.load(), failed.load(),
            std::chrono::duration<double>(clock_type::now() - start).count()};
}

// The floor this machine's TCP stack sets: a bare accept → send greeting → close server
// on one thread, no sessions, no events. decnet is reported as a ratio of it.
double baseline_rate(int client_threads, int seconds) {
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(kPort);
    inet_pton(AF_INET, "127.121.0.11", &address.sin_addr);
    if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(listener, 4096) != 0) {
        close(listener);
        return 0;
    }
    std::atomic<bool> serving{true};
    std::thread server([&] {
        const timeval timeout{0, 200'000};
        setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        while (serving.load()) {
            const int fd = accept(listener, nullptr, nullptr);
            if (fd < 0) continue;
            static const char kGreeting[] = "220 ready\r\n";
            [[maybe_unused]] auto sent = send(fd, kGreeting, sizeof kGreeting - 1, MSG_NOSIGNAL);
            close(fd);
        }
    });
    const auto result = generate_load(address, client_threads, seconds);
    serving = false;
    server.join();
    close(listener);
    return result.rate();
}

}  // namespace

int main(int argc, char** argv) {
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
    const int client_threads = argc > 2 ? std::atoi(argv[2]) : 16;
    if (seconds < 1 || seconds > 120 || client_threads < 1 || client_threads > 256) {
        std::fprintf(stderr, "conn_bench: seconds 1..120, threads 1..256\n");
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
        while (draining.load() || events->try_pop_batch(batch) > 0) {
            for (const auto& e : batch)
                if (e->event_type == "connection") ++connection_events;
            batch.clear();
            events->pop_batch(batch, std::chrono::milliseconds(20));
            for (const auto& e : batch)
                if (e->event_type == "connection") ++connection_events;
            batch.clear();
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

    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(kPort);
    inet_pton(AF_INET, kDeckyIp, &target.sin_addr);

    const auto load = generate_load(target, client_threads, seconds);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the last events
    runtime.stop();
    draining = false;
    bus.close();
    drain.join();
    const auto stats = runtime.stats();
    const double rate = load.rate();
    const double baseline = baseline_rate(client_threads, seconds);

    std::printf(
        "conn_bench: %d client threads, %.2f s: %llu connections (%llu failed), "
        "%llu connection events, %llu rejected by limits\n",
        client_threads, load.seconds, static_cast<unsigned long long>(load.completed),
        static_cast<unsigned long long>(load.failed),
        static_cast<unsigned long long>(connection_events.load()),
        static_cast<unsigned long long>(stats.rejected_decky_limit + stats.rejected_source_limit));
    std::printf(
        "conn_bench: bare accept/send/close server, same clients: %.0f conn/s; decnet "
        "reaches %.0f%% of it\n",
        baseline, baseline > 0 ? 100 * rate / baseline : 0);
    if (connection_events.load() < load.completed) {
        std::fprintf(stderr, "conn_bench: %llu connections have no event\n",
                     static_cast<unsigned long long>(load.completed - connection_events.load()));
        return 1;
    }
    std::printf("conn_per_sec %.0f\n", rate);
    return 0;
}
