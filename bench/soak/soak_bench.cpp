// soak_bench (issue #21, `make soak`): `decnet up` (loopback, SQLite, API) with 50 deckies
// covering every emulated service, loaded for SOAK_SECONDS at once by
//   (a) SOAK_CONNECTIONS attacker connections at an even pace over every decky and service,
//       each a protocol-plausible dialogue (attackers.hpp);
//   (b) the dashboard's read mix with wrk, paced (paced_read_mix.lua), and a login every 10 s;
//   (c) SOAK_SSE clients on /api/v1/stream held open the whole time (sse_clients.hpp);
//   (d) a probe 5 times a second (TCP connect + banner) to one more decky that gets nothing
//       else, and the same probe to a bare listener in this process (the control).
// decnet's RSS, its live heap (decnet_heap_in_use_bytes), SQLite's share of that
// (decnet_sqlite_memory_bytes) and its open descriptors are sampled every 5 s.
//
// Checks, printed as figures then PASS/FAIL: events published on the bus == rows in the
// logs table, no duplicate rows, every decky's services stored events; decnet's own live
// heap (in use less SQLite's page caches, which fill with the growing database up to their
// cache_size) flat after warm-up: the last third's mean within 10 % of the second third's
// (the RSS is printed too); the fd count back to its baseline (± 8) once the load stops; no
// error-level line in decnet's output and a clean exit; every minute's probe p99 under
// 20 ms (a minute where the control was as slow is a machine stall: shown, not judged);
// every stream still open and fed; the API's reads and logins all answered.
//
// Env: SOAK_SECONDS (600), SOAK_CONNECTIONS (10000), SOAK_PORT (18230), SOAK_SSE (200),
// SOAK_WRK_CONNECTIONS (20), SOAK_WRK_DELAY_MS (100). Needs wrk and sqlite3. Loopback only:
// deckies 127.222.0.10-59 and 127.222.1.1, attackers from 127.223.0-3.x, the control on
// 127.223.255.1:SOAK_PORT+1.
//
// Last line (rss_growth_pct: the own live heap's):
// soak events N stored N rss_growth_pct N fds_growth N probe_p99_ms N sse_clients N
// result PASS|FAIL
#include <arpa/inet.h>
#include <libssh/libssh.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../api/bench_http.hpp"
#include "../support/child_process.hpp"
#include "../support/ipv4.hpp"
#include "attackers.hpp"
#include "sse_clients.hpp"

