// api_bench: the reference's dashboard workload (perf.md §1.2) replayed by wrk against
// `decnet api` on a seeded store (issue #5 §11). Runs, same process, same store:
//   1. login latency at concurrency 1 → one bcrypt verify → the bound cores / verify;
//   2. login-only throughput;
//   3. the read mix at 100 and at 500 connections;
//   4. logins and the read mix together (login throughput vs the bound, read p99);
//   5. the ceiling: the read mix against a server that does no work at all (answers
//      recorded from decnet, replayed — replay_server.hpp), same wrk, same cores; decnet
//      is reported as a share of it.
// Env: BENCH_SECONDS (per run, default 60), BENCH_PORT (default 18900), BENCH_DECNET_BINARY
// (the server binary; default the build's decnet), BENCH_READ_ONLY=1 (only the read mix at
// 100 and 500 connections and the ceiling, for quick A/B runs); BENCH_CEILING=0 skips
// the ceiling; the ceiling runs BENCH_CEILING_PAIRS (3) alternating decnet/no-work pairs of
// BENCH_CEILING_SECONDS (10) at 100 and at 500 connections and prints
// `api_ceiling_ratio c100 N c500 N` (median ratio of the pairs); BENCH_LOCUST=<s>
// instead replays the reference's own Locust file for that many seconds (BENCH_LOCUST_USERS,
// default 100) on the same seeded store and prints its aggregate (last line locust_rps …).
// Needs wrk (make bench installs it). Last line: api_read_rps <N> p99_ms <N>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_http.hpp"
#include "replay_server.hpp"
#include "seed.hpp"

