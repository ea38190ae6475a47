// deploy_bench: 1,000 loopback deckies × 2 services (redis + ftp) bound and listening, from
// an empty runtime (issue #4 §8). Measures the time until every listener accepts and the
// resident memory each idle decky costs. Needs root only for nothing: ports are ≥ 1024 or
// on 127.x addresses (root lets ftp bind 21; run as root like `make bench` does).
// Usage: deploy_bench [deckies=1000]. Last line: deploy_1000_ms <N> rss_per_decky_kb <N>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/config.hpp"
#include "events/event_bus.hpp"
#include "honeypot/runtime.hpp"

namespace {

using namespace decnet;
using clock_type = std::chrono::steady_clock;

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

void raise_fd_limit() {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
}

// 127.120.0.0/16: decky i gets 127.120.(i/250).(1 + i%250).
std::string decky_ip(int i) {
    return "127.120." + std::to_string(i / 250) + "." + std::to_string(1 + i % 250);
}

bool accepts(const std::string& ip, int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    const int count = argc > 1 ? std::atoi(argv[1]) : 1000;
    if (count < 1 || count > 60000) {
        std::fprintf(stderr, "deploy_bench: 1..60000 deckies\n");
        return 2;
    }
    raise_fd_limit();
    DeploymentConfig config;
    config.subnet = "127.120.0.0/16";
    for (int i = 0; i < count; ++i) {
        DeckyConfig decky;
        decky.name = "bench-" + std::to_string(i);
        decky.ip = decky_ip(i);
        decky.services = {"redis", "ftp"};
        decky.hostname = "host-" + std::to_string(i);
        decky.nmap_os = i % 2 ? "linux" : "windows";
        config.deckies.push_back(std::move(decky));
    }

    EventBus bus;
    honeypot::Runtime runtime(bus);
    runtime.start();
    const long rss_before = rss_kb();
    const auto start = clock_type::now();
    const auto report = runtime.deploy(config);
    const double deploy_ms =
        std::chrono::duration<double, std::milli>(clock_type::now() - start).count();

    // "Ready" means accepting: probe the first, middle and last decky on both ports.
    for (int i : {0, count / 2, count - 1}) {
        if (!accepts(decky_ip(i), 6379) || !accepts(decky_ip(i), 21)) {
            std::fprintf(stderr, "deploy_bench: decky %d does not accept\n", i);
            return 1;
        }
    }
    const double ready_ms =
        std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
    const long rss_after = rss_kb();
    const double per_decky_kb = static_cast<double>(rss_after - rss_before) / count;
    std::printf(
        "deploy_bench: %d deckies, %zu listeners: deploy %.1f ms, ready %.1f ms, "
        "RSS %ld -> %ld kB\n",
        count, report.listening.size(), deploy_ms, ready_ms, rss_before, rss_after);
    runtime.stop();
    if (report.listening.size() != static_cast<std::size_t>(2 * count)) {
        std::fprintf(stderr, "deploy_bench: expected %d listeners\n", 2 * count);
        return 1;
    }
    std::printf("deploy_%d_ms %.0f rss_per_decky_kb %.1f\n", count, ready_ms, per_decky_kb);
    return 0;
}
