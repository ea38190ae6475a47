// tracing_overhead_bench: what tracing costs the API (issue #6 §9). Two `decnet api`
// servers on one seeded store, one with tracing off and one with DECNET_TRACING=true at
// 100 % sampling (always_on) exporting OTLP/HTTP to a receiver in this process that
// counts and discards; wrk replays the read mix (bench/api/read_mix.lua) against them in
// turn, off/on pairs, so drifting load on the shared machine hits both sides alike.
// Env: BENCH_SECONDS (per run, default 10), BENCH_PAIRS (default 4), BENCH_CONNECTIONS
// (default 100), BENCH_PORT (first of three ports, default 18910). Needs wrk.
// Also the server's CPU time per request (from /proc), a steadier view on a noisy machine.
// Last line: tracing_overhead_pct <N> (median over pairs of the RPS lost with tracing on).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../api/bench_http.hpp"
#include "../api/seed.hpp"

namespace {

namespace fs = std::filesystem;
using WrkResult = std::map<std::string, double>;

constexpr const char* kPassword = decnet::bench::kBenchPassword;
using decnet::bench::ApiServer;
using decnet::bench::env_int;

// The OTLP/HTTP receiver: accepts each POST, answers 200 at once and counts the spans of
// the body. decnet's exporter sends one batch per connection, from one thread, so one
// blocking loop keeps up (it does no parsing beyond counting).
class Receiver {
  public:
    explicit Receiver(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(fd_, 64) != 0)
            throw std::runtime_error("receiver: cannot listen on 127.0.0.1:" +
                                     std::to_string(port));
        thread_ = std::thread([this] { serve(); });
    }
    ~Receiver() {
        stopping_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    std::uint64_t spans() const { return spans_; }
    std::uint64_t batches() const { return batches_; }

  private:
    void serve() {
        while (!stopping_) {
            const int client = ::accept(fd_, nullptr, nullptr);
            if (client < 0) {
                if (stopping_) return;
                continue;
            }
            timeval timeout{5, 0};
            ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            handle(client);
            ::close(client);
        }
    }

    void handle(int client) {
        std::string data;
        std::size_t header_end = std::string::npos, length = 0;
        char buffer[65536];
        // Bounded: a request larger than 256 MiB or slower than the timeout is dropped.
        while (data.size() < (256u << 20)) {
            const auto n = ::recv(client, buffer, sizeof buffer, 0);
            if (n <= 0) return;
            data.append(buffer, static_cast<std::size_t>(n));
            if (header_end == std::string::npos) {
                header_end = data.find("\r\n\r\n");
                if (header_end == std::string::npos) continue;
                std::string head = data.substr(0, header_end);
                std::transform(head.begin(), head.end(), head.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                const auto at = head.find("content-length:");
                if (at != std::string::npos)
                    length = std::strtoull(head.c_str() + at + 15, nullptr, 10);
            }
            if (data.size() >= header_end + 4 + length) break;
        }
        std::uint64_t count = 0;
        for (auto at = data.find("{\"traceId\":", header_end); at != std::string::npos;
             at = data.find("{\"traceId\":", at + 1))
            ++count;
        spans_ += count;
        ++batches_;
        static constexpr char kOk[] =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            "Connection: close\r\n\r\n{}";
        ::send(client, kOk, sizeof kOk - 1, MSG_NOSIGNAL);
    }

    int fd_ = -1;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> spans_{0}, batches_{0};
    std::thread thread_;
};

// One wrk run plus the server's CPU time per request during it (µs), which the other
// processes on a shared machine disturb far less than the request rate.
WrkResult measured(const std::string& script, int connections, int seconds, const ApiServer& server,
                   const std::string& token) {
    const double cpu_before = decnet::bench::process_cpu_seconds(server.pid());
    auto result = decnet::bench::run_wrk(script, connections, seconds, server.base(), token);
    const double cpu = decnet::bench::process_cpu_seconds(server.pid()) - cpu_before;
    result["cpu_us_per_request"] =
        result.at("requests") > 0 ? 1e6 * cpu / result.at("requests") : 0;
    return result;
}

WrkResult span_counters(const ApiServer& server) {
    return decnet::bench::parse_key_values(
        decnet::bench::run_command("curl -s " + server.base() + "/metrics"));
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

int main() try {
    const int seconds = std::max(1, env_int("BENCH_SECONDS", 10));
    const int pairs = std::clamp(env_int("BENCH_PAIRS", 4), 1, 50);
    const int connections = std::clamp(env_int("BENCH_CONNECTIONS", 100), 1, 10000);
    const int port = env_int("BENCH_PORT", 18910);
    const fs::path source_dir = decnet::bench::source_dir_of(__FILE__);
    const auto read_mix = (source_dir.parent_path() / "api" / "read_mix.lua").string();
    if (decnet::bench::run_command("command -v wrk").empty()) {
        std::fprintf(stderr, "tracing_overhead_bench: wrk is not installed\n");
        return 1;
    }
    const auto dir = fs::temp_directory_path() / "decnet-tracing-overhead-bench";
    fs::create_directories(dir);
    const auto db = (dir / "bench.db").string();
    decnet::bench::seed_database(db);

    Receiver receiver(port + 2);
    // Tracing off / on at 100 % sampling to the receiver; same store and secret, so one
    // token is valid on both.
    const ApiServer off(db, port, dir / ("server-" + std::to_string(port) + ".log"),
                        {{"DECNET_TRACING", "false"}, {"DECNET_DEVELOPER_TRACING", "false"}});
    const auto token = decnet::bench::login(off.base(), kPassword);
    const ApiServer on(db, port + 1, dir / ("server-" + std::to_string(port + 1) + ".log"),
                       {{"DECNET_TRACING", "true"},
                        {"DECNET_DEVELOPER_TRACING", "false"},
                        {"OTEL_TRACES_SAMPLER", "always_on"},
                        {"DECNET_OTEL_ENDPOINT", "http://127.0.0.1:" + std::to_string(port + 2)}});
    std::printf(
        "tracing_overhead_bench: read mix, %d connections, %d off/on pairs of %d s; tracing on = "
        "always_on, OTLP/HTTP to 127.0.0.1:%d\n",
        connections, pairs, seconds, port + 2);
    // A short warm-up of each (caches, first connections) that is not counted.
    decnet::bench::run_wrk(read_mix, connections, 2, off.base(), token);
    decnet::bench::run_wrk(read_mix, connections, 2, on.base(), token);
    const auto before = span_counters(on);
    const auto received_before = receiver.spans();

    std::printf("  %-4s %-8s %10s %8s %9s %9s %12s\n", "pair", "tracing", "req/s", "non2xx",
                "p50 ms", "p99 ms", "cpu us/req");
    std::vector<double> losses, cpu_costs;
    double requests_on = 0;
    for (int i = 0; i < pairs; ++i) {
        // Alternate which side goes first, so a trend in the background load cancels out.
        WrkResult r_off, r_on;
        if (i % 2 == 0) {
            r_off = measured(read_mix, connections, seconds, off, token);
            r_on = measured(read_mix, connections, seconds, on, token);
        } else {
            r_on = measured(read_mix, connections, seconds, on, token);
            r_off = measured(read_mix, connections, seconds, off, token);
        }
        for (const auto& [name, r] : {std::pair{"off", &r_off}, std::pair{"on", &r_on}})
            std::printf("  %-4d %-8s %10.0f %8.0f %9.2f %9.2f %12.1f\n", i + 1, name, r->at("rps"),
                        r->at("non2xx"), r->at("latency_p50_ms"), r->at("latency_p99_ms"),
                        r->at("cpu_us_per_request"));
        losses.push_back(100.0 * (r_off.at("rps") - r_on.at("rps")) / r_off.at("rps"));
        if (r_off.at("cpu_us_per_request") > 0)
            cpu_costs.push_back(100.0 *
                                (r_on.at("cpu_us_per_request") - r_off.at("cpu_us_per_request")) /
                                r_off.at("cpu_us_per_request"));
        requests_on += r_on.at("requests");
    }
    // Let the last partial batch go out (schedule delay 5 s) before reading the counters.
    std::this_thread::sleep_for(std::chrono::seconds(6));
    const auto after = span_counters(on);
    auto delta = [&](const char* name) {
        return after.count(name) ? after.at(name) - before.at(name) : 0.0;
    };
    const double sampled = delta("decnet_spans_sampled_total");
    std::printf(
        "  spans while measuring: %.0f sampled (%.1f per request), %.0f exported, %.0f dropped, "
        "%.0f export failed; receiver got %llu spans in %llu batches\n",
        sampled, requests_on > 0 ? sampled / requests_on : 0.0,
        delta("decnet_spans_exported_total"), delta("decnet_spans_dropped_total"),
        delta("decnet_spans_export_failed_total"),
        static_cast<unsigned long long>(receiver.spans() - received_before),
        static_cast<unsigned long long>(receiver.batches()));
    std::printf("  RPS loss per pair:");
    for (const double loss : losses) std::printf(" %.1f%%", loss);
    std::printf("\n  server CPU per request, on vs off:");
    for (const double cost : cpu_costs) std::printf(" %+.1f%%", cost);
    if (!cpu_costs.empty()) std::printf(" (median %+.1f%%)", median(cpu_costs));
    std::printf("\n");
    std::printf("tracing_overhead_pct %.1f\n", median(losses));
    return 0;
} catch (const std::exception& error) {
    std::fprintf(stderr, "tracing_overhead_bench: %s\n", error.what());
    return 1;
}