namespace {

namespace fs = std::filesystem;
namespace soak = decnet::bench::soak;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using decnet::bench::env_int;
using decnet::bench::run_command;

constexpr int kDeckies = 50;
constexpr int kServicesPerDecky = 3;
constexpr const char* kProbeIp = "127.222.1.1";
constexpr const char* kControlIp = "127.223.255.1";
constexpr double kRssGrowthLimitPct = 10;
constexpr long kFdSlack = 8;
constexpr double kProbeP99LimitMs = 20;
constexpr int kProbesPerSecond = 5;

std::string decky_ip(int i) {
    return "127.222.0." + std::to_string(10 + i);
}

// Decky i runs the window i*3 … i*3+2 of the service list (which wraps), so all 26 services
// run on 5 or 6 deckies each.
std::vector<std::string> decky_services(int i) {
    const auto& all = soak::soak_services();
    std::vector<std::string> services;
    for (int k = 0; k < kServicesPerDecky; ++k)
        services.push_back(all[static_cast<std::size_t>(i * kServicesPerDecky + k) % all.size()]);
    return services;
}

std::string fleet_ini() {
    std::string ini = "[general]\nnet = 127.222.0.0/16\n\n";
    for (int i = 0; i < kDeckies; ++i) {
        const auto services = decky_services(i);
        ini += "[soak-" + std::to_string(i) + "]\nip = " + decky_ip(i) + "\nservices = ";
        for (std::size_t k = 0; k < services.size(); ++k) ini += (k ? "," : "") + services[k];
        ini += "\n\n";
    }
    ini += "[soak-probe]\nip = " + std::string(kProbeIp) + "\nservices = ftp\n";
    return ini;
}

// Attack targets in decky-major order: consecutive connections go to different deckies.
std::vector<soak::AttackTarget> attack_targets() {
    std::vector<soak::AttackTarget> targets;
    for (int k = 0; k < kServicesPerDecky; ++k)
        for (int i = 0; i < kDeckies; ++i) targets.push_back({decky_ip(i), decky_services(i)[k]});
    return targets;
}

std::vector<std::string> attacker_sources() {
    std::vector<std::string> sources;
    for (int i = 0; i < 1000; ++i)
        sources.push_back("127.223." + std::to_string(i / 250) + "." + std::to_string(1 + i % 250));
    return sources;
}

// `decnet up` on the fleet, its output in `log`.
pid_t start_decnet(const fs::path& dir, int port) {
    const auto binary = fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "decnet";
    std::ofstream(dir / "fleet.ini") << fleet_ini();
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        const auto log = (dir / "decnet.log").string();
        if (!std::freopen(log.c_str(), "w", stdout) || !std::freopen(log.c_str(), "a", stderr))
            _exit(126);
        setenv("DECNET_ADMIN_PASSWORD", decnet::bench::kBenchPassword, 1);
        setenv("DECNET_JWT_SECRET", "soak-bench-secret-0123456789abcdefghijkl", 1);
        // decnet_sqlite_memory_bytes: the page caches, told apart from the rest of the RSS.
        setenv("DECNET_SQLITE_MEMSTATUS", "true", 1);
        const auto port_text = std::to_string(port);
        const auto ini = (dir / "fleet.ini").string();
        const auto db = (dir / "soak.db").string();
        const auto state = (dir / "state").string();
        execl(binary.c_str(), binary.c_str(), "up", "--config", ini.c_str(), "--db", db.c_str(),
              "--state-dir", state.c_str(), "--api-port", port_text.c_str(), "--mutate-interval",
              "1440", static_cast<char*>(nullptr));
        _exit(127);
    }
    for (int i = 0; i < 600; ++i) {
        std::ifstream in(dir / "decnet.log");
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        if (text.find("decnet is up") != std::string::npos) return pid;
        if (waitpid(pid, nullptr, WNOHANG) == pid)
            throw std::runtime_error("decnet up exited:\n" + text);
        std::this_thread::sleep_for(100ms);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    throw std::runtime_error("decnet up did not come up in 60 s; see " +
                             (dir / "decnet.log").string());
}

// SIGTERM, then SIGKILL after 30 s; the exit status (-signal when killed).
int stop_decnet(pid_t pid) {
    return decnet::bench::stop(pid, std::chrono::seconds(30));
}

long rss_kb(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
    return 0;
}

long open_fds(pid_t pid) {
    std::error_code ec;
    long n = 0;
    for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
         !ec && it != fs::directory_iterator(); it.increment(ec))
        ++n;
    return n;
}

std::map<std::string, double> scrape(int port) {
    return decnet::bench::parse_key_values(
        run_command("curl -s --max-time 5 http://127.0.0.1:" + std::to_string(port) + "/metrics"));
}

// TCP connect + the banner of ip:port, in ms (1e9 when it failed); the connect alone in
// `connect_ms` (about 1,000 ms there is a dropped SYN retransmitted, not a slow answer).
double probe_ms(const char* ip, int port, double* connect_ms = nullptr) {
    const auto start = Clock::now();
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const auto target = decnet::bench::ipv4_address(ip, port);
    timeval timeout{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    char buffer[512];
    const bool connected =
        ::connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target) == 0;
    if (connect_ms)
        *connect_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    const bool ok = connected && ::recv(fd, buffer, sizeof buffer, 0) > 0;
    ::close(fd);
    return ok ? std::chrono::duration<double, std::milli>(Clock::now() - start).count() : 1e9;
}

// The control for the probe: a listener in this process that only accepts and writes a
// banner. When it is slow too, the machine stalled (other processes on the 2 shared cores),
// not decnet. Runs until destroyed.
class ControlServer {
  public:
    ControlServer(const char* ip, int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int one = 1;
        setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        const auto address = decnet::bench::ipv4_address(ip, port);
        if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(fd_, 16) != 0) {
            ::close(fd_);
            throw std::runtime_error("control listener: cannot bind " + std::string(ip));
        }
        thread_ = std::thread([this] {
            while (!stop_.load()) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, 200) != 1) continue;
                const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (client < 0) continue;
                ::send(client, "220 control\r\n", 13, MSG_NOSIGNAL);
                ::close(client);
            }
        });
    }
    ~ControlServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

  private:
    int fd_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// Nearest-rank percentile.
double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100 * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

