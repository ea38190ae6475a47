// idle_bench: 10,000 concurrent idle attacker connections held open (issue #4 §8), then
// the resident memory of the process serving them and how fast another decky still
// answers. The attacker side is a forked child (its sockets must not count against our
// descriptor limit or our RSS); connections spread over 40 redis deckies (250 each, under
// the 512 per-decky limit) from 400 source addresses (25 each, under the 32 per source).
// Usage: idle_bench [connections=10000]. Last line: idle_rss_mb <N> other_decky_p99_ms <N>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "events/event_bus.hpp"
#include "honeypot/runtime.hpp"

#include "../support/ipv4.hpp"

namespace {

using namespace decnet;
using clock_type = std::chrono::steady_clock;

constexpr int kDeckies = 40;
constexpr const char* kProbeIp = "127.122.1.1";

long rss_kb() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            long kb = 0;
            status >> kb;
            return kb;
        }
        status.ignore(1 << 12, '\n');
    }
    return 0;
}

std::string decky_ip(int i) {
    return "127.122.0." + std::to_string(10 + i);
}

// The attacker: opens `count` connections, reports how many through `ready`, then holds
// them until killed.
[[noreturn]] void hold_connections(int count, int ready) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    std::vector<int> sockets;
    for (int i = 0; i < count; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) break;
        const auto source = bench::ipv4_address(
            "127.202." + std::to_string(i / 25 / 250) + "." + std::to_string(1 + i / 25 % 250), 0);
        const auto target = bench::ipv4_address(decky_ip(i % kDeckies), 6379);
        if (bind(fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0 ||
            connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
            close(fd);
            continue;
        }
        sockets.push_back(fd);
    }
    const int opened = static_cast<int>(sockets.size());
    if (write(ready, &opened, sizeof opened) != sizeof opened) _exit(1);
    for (;;) pause();
}

double probe_ms() {
    const auto start = clock_type::now();
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    const auto target = bench::ipv4_address(kProbeIp, 21);
    char buffer[256];
    if (connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0 ||
        recv(fd, buffer, sizeof buffer, 0) <= 0) {
        close(fd);
        return 1e9;
    }
    close(fd);
    return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    const int count = argc > 1 ? std::atoi(argv[1]) : 10000;
    if (count < 1 || count > kDeckies * 500) {
        std::fprintf(stderr, "idle_bench: 1..%d connections\n", kDeckies * 500);
        return 2;
    }
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);

    EventBus bus;
    DeploymentConfig config;
    for (int i = 0; i < kDeckies; ++i) {
        DeckyConfig decky;
        decky.name = "idle-" + std::to_string(i);
        decky.ip = decky_ip(i);
        decky.services = {"redis"};
        config.deckies.push_back(decky);
    }
    DeckyConfig probe;
    probe.name = "probe";
    probe.ip = kProbeIp;
    probe.services = {"ftp"};
    config.deckies.push_back(probe);
    honeypot::Runtime runtime(bus);
    runtime.deploy(config);
    runtime.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const long rss_before = rss_kb();

    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return 1;
    std::fflush(nullptr);
    const pid_t attacker = fork();
    if (attacker == 0) hold_connections(count, pipe_fds[1]);
    int opened = 0;
    if (read(pipe_fds[0], &opened, sizeof opened) != sizeof opened) opened = 0;
    // Let the accepts and sessions settle (bounded).
    for (int i = 0; i < 100 && runtime.stats().sessions_active < static_cast<unsigned>(opened); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto active = runtime.stats().sessions_active;
    const long rss_after = rss_kb();

    std::vector<double> probes;
    for (int i = 0; i < 200; ++i) probes.push_back(probe_ms());
    std::sort(probes.begin(), probes.end());
    const double p99 = probes[probes.size() * 99 / 100];

    kill(attacker, SIGKILL);
    waitpid(attacker, nullptr, 0);
    runtime.stop();
    std::printf(
        "idle_bench: %d connections opened, %llu sessions active; RSS %ld -> %ld kB; "
        "other decky: median %.2f ms, p99 %.2f ms, max %.2f ms\n",
        opened, static_cast<unsigned long long>(active), rss_before, rss_after,
        probes[probes.size() / 2], p99, probes.back());
    if (active < static_cast<unsigned>(opened)) {
        std::fprintf(stderr, "idle_bench: only %llu of %d connections are sessions\n",
                     static_cast<unsigned long long>(active), opened);
        return 1;
    }
    std::printf("idle_rss_mb %.1f other_decky_p99_ms %.2f\n", rss_after / 1024.0, p99);
    return 0;
}
