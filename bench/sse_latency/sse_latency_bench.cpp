// sse_latency_bench: attacker action → dashboard SSE frame (issue #21), under the API read
// mix. Runs `decnet up` (one loopback redis decky on 127.225.0.10, SQLite seeded like
// api_bench's store, the API), logs in, opens N SSE clients on /api/v1/stream, runs wrk's
// read mix (bench/api/read_mix.lua, 100 connections) against the same API meanwhile, and
// sends redis commands to the decky at a steady pace, each carrying a unique marker
// (`ECHO ssemk<seq>z`). The latency of one action on one client is from the command's send
// to the first byte of the SSE frame carrying its marker read by that client.
// Env: BENCH_SECONDS (actions, default 20), BENCH_RATE (actions/s, default 20),
// BENCH_SSE_CLIENTS (default 10), BENCH_CONNECTIONS (wrk's, default 100; 0 = no read mix),
// BENCH_PORT (API, default 18270), BENCH_DECNET_BINARY.
// Last line: sse_p99_ms N
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
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
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../api/bench_http.hpp"
#include "../api/seed.hpp"
#include "../support/child_process.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kDeckyIp = "127.225.0.10";
constexpr int kRedisPort = 6379;
constexpr std::string_view kMarker = "ssemk";  // + 8 digits + 'z'
constexpr std::size_t kMarkerLength = 5 + 8 + 1;

// `decnet up` in the foreground with its own state directory; TERM then KILL on exit.
class Instance {
  public:
    Instance(const fs::path& dir, const std::string& db, int port) {
        const auto log = dir / "up.log";
        std::fflush(nullptr);
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            if (chdir(dir.c_str()) != 0 || !std::freopen(log.c_str(), "w", stdout) ||
                !std::freopen(log.c_str(), "a", stderr))
                _exit(126);
            setenv("DECNET_ADMIN_PASSWORD", decnet::bench::kBenchPassword, 1);
            setenv("DECNET_JWT_SECRET", "sse-bench-secret-0123456789abcdefghijklm", 1);
            const char* other = std::getenv("BENCH_DECNET_BINARY");
            const auto binary =
                other && *other
                    ? std::string(other)
                    : (fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "decnet")
                          .string();
            const auto port_text = std::to_string(port);
            const auto state = dir.string();
            execl(binary.c_str(), binary.c_str(), "up", "-n", "1", "--services", "redis",
                  "--subnet", "127.225.0.0/24", "--ip-start", kDeckyIp, "--db", db.c_str(),
                  "--state-dir", state.c_str(), "--api-port", port_text.c_str(),
                  static_cast<char*>(nullptr));
            _exit(127);
        }
        for (int i = 0; i < 600; ++i) {
            std::ifstream in(log);
            std::stringstream text;
            text << in.rdbuf();
            if (text.str().find("decnet is up") != std::string::npos) return;
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("decnet up exited; see " + log.string());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        throw std::runtime_error("decnet up did not come up in 60 s; see " + log.string());
    }
    ~Instance() { decnet::bench::stop(pid_, std::chrono::seconds(10)); }
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

  private:
    pid_t pid_ = -1;
};

int connect_to(const char* ip, int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, ip, &address.sin_addr);
    if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        throw std::runtime_error(std::string("cannot connect to ") + ip + ":" +
                                 std::to_string(port));
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

void send_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const auto n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) throw std::runtime_error("send failed");
        sent += static_cast<std::size_t>(n);
    }
}