double mean(const std::vector<double>& v, std::size_t from, std::size_t to) {
    if (to <= from) return 0;
    return std::accumulate(v.begin() + static_cast<long>(from), v.begin() + static_cast<long>(to),
                           0.0) /
           static_cast<double>(to - from);
}

// Lines of decnet's output that are errors: spdlog's error and critical levels, an uncaught
// exception, a sanitizer report, a crash. Warnings are counted, not failed.
struct LogScan {
    std::vector<std::string> errors;
    int warnings = 0;
    long long stopped_stored = -1;  // "decnet stopped: … N events stored"
};

LogScan scan_log(const fs::path& log) {
    LogScan scan;
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("[warning]") != std::string::npos) ++scan.warnings;
        if (line.find("[error]") != std::string::npos ||
            line.find("[critical]") != std::string::npos ||
            line.find("terminate called") != std::string::npos ||
            line.find("Sanitizer") != std::string::npos ||
            line.find("Segmentation fault") != std::string::npos)
            scan.errors.push_back(line);
        if (const auto at = line.find("decnet stopped: "); at != std::string::npos) {
            const auto sessions_end = line.find(" sessions, ", at);
            if (sessions_end != std::string::npos)
                scan.stopped_stored = std::atoll(line.c_str() + sessions_end + 11);
        }
    }
    return scan;
}

// Run once decnet has stopped (the database belongs to the user it dropped to).
long long sql_count(const fs::path& db, const std::string& query) {
    const auto file = db.parent_path() / "query.sql";
    std::ofstream(file) << query << ";\n";
    const auto out =
        run_command("sqlite3 -readonly '" + db.string() + "' < '" + file.string() + "' 2>&1");
    char* end = nullptr;
    const auto n = std::strtoll(out.c_str(), &end, 10);
    if (end == out.c_str()) throw std::runtime_error("sqlite3: " + out);
    return n;
}

}  // namespace