namespace {

namespace fs = std::filesystem;
using WrkResult = std::map<std::string, double>;

constexpr const char* kPassword = decnet::bench::kBenchPassword;

// Every path read_mix.lua asks for (its PAGINATE entry at one offset): checked to answer
// 200 before the runs, and recorded for the ceiling.
const std::vector<std::string> kMixTargets = {
    "/api/v1/stats",
    "/api/v1/logs?limit=50",
    "/api/v1/attackers",
    "/api/v1/deckies",
    "/api/v1/bounty",
    "/api/v1/logs/histogram",
    "/api/v1/logs?search=ssh&limit=100",
    "/api/v1/attackers?search=brute&sort_by=recent",
    "/api/v1/logs?limit=100&offset=500",
    "/api/v1/health",
    "/api/v1/config",
};
constexpr const char* kPaginateRecorded = "/api/v1/logs?limit=100&offset=500";
constexpr const char* kPaginatePrefix = "/api/v1/logs?limit=100&offset=";

// Locust's --only-summary tables: the "Aggregated" row of the request table (# reqs,
// # fails, avg, min, max, median, req/s, failures/s) and of the percentile table (50% …
// 100%, # reqs).
int run_locust(const fs::path& source_dir, const std::string& base, int seconds) {
    const char* users = std::getenv("BENCH_LOCUST_USERS");
    const auto command = std::string("DECNET_ADMIN_PASSWORD=") + kPassword +
                         " USERS=" + (users ? users : "100") +
                         " SPAWN_RATE=50 DURATION=" + std::to_string(seconds) + "s " +
                         (source_dir / "run-locust.sh").string() + " " + base + " 2>&1";
    const auto out = decnet::bench::run_command(command);
    std::vector<std::vector<std::string>> aggregated;
    for (const auto& line : decnet::bench::lines_of(out)) {
        if (line.find("Aggregated") == std::string::npos) continue;
        std::vector<std::string> fields;
        std::size_t at = 0;
        while (at < line.size()) {
            const auto next = line.find_first_of(" |", at);
            const auto field = line.substr(at, next - at);
            if (!field.empty()) fields.push_back(field);
            if (next == std::string::npos) break;
            at = next + 1;
        }
        aggregated.push_back(fields);
    }
    if (aggregated.size() < 2 || aggregated[0].size() < 9 || aggregated[1].size() < 12) {
        std::fprintf(stderr, "api_bench: no Locust summary:\n%s\n", out.c_str());
        return 1;
    }
    // Request row: Aggregated, reqs, fails(pct), avg, min, max, med, req/s, failures/s.
    const auto& requests = aggregated[0];
    const auto& percentiles = aggregated[1];  // Aggregated, 50%, 66%, 75%, 80%, 90%, 95%,
                                              // 98%, 99%, 99.9%, 99.99%, 100%, reqs
    std::printf("%s\n", out.c_str());
    std::printf("locust_rps %s p50_ms %s p99_ms %s failures %s\n",
                requests[requests.size() - 2].c_str(), percentiles[1].c_str(),
                percentiles[8].c_str(), requests[2].c_str());
    return 0;
}

// The replayed answers: each mix path's, and one page for every `offset=`.
std::map<std::string, std::string> recorded_mix(const std::string& base, const std::string& token) {
    auto recorded = decnet::bench::record_responses(base, token, kMixTargets);
    auto page = recorded.extract(kPaginateRecorded);
    page.key() = kPaginatePrefix;
    recorded.insert(std::move(page));
    return recorded;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    return n == 0 ? 0 : n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void print_row(const char* name, int connections, const WrkResult& r) {
    std::printf("  %-24s %5d %10.0f %8.0f %9.2f %9.2f %9.2f\n", name, connections, r.at("rps"),
                r.at("non2xx"), r.at("latency_p50_ms"), r.at("latency_p99_ms"),
                r.at("latency_max_ms"));
}

}  // namespace

int main() try {
    const int seconds = decnet::bench::env_int("BENCH_SECONDS", 60);
    const int port = decnet::bench::env_int("BENCH_PORT", 18900);
    const fs::path source_dir = decnet::bench::source_dir_of(__FILE__);
    const auto read_mix = (source_dir / "read_mix.lua").string();
    const auto login_script = (source_dir / "login.lua").string();
    if (decnet::bench::run_command("command -v wrk").empty()) {
        std::fprintf(stderr, "api_bench: wrk is not installed (make bench installs it)\n");
        return 1;
    }
    const auto dir = fs::temp_directory_path() / "decnet-api-bench";
    fs::create_directories(dir);
    const auto db = (dir / "bench.db").string();
    decnet::bench::seed_database(db);
    std::printf("api_bench: seeded %s (20000 logs, 200 attackers, 1500 bounty, 10 deckies)\n",
                db.c_str());

    const decnet::bench::ApiServer server(db, port, dir / "server.log");
    const auto base = server.base();
    if (const char* locust = std::getenv("BENCH_LOCUST"))
        return run_locust(source_dir, base, std::max(10, std::atoi(locust)));
    const auto token = decnet::bench::login(base, kPassword);
    const int short_run = std::max(5, seconds / 4);

    // Recording also checks that every path of the mix answers 200: wrk's own count
    // (read_mix.lua) only sees statuses >= 400.
    const auto recorded = recorded_mix(base, token);
    const char* ceiling_env = std::getenv("BENCH_CEILING");
    const bool with_ceiling = !ceiling_env || std::string(ceiling_env) != "0";
    const auto cores = static_cast<int>(std::thread::hardware_concurrency());
    const int pairs = std::clamp(decnet::bench::env_int("BENCH_CEILING_PAIRS", 3), 1, 20);
    const int pair_seconds =
        std::clamp(decnet::bench::env_int("BENCH_CEILING_SECONDS", 10), 2, 120);
    // Decnet and the no-work server in alternating rounds (which one goes first alternates
    // too), so load from other processes falls on both alike; the ratio is the median of
    // the pairs' ratios. Returns the decnet runs' medians (rps, p99) for the headline.
    const auto ceiling = [&]() -> std::pair<WrkResult, WrkResult> {
        const decnet::bench::ReplayServer replay(port + 5, recorded, cores);
        std::map<int, double> ratio;
        std::map<int, WrkResult> decnet_medians;
        for (const int connections : {100, 500}) {
            std::vector<double> ratios, rps, p99, cpu_ratios;
            for (int pair = 0; pair < pairs; ++pair) {
                WrkResult ours, top;
                double ours_us = 0, top_us = 0;
                // Server CPU µs per request: decnet's process; the replay server's threads.
                const auto cpu_us = [](double before, double after, const WrkResult& r) {
                    return r.at("requests") > 0 ? 1e6 * (after - before) / r.at("requests") : 0;
                };
                const auto run_ours = [&] {
                    const auto before = decnet::bench::process_cpu_seconds(server.pid());
                    ours = decnet::bench::run_wrk(read_mix, connections, pair_seconds, base, token);
                    ours_us =
                        cpu_us(before, decnet::bench::process_cpu_seconds(server.pid()), ours);
                    print_row("decnet", connections, ours);
                };
                const auto run_top = [&] {
                    const auto before = decnet::bench::threads_cpu_seconds(getpid(), "replay");
                    top = decnet::bench::run_wrk(read_mix, connections, pair_seconds, replay.base(),
                                                 token);
                    top_us =
                        cpu_us(before, decnet::bench::threads_cpu_seconds(getpid(), "replay"), top);
                    print_row("ceiling (no-work server)", connections, top);
                };
                if (pair % 2 == 0) {
                    run_ours();
                    run_top();
                } else {
                    run_top();
                    run_ours();
                }
                ratios.push_back(top.at("rps") > 0 ? ours.at("rps") / top.at("rps") : 0);
                rps.push_back(ours.at("rps"));
                p99.push_back(ours.at("latency_p99_ms"));
                cpu_ratios.push_back(ours_us > 0 ? top_us / ours_us : 0);
                std::printf(
                    "  pair %d at %d connections: decnet / ceiling %.0f%%; server CPU per request "
                    "%.1f us decnet, %.1f us ceiling\n",
                    pair + 1, connections, 100 * ratios.back(), ours_us, top_us);
            }
            ratio[connections] = median(ratios);
            // Steadier than the rates on a shared machine: what the ceiling's CPU per request
            // is of decnet's (1 = decnet costs no more than a server that does nothing).
            std::printf("  at %d connections: ceiling CPU / decnet CPU per request, median %.2f\n",
                        connections, median(cpu_ratios));
            decnet_medians[connections] = {{"rps", median(rps)}, {"latency_p99_ms", median(p99)}};
        }
        std::printf(
            "  decnet / ceiling (median of %d alternating pairs of %d s): %.0f%% at 100 "
            "connections, %.0f%% at 500\n",
            pairs, pair_seconds, 100 * ratio[100], 100 * ratio[500]);
        std::printf("api_ceiling_ratio c100 %.2f c500 %.2f\n", ratio[100], ratio[500]);
        return {decnet_medians[100], decnet_medians[500]};
    };
    std::printf("  %-24s %5s %10s %8s %9s %9s %9s\n", "run", "conns", "req/s", "non2xx", "p50 ms",
                "p99 ms", "max ms");
    if (const char* only = std::getenv("BENCH_READ_ONLY"); only && *only == '1') {
        // The pairs' decnet runs are the read mix runs.
        auto [read100, read500] = with_ceiling ? ceiling() : std::pair<WrkResult, WrkResult>{};
        if (!with_ceiling) {
            read100 = decnet::bench::run_wrk(read_mix, 100, seconds, base, token);
            print_row("read mix", 100, read100);
            read500 = decnet::bench::run_wrk(read_mix, 500, seconds, base, token);
            print_row("read mix", 500, read500);
        }
        std::printf("api_read_rps %.0f p99_ms %.2f\n",
                    std::min(read100.at("rps"), read500.at("rps")),
                    std::max(read100.at("latency_p99_ms"), read500.at("latency_p99_ms")));
        return 0;
    }
    const auto single_login = decnet::bench::run_wrk(login_script, 1, short_run, base, token);
    print_row("login, one at a time", 1, single_login);
    const double verify_ms = single_login.at("latency_p50_ms");
    const double bound = cores * 1000.0 / verify_ms;
    const auto logins = decnet::bench::run_wrk(login_script, 2 * cores, short_run, base, token);
    print_row("login only", 2 * cores, logins);
    const auto read100 = decnet::bench::run_wrk(read_mix, 100, seconds, base, token);
    print_row("read mix", 100, read100);
    const auto read500 = decnet::bench::run_wrk(read_mix, 500, seconds, base, token);
    print_row("read mix", 500, read500);

    WrkResult mixed_logins;
    const auto crypto_before = decnet::bench::threads_cpu_seconds(server.pid(), "api-crypto");
    std::thread login_load([&] {
        mixed_logins = decnet::bench::run_wrk(login_script, 2 * cores, seconds, base, token);
    });
    const auto mixed_reads = decnet::bench::run_wrk(read_mix, 100, seconds, base, token);
    login_load.join();
    const auto crypto_cores =
        (decnet::bench::threads_cpu_seconds(server.pid(), "api-crypto") - crypto_before) / seconds;
    print_row("read mix + logins", 100, mixed_reads);
    print_row("logins + read mix", 2 * cores, mixed_logins);

    std::printf(
        "  bcrypt bound: %d cores / %.1f ms = %.1f logins/s; login only %.1f (%.0f%%), "
        "during the read mix %.1f (%.0f%%)\n",
        cores, verify_ms, bound, logins.at("rps"), 100 * logins.at("rps") / bound,
        mixed_logins.at("rps"), 100 * mixed_logins.at("rps") / bound);
    // The scheduler shares the cores between the crypto pool, the I/O threads and wrk:
    // what the pool got bounds the logins it could do.
    const double share_bound = crypto_cores * 1000.0 / verify_ms;
    std::printf(
        "  during the read mix the crypto pool had %.2f cores: bound for that share %.1f "
        "logins/s, measured %.1f (%.0f%%)\n",
        crypto_cores, share_bound, mixed_logins.at("rps"),
        share_bound > 0 ? 100 * mixed_logins.at("rps") / share_bound : 0);
    if (with_ceiling) ceiling();
    const double rps = std::min(read100.at("rps"), read500.at("rps"));
    const double p99 = std::max(read100.at("latency_p99_ms"), read500.at("latency_p99_ms"));
    std::printf("api_read_rps %.0f p99_ms %.2f\n", rps, p99);
    return 0;
} catch (const std::exception& error) {
    std::fprintf(stderr, "api_bench: %s\n", error.what());
    return 1;
}