// The SSE clients, read by one thread with poll(): each marker's first arrival per client.
class StreamClients {
  public:
    StreamClients(int port, const std::string& token, int count, int actions)
        : arrivals_(static_cast<std::size_t>(count),
                    std::vector<Clock::time_point>(static_cast<std::size_t>(actions))) {
        const std::string request = "GET /api/v1/stream?token=" + token +
                                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: "
                                    "text/event-stream\r\n\r\n";
        for (int i = 0; i < count; ++i) {
            const int fd = connect_to("127.0.0.1", port);
            send_all(fd, request);
            fcntl(fd, F_SETFL, O_NONBLOCK);
            fds_.push_back(fd);
            tails_.emplace_back();
        }
        reader_ = std::thread([this] { read_loop(); });
    }
    ~StreamClients() {
        running_ = false;
        reader_.join();
        for (const int fd : fds_) close(fd);
    }
    StreamClients(const StreamClients&) = delete;
    StreamClients& operator=(const StreamClients&) = delete;

    // Clients that saw the stream's answer head (200).
    int answered() const { return answered_.load(); }
    std::vector<std::vector<Clock::time_point>> arrivals() const {
        const std::lock_guard lock(mutex_);
        return arrivals_;
    }

  private:
    void read_loop() {
        std::vector<pollfd> polled;
        for (const int fd : fds_) polled.push_back({fd, POLLIN, 0});
        std::vector<char> buffer(65536);
        while (running_) {
            if (poll(polled.data(), polled.size(), 50) <= 0) continue;
            const auto now = Clock::now();
            for (std::size_t i = 0; i < polled.size(); ++i) {
                if (!(polled[i].revents & POLLIN)) continue;
                for (int reads = 0; reads < 64; ++reads) {
                    const auto n = recv(polled[i].fd, buffer.data(), buffer.size(), 0);
                    if (n <= 0) break;
                    scan(i, std::string_view(buffer.data(), static_cast<std::size_t>(n)), now);
                }
            }
        }
    }

    // Markers in `data`, with the previous read's tail so one split across reads is found.
    void scan(std::size_t client, std::string_view data, Clock::time_point now) {
        auto& tail = tails_[client];
        std::string text = tail;
        text.append(data);
        if (tail.empty() && text.starts_with("HTTP/1.1 200")) ++answered_;
        const std::lock_guard lock(mutex_);
        for (auto at = text.find(kMarker); at != std::string::npos;
             at = text.find(kMarker, at + 1)) {
            if (at + kMarkerLength > text.size()) break;
            if (text[at + kMarkerLength - 1] != 'z') continue;
            const auto seq = std::strtoul(text.substr(at + kMarker.size(), 8).c_str(), nullptr, 10);
            auto& slot = arrivals_[client];
            if (seq < slot.size() && slot[seq] == Clock::time_point{}) slot[seq] = now;
        }
        tail = text.size() > kMarkerLength ? text.substr(text.size() - kMarkerLength) : text;
        if (tail.empty()) tail = " ";  // not the first read any more
    }

    std::vector<int> fds_;
    std::vector<std::string> tails_;
    mutable std::mutex mutex_;
    std::vector<std::vector<Clock::time_point>> arrivals_;
    std::atomic<int> answered_{0};
    std::atomic<bool> running_{true};
    std::thread reader_;
};

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto rank = static_cast<std::size_t>(p / 100 * static_cast<double>(sorted.size() - 1));
    return sorted[rank];
}

}  // namespace