int main() try {
    const int seconds = std::max(10, env_int("SOAK_SECONDS", 600));
    const int connections = std::max(1, env_int("SOAK_CONNECTIONS", 10000));
    const int port = env_int("SOAK_PORT", 18230);
    const int sse_count = std::clamp(env_int("SOAK_SSE", 200), 0, 1000);
    const int wrk_connections = std::max(1, env_int("SOAK_WRK_CONNECTIONS", 20));
    const int wrk_delay_ms = std::max(0, env_int("SOAK_WRK_DELAY_MS", 100));
    if (run_command("command -v wrk").empty() || run_command("command -v sqlite3").empty()) {
        std::fprintf(stderr, "soak_bench: needs wrk and sqlite3 (make soak installs them)\n");
        return 1;
    }
    // __FILE__ is relative to the build directory (build/bench/soak_bench → build/).
    const auto build_dir = fs::read_symlink("/proc/self/exe").parent_path().parent_path();
    const fs::path source_dir = fs::weakly_canonical(build_dir / fs::path(__FILE__).parent_path());
    const auto dir = fs::temp_directory_path() / "decnet-soak";
    fs::remove_all(dir);
    fs::create_directories(dir);
    ssh_init();

    const pid_t decnet = start_decnet(dir, port);
    // Stops decnet if anything below throws.
    struct Running {
        pid_t pid;
        ~Running() { stop_decnet(pid); }
    } running{decnet};
    const auto base = "http://127.0.0.1:" + std::to_string(port);
    const auto token = decnet::bench::login(base, decnet::bench::kBenchPassword);
    std::this_thread::sleep_for(2s);
    const long fds_baseline = open_fds(decnet);
    const long rss_baseline = rss_kb(decnet);
    std::printf(
        "soak_bench: %d s, %d attacker connections over %d deckies (%zu services), %d SSE "
        "clients, wrk -c%d every %d ms, probe on %s; decnet pid %d: %ld fds, RSS %.1f MB; load "
        "average %s",
        seconds, connections, kDeckies, soak::soak_services().size(), sse_count, wrk_connections,
        wrk_delay_ms, kProbeIp, decnet, fds_baseline, rss_baseline / 1024.0,
        run_command("cut -d' ' -f1-3 /proc/loadavg").c_str());
    std::fflush(stdout);

    // The load: streams first (they must see the whole run), then attacks and reads. The
    // control listener before any thread (its constructor may throw).
    const ControlServer control(kControlIp, port + 1);
    std::atomic<bool> stop{false};
    soak::SseClients streams(sse_count, port, token);
    soak::AttackTotals attacks;
    std::thread attackers([&] {
        attacks =
            soak::run_attacks(attack_targets(), connections, seconds, 32, attacker_sources(), stop);
    });
    std::map<std::string, double> wrk;
    std::string wrk_error;
    std::thread reads([&] {
        const auto command =
            "TOKEN=" + token +
            " READ_MIX=" + (source_dir.parent_path() / "api" / "read_mix.lua").string() +
            " DELAY_MS=" + std::to_string(wrk_delay_ms) + " wrk -t2 -c" +
            std::to_string(wrk_connections) + " -d" + std::to_string(seconds) +
            "s --timeout 10s -s " + (source_dir / "paced_read_mix.lua").string() + " " + base +
            " 2>&1";
        const auto out = run_command(command);
        wrk = decnet::bench::parse_key_values(out);
        if (!wrk.count("rps")) wrk_error = out;
    });

    struct Sample {
        double at;
        long rss_kb;
        double heap_kb;
        double sqlite_kb;
        long fds;
    };
    std::vector<Sample> samples;
    std::vector<std::vector<double>> probes_by_minute, control_by_minute;
    int logins = 0, logins_ok = 0, probe_failures = 0;
    std::pair<double, double> slowest_probe{0, 0};  // total ms, of which connect
    bool exited_early = false;
    const auto start = Clock::now();
    // The probe, on its own thread so the scrapes and logins below never delay it: every
    // 200 ms (a per-minute p99 of 60 samples would be the minute's maximum).
    std::thread prober([&] {
        for (int k = 0; k < seconds * kProbesPerSecond && !stop.load(); ++k) {
            std::this_thread::sleep_until(start + k * 1000ms / kProbesPerSecond);
            double connect_ms = 0;
            const double ms = probe_ms(kProbeIp, 21, &connect_ms);
            if (ms > slowest_probe.first) slowest_probe = {ms, connect_ms};
            const double control_ms = probe_ms(kControlIp, port + 1);
            if (static_cast<std::size_t>(k / (60 * kProbesPerSecond)) >= probes_by_minute.size()) {
                probes_by_minute.emplace_back();
                control_by_minute.emplace_back();
            }
            probes_by_minute.back().push_back(ms);
            control_by_minute.back().push_back(control_ms);
            probe_failures += ms >= 1e9;
        }
    });
    for (int tick = 0; tick < seconds; ++tick) {
        std::this_thread::sleep_until(start + std::chrono::seconds(tick));
        if (tick % 5 == 0) {
            auto memory = scrape(port);
            samples.push_back({static_cast<double>(tick), rss_kb(decnet),
                               memory["decnet_heap_in_use_bytes"] / 1024,
                               memory["decnet_sqlite_memory_bytes"] / 1024, open_fds(decnet)});
        }
        if (tick % 10 == 5) {
            ++logins;
            try {
                const auto answer = decnet::bench::post_json(
                    base + "/api/v1/auth/login",
                    {{"username", "admin"}, {"password", decnet::bench::kBenchPassword}});
                logins_ok += answer.contains("access_token");
            } catch (const std::exception&) {  // not JSON: counted as a failed login
            }
        }
        if (waitpid(decnet, nullptr, WNOHANG) == decnet) {
            std::fprintf(stderr, "soak_bench: decnet exited during the run\n");
            exited_early = true;
            running.pid = -1;
            stop = true;
            break;
        }
    }
    // The attacks end on their own at `seconds` (the last one bounded), as does wrk.
    prober.join();
    attackers.join();
    reads.join();
    const int sse_open_at_end = streams.open();
    const auto sse = streams.stop();

    // Drain: the ingester has taken everything published, and nothing more comes for 3 s.
    std::map<std::string, double> metrics;
    double published = -1;
    int stable = 0;
    for (int i = 0; i < 120 && stable < 3; ++i) {
        std::this_thread::sleep_for(1s);
        metrics = scrape(port);
        const double now = metrics["decnet_bus_events_published_total"];
        const double taken = metrics["decnet_ingest_rows_total{outcome=\"stored\"}"] +
                             metrics["decnet_ingest_rows_total{outcome=\"dead_letter\"}"] +
                             metrics["decnet_ingest_rows_total{outcome=\"lost\"}"];
        stable = now == published && taken >= now ? stable + 1 : 0;
        published = now;
    }
    const long fds_after = open_fds(decnet);
    const long rss_after = rss_kb(decnet);
    const int exit_status = exited_early ? -1 : stop_decnet(decnet);
    running.pid = -1;
    const auto db = dir / "soak.db";
    const auto stored = sql_count(db, "SELECT COUNT(*) FROM logs");
    const auto duplicates =
        sql_count(db,
                  "SELECT COUNT(*) FROM (SELECT 1 FROM logs GROUP BY timestamp, decky, service, "
                  "event_type, attacker_ip, fields HAVING COUNT(*) > 1)");
    // (smtp_relay's events say smtp, so deckies are counted, not service names.)
    const auto deckies_complete = sql_count(
        db,
        "SELECT COUNT(*) FROM (SELECT decky FROM logs WHERE decky LIKE 'soak-%' AND decky != "
        "'soak-probe' GROUP BY decky HAVING COUNT(DISTINCT service) = " +
            std::to_string(kServicesPerDecky) + ")");
    const auto log = scan_log(dir / "decnet.log");

    // Figures.
    std::printf("attackers: %d connections, %d answered, %d started late\n", attacks.started,
                attacks.answered, attacks.late);
    for (const auto& [service, counts] : attacks.by_service)
        std::printf("  %-14s %5d connections %5d answered\n", service.c_str(), counts.first,
                    counts.second);
    std::printf(
        "events: published %.0f, stored %lld (ingester: stored %.0f, dead-lettered %.0f, "
        "lost %.0f, bus drops %.0f, unrouted %.0f), duplicates %lld, %lld of %d "
        "deckies stored events of all their services; at shutdown decnet said %lld stored\n",
        published, stored, metrics["decnet_ingest_rows_total{outcome=\"stored\"}"],
        metrics["decnet_ingest_rows_total{outcome=\"dead_letter\"}"],
        metrics["decnet_ingest_rows_total{outcome=\"lost\"}"],
        metrics["decnet_bus_subscriber_dropped_total{subscriber=\"ingester\"}"],
        metrics["decnet_bus_events_unrouted_total"], duplicates, deckies_complete, kDeckies,
        log.stopped_stored);
    if (!wrk_error.empty()) std::printf("wrk failed:\n%s\n", wrk_error.c_str());
    std::printf(
        "api: read mix %.1f req/s, %.0f non-2xx, %.0f timeouts, p99 %.2f ms; logins %d/%d\n",
        wrk["rps"], wrk["non2xx"], wrk["timeouts"], wrk["latency_p99_ms"], logins_ok, logins);
    std::printf(
        "sse: %d clients, %d open at the end, %d got frames, %d got log rows, %llu "
        "frames (fewest on one client %llu), %.0f dropped as slow\n",
        sse.clients, sse_open_at_end, sse.with_frames, sse.with_logs,
        static_cast<unsigned long long>(sse.frames),
        static_cast<unsigned long long>(sse.min_frames),
        metrics["decnet_sse_clients_dropped_slow_total"]);

    // The RSS grows all through a soak of this length, and not by a leak: SQLite's page
    // caches fill as the database grows (to 64 MiB for the writer, 16 MiB per reader), and
    // what the caches free the allocator keeps (fragmentation). So growth is judged on
    // decnet's own live heap: the allocator's bytes in use less SQLite's.
    std::vector<double> rss, own, fds;
    std::printf("samples (s rss_mb heap_in_use_mb sqlite_mb fds):");
    for (const auto& s : samples) {
        rss.push_back(static_cast<double>(s.rss_kb));
        own.push_back(s.heap_kb - s.sqlite_kb);
        fds.push_back(static_cast<double>(s.fds));
        std::printf(" %.0f:%.1f:%.1f:%.1f:%ld", s.at, s.rss_kb / 1024.0, s.heap_kb / 1024,
                    s.sqlite_kb / 1024, s.fds);
    }
    std::printf("\n");
    const auto third = rss.size() / 3;
    const auto growth_pct = [&](const std::vector<double>& v) {
        const double second = mean(v, third, 2 * third);
        return second > 0 ? 100 * (mean(v, 2 * third, v.size()) - second) / second : 0;
    };
    const double raw_growth = growth_pct(rss);
    const double rss_growth = growth_pct(own);
    const double fds_second = mean(fds, third, 2 * third);
    const double fds_last = mean(fds, 2 * third, fds.size());
    const long fds_growth = fds_after - fds_baseline;
    const auto thirds = [&](const char* what, const std::vector<double>& v, double growth) {
        std::printf("%s: second third %.1f MB, last third %.1f MB (%+.1f%%)", what,
                    mean(v, third, 2 * third) / 1024, mean(v, 2 * third, v.size()) / 1024, growth);
    };
    std::printf("memory: baseline RSS %.1f MB, after the load %.1f MB; ", rss_baseline / 1024.0,
                rss_after / 1024.0);
    thirds("RSS", rss, raw_growth);
    std::printf("; ");
    thirds("live heap less SQLite", own, rss_growth);
    if (!samples.empty())
        std::printf("; at the end SQLite %.1f MB, heap in use %.1f MB",
                    samples.back().sqlite_kb / 1024, samples.back().heap_kb / 1024);
    std::printf("\n");
    std::printf(
        "fds: baseline %ld, second third %.0f, last third %.0f, after the load %ld (%+ld)\n",
        fds_baseline, fds_second, fds_last, fds_after, fds_growth);

    // A minute whose control p99 also reached the limit is a machine stall: shown, not
    // judged (at least half the minutes must be judged).
    double probe_p99 = 0;
    std::size_t judged = 0;
    std::printf("probe p99 per minute, decky/control (ms):");
    for (std::size_t m = 0; m < probes_by_minute.size(); ++m) {
        const double p99 = percentile(probes_by_minute[m], 99);
        const double control_p99 = percentile(control_by_minute[m], 99);
        const bool stalled = control_p99 >= kProbeP99LimitMs;
        if (!stalled) {
            probe_p99 = std::max(probe_p99, p99);
            ++judged;
        }
        std::printf(" %.2f/%.2f%s", p99, control_p99, stalled ? "(stall)" : "");
    }
    std::vector<double> all_probes;
    for (const auto& minute : probes_by_minute)
        all_probes.insert(all_probes.end(), minute.begin(), minute.end());
    std::printf("; all %zu probes: median %.2f, p99 %.2f, max %.2f (its connect %.2f), %d failed\n",
                all_probes.size(), percentile(all_probes, 50), percentile(all_probes, 99),
                percentile(all_probes, 100), slowest_probe.second, probe_failures);
    std::printf("decnet: exit status %d, %zu error lines, %d warnings; load average %s",
                exit_status, log.errors.size(), log.warnings,
                run_command("cut -d' ' -f1-3 /proc/loadavg").c_str());
    for (std::size_t i = 0; i < log.errors.size() && i < 20; ++i)
        std::printf("  %s\n", log.errors[i].c_str());

    // Checks.
    struct Check {
        const char* name;
        bool ok;
    };
    const Check checks[] = {
        {"events published == rows stored", published >= 0 && published == stored},
        {"no duplicate rows", duplicates == 0},
        {"every decky's services stored events", deckies_complete == kDeckies},
        {"own heap flat after warm-up (< 10 %)",
         rss.size() >= 3 && own.back() > 0 && rss_growth < kRssGrowthLimitPct},
        {"fds back to baseline", std::labs(fds_growth) <= kFdSlack},
        {"no error lines, clean exit", log.errors.empty() && exit_status == 0},
        {"probe p99 < 20 ms every minute", probe_p99 < kProbeP99LimitMs && probe_failures == 0 &&
                                               2 * judged >= probes_by_minute.size()},
        {"SSE clients all open and fed", sse.connected == sse_count &&
                                             sse_open_at_end == sse_count &&
                                             sse.with_frames == sse_count},
        {"API reads answered", wrk_error.empty() && wrk["non2xx"] == 0 && logins_ok == logins},
    };
    bool pass = true;
    for (const auto& check : checks) {
        std::printf("  %-36s %s\n", check.name, check.ok ? "PASS" : "FAIL");
        pass = pass && check.ok;
    }
    std::printf(
        "soak events %.0f stored %lld rss_growth_pct %.1f fds_growth %ld probe_p99_ms %.2f "
        "sse_clients %d result %s\n",
        published, stored, rss_growth, fds_growth, probe_p99, sse.connected,
        pass ? "PASS" : "FAIL");
    ssh_finalize();
    return pass ? 0 : 1;
} catch (const std::exception& error) {
    std::fprintf(stderr, "soak_bench: %s\n", error.what());
    return 1;
}