int main() try {
    const int seconds = std::clamp(decnet::bench::env_int("BENCH_SECONDS", 20), 1, 600);
    const int rate = std::clamp(decnet::bench::env_int("BENCH_RATE", 20), 1, 1000);
    const int clients = std::clamp(decnet::bench::env_int("BENCH_SSE_CLIENTS", 10), 1, 500);
    const int connections = std::clamp(decnet::bench::env_int("BENCH_CONNECTIONS", 100), 0, 2000);
    const int port = decnet::bench::env_int("BENCH_PORT", 18270);
    const int actions = seconds * rate;
    const fs::path source_dir = decnet::bench::source_dir_of(__FILE__);
    const auto read_mix = (source_dir / ".." / "api" / "read_mix.lua").string();
    if (connections > 0 && decnet::bench::run_command("command -v wrk").empty()) {
        std::fprintf(stderr, "sse_latency_bench: wrk is not installed (make bench installs it)\n");
        return 1;
    }
    const auto dir = fs::temp_directory_path() / "decnet-sse-bench";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto db = (dir / "decnet.db").string();
    // api_bench's store (its recorded deployment is replaced by decnet up's own).
    decnet::bench::seed_database(db);
    const Instance instance(dir, db, port);
    const auto base = "http://127.0.0.1:" + std::to_string(port);
    const auto token = decnet::bench::login(base, decnet::bench::kBenchPassword);
    std::printf(
        "sse_latency_bench: decnet up (redis decky %s), %d SSE clients, read mix at %d "
        "connections, %d actions/s for %d s\n",
        kDeckyIp, clients, connections, rate, seconds);

    StreamClients streams(port, token, clients, actions);
    // The read mix runs from before the first action until after the last.
    std::map<std::string, double> mix;
    std::thread wrk;
    if (connections > 0)
        wrk = std::thread(
            [&] { mix = decnet::bench::run_wrk(read_mix, connections, seconds + 3, base, token); });
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (streams.answered() != clients)
        throw std::runtime_error(std::to_string(streams.answered()) + " of " +
                                 std::to_string(clients) + " streams answered 200");

    const int attacker = connect_to(kDeckyIp, kRedisPort);
    std::vector<Clock::time_point> sent(static_cast<std::size_t>(actions));
    std::thread drain([attacker] {
        char buffer[4096];
        while (recv(attacker, buffer, sizeof buffer, 0) > 0) {
        }
    });
    const auto start = Clock::now();
    const auto interval = std::chrono::nanoseconds(1'000'000'000 / rate);
    for (int seq = 0; seq < actions; ++seq) {
        std::this_thread::sleep_until(start + seq * interval);
        char marker[32];
        std::snprintf(marker, sizeof marker, "ssemk%08dz", seq);
        const std::string command = "*2\r\n$4\r\nECHO\r\n$14\r\n" + std::string(marker) + "\r\n";
        sent[static_cast<std::size_t>(seq)] = Clock::now();
        send_all(attacker, command);
    }
    // Stragglers: up to 5 s after the last action.
    const auto arrived_all = [&] {
        for (const auto& client : streams.arrivals())
            for (const auto& at : client)
                if (at == Clock::time_point{}) return false;
        return true;
    };
    for (int i = 0; i < 50 && !arrived_all(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    shutdown(attacker, SHUT_RDWR);
    drain.join();
    close(attacker);
    if (wrk.joinable()) wrk.join();

    std::vector<double> latencies;
    std::size_t missing = 0;
    for (const auto& client : streams.arrivals())
        for (std::size_t seq = 0; seq < client.size(); ++seq) {
            if (client[seq] == Clock::time_point{}) {
                ++missing;
                continue;
            }
            latencies.push_back(
                std::chrono::duration<double, std::milli>(client[seq] - sent[seq]).count());
        }
    std::sort(latencies.begin(), latencies.end());
    if (connections > 0)
        std::printf("  read mix meanwhile: %.0f req/s, non2xx %.0f, p99 %.2f ms\n", mix.at("rps"),
                    mix.at("non2xx"), mix.at("latency_p99_ms"));
    std::printf("  %zu frames timed (%d actions x %d clients), %zu missing\n", latencies.size(),
                actions, clients, missing);
    std::printf("  action -> SSE frame: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
                latencies.empty() ? 0 : latencies.back());
    if (missing > 0) {
        std::fprintf(stderr, "sse_latency_bench: %zu frames never arrived\n", missing);
        return 1;
    }
    std::printf("sse_p99_ms %.2f\n", percentile(latencies, 99));
    return 0;
} catch (const std::exception& error) {
    std::fprintf(stderr, "sse_latency_bench: %s\n", error.what());
    return 1;
}
