// ssh_bench (issue #13): decnet's ssh against Debian's own OpenSSH sshd on the same 2 cores,
// side by side in one run, with the same client (libssh, in this process):
//  1. handshake + one failed password per second: alternating rounds against a decky and
//     against sshd (UsePAM no, so neither side sleeps: the decky's pam_unix-like delay is set
//     to 8 ms, about sshd's own minimum failure time), and the server CPU each attempt cost
//     (decnet's process; sshd's listener with its reaped children);
//  2. RSS per idle authenticated session (decnet's RSS growth / sessions), without and with
//     an interactive shell channel;
//  3. a flood of 2,000 concurrent sessions over four deckies while another decky's http is
//     probed every 10 ms: its p99 latency.
// Usage: ssh_bench [seconds_per_round=5] [client_threads=32] (enough clients that the servers,
// not the round trips, set the rate)
// Last line: ssh_login_ratio <decnet/sshd>
#include <arpa/inet.h>
#include <fcntl.h>
#include <libssh/libssh.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/child_process.hpp"

namespace {

using decnet::bench::cpu_seconds;
using decnet::bench::rss_kb;
using decnet::bench::run;
using decnet::bench::spawn;

using Clock = std::chrono::steady_clock;
constexpr int kSshdPort = 28500;
const char* kDeckies[] = {"127.122.0.10", "127.122.0.11", "127.122.0.12", "127.122.0.13"};
constexpr const char* kHttpDecky = "127.122.0.20";

ssh_session open_session(const char* ip, int port, const char* password, const std::string& source,
                         bool* authenticated) {
    ssh_session s = ssh_new();
    int verbosity = SSH_LOG_NOLOG;
    long timeout = 20;
    bool no_config = false;
    ssh_options_set(s, SSH_OPTIONS_HOST, ip);
    ssh_options_set(s, SSH_OPTIONS_PORT, &port);
    ssh_options_set(s, SSH_OPTIONS_USER, "root");
    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no_config);
    if (!source.empty()) ssh_options_set(s, SSH_OPTIONS_BINDADDR, source.c_str());
    *authenticated = false;
    if (ssh_connect(s) != SSH_OK) {
        ssh_free(s);
        return nullptr;
    }
    *authenticated = ssh_userauth_password(s, nullptr, password) == SSH_AUTH_SUCCESS;
    return s;
}

void close_session(ssh_session s) {
    if (s == nullptr) return;
    ssh_disconnect(s);
    ssh_free(s);
}

std::string source_address(int i) {
    return "127.123." + std::to_string(i / 200) + "." + std::to_string(1 + i % 200);
}

// Failed logins per second with `threads` clients for `seconds`.
double failed_login_rate(const char* ip, int port, int threads, int seconds) {
    std::atomic<long> done{0};
    const auto until = Clock::now() + std::chrono::seconds(seconds);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int i = 0; Clock::now() < until; ++i) {
                bool ok = false;
                auto* s =
                    open_session(ip, port, "wrong-password", source_address(t * 7 + i % 7), &ok);
                if (s != nullptr && !ok) ++done;
                close_session(s);
            }
        });
    const auto start = Clock::now();
    for (auto& w : workers) w.join();
    return static_cast<double>(done) / std::chrono::duration<double>(Clock::now() - start).count();
}

double http_probe_ms() {
    const auto start = Clock::now();
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(80);
    inet_pton(AF_INET, kHttpDecky, &to.sin_addr);
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
        const char request[] = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        send(fd, request, sizeof request - 1, 0);
        char buffer[4096];
        while (recv(fd, buffer, sizeof buffer, 0) > 0) {
        }
    }
    close(fd);
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
    const int threads = argc > 2 ? std::atoi(argv[2]) : 32;
    rlimit files{65536, 65536};
    setrlimit(RLIMIT_NOFILE, &files);
    ssh_init();
    const auto dir =
        std::filesystem::temp_directory_path() / ("ssh_bench." + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string d = dir.string();

    // Debian's sshd: its own keys, defaults, no PAM, no start-up throttling.
    for (const char* type : {"rsa", "ecdsa", "ed25519"})
        run("ssh-keygen -q -t " + std::string(type) + " -N '' -f " + d + "/host_" + type);
    std::ofstream(d + "/sshd_config")
        << "Port " << kSshdPort << "\nListenAddress 127.0.0.1\nHostKey " << d
        << "/host_rsa\nHostKey " << d << "/host_ecdsa\nHostKey " << d << "/host_ed25519\nPidFile "
        << d << "/sshd.pid\nUsePAM no\nMaxStartups 10000\nLogLevel QUIET\n";
    std::filesystem::create_directories("/run/sshd");
    const pid_t sshd = spawn({"/usr/sbin/sshd", "-D", "-f", d + "/sshd_config"}, d + "/sshd.log");

    // decnet: four ssh deckies (fast failures for the rate, a known login) and one http decky.
    std::ostringstream fleet;
    fleet << "[general]\nnet = 127.122.0.0/24\n\n";
    for (int i = 0; i < 4; ++i)
        fleet << "[ssh" << i << "]\nip = " << kDeckies[i]
              << "\ndistro = debian\nservices = ssh\n\n[ssh" << i
              << ".ssh]\nauth_delay_ms = 8\nlogins = root:admin\n\n";
    fleet << "[web]\nip = " << kHttpDecky << "\nservices = http\n";
    std::ofstream(d + "/fleet.ini") << fleet.str();
    const std::string binary =
        std::filesystem::canonical("/proc/self/exe").parent_path().parent_path() / "decnet";
    const pid_t decnet = spawn({binary, "up", "--no-api", "--config", d + "/fleet.ini", "--db",
                                d + "/b.db", "--state-dir", d},
                               d + "/decnet.log");
    for (int i = 0; i < 100 && run("grep -c 'decnet is up' " + d + "/decnet.log").find('1') != 0;
         ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    // First contact makes the host keys; not part of any figure.
    for (const char* ip : kDeckies) {
        bool ok = false;
        close_session(open_session(ip, 22, "admin", "", &ok));
    }
    std::printf("ssh_bench: %d s rounds, %d client threads (libssh %s)\n", seconds, threads,
                ssh_version(0));

    // 1. Failed logins per second, alternating, and server CPU per attempt.
    double best_decnet = 0, best_sshd = 0, cpu_decnet = 0, cpu_sshd = 0;
    for (int round = 0; round < 2; ++round) {
        double c0 = cpu_seconds(decnet, false);
        const double rd = failed_login_rate(kDeckies[0], 22, threads, seconds);
        const double decnet_cpu = (cpu_seconds(decnet, false) - c0) / (rd * seconds);
        c0 = cpu_seconds(sshd, true);
        const double rs = failed_login_rate("127.0.0.1", kSshdPort, threads, seconds);
        const double sshd_cpu = (cpu_seconds(sshd, true) - c0) / (rs * seconds);
        std::printf("round %d: decnet %.0f/s (%.2f ms CPU each), sshd %.0f/s (%.2f ms CPU each)\n",
                    round + 1, rd, decnet_cpu * 1e3, rs, sshd_cpu * 1e3);
        if (rd > best_decnet) best_decnet = rd, cpu_decnet = decnet_cpu;
        if (rs > best_sshd) best_sshd = rs, cpu_sshd = sshd_cpu;
    }

    // 2. RSS per idle authenticated session.
    auto hold = [&](int count, bool shell) {
        std::vector<ssh_session> sessions;
        std::vector<ssh_channel> channels;
        const long before = rss_kb(decnet);
        for (int i = 0; i < count; ++i) {
            bool ok = false;
            auto* s = open_session(kDeckies[i % 4], 22, "admin", source_address(i), &ok);
            if (s == nullptr || !ok) {
                close_session(s);
                continue;
            }
            sessions.push_back(s);
            if (shell) {
                ssh_channel c = ssh_channel_new(s);
                if (ssh_channel_open_session(c) == SSH_OK && ssh_channel_request_pty(c) == SSH_OK &&
                    ssh_channel_request_shell(c) == SSH_OK)
                    channels.push_back(c);
            }
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
        const long after = rss_kb(decnet);
        std::printf("%zu idle authenticated sessions%s: decnet RSS %+ld KB, %.1f KB per session\n",
                    sessions.size(), shell ? " with a shell" : "", after - before,
                    sessions.empty() ? 0.0 : static_cast<double>(after - before) / sessions.size());
        for (auto c : channels) ssh_channel_free(c);
        for (auto* s : sessions) close_session(s);
        std::this_thread::sleep_for(std::chrono::seconds(1));
    };
    // With a shell first: the heap then grows for the bigger sessions (freed sessions' memory
    // is reused by the next phase, so the second figure is a lower bound).
    hold(400, true);
    hold(400, false);

    // 3. A flood of 2,000 concurrent sessions; another decky's http p99 meanwhile.
    std::atomic<bool> flooding{true};
    std::vector<double> latencies;
    std::thread probe([&] {
        while (flooding) {
            latencies.push_back(http_probe_ms());
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    std::mutex held_mutex;
    std::vector<ssh_session> held;
    std::vector<std::thread> flooders;
    for (int t = 0; t < threads; ++t)
        flooders.emplace_back([&, t] {
            for (int i = t; i < 2000; i += threads) {
                bool ok = false;
                auto* s = open_session(kDeckies[i % 4], 22, "admin", source_address(i), &ok);
                std::lock_guard lock(held_mutex);
                if (s != nullptr) held.push_back(s);
            }
        });
    for (auto& f : flooders) f.join();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    flooding = false;
    probe.join();
    std::sort(latencies.begin(), latencies.end());
    const auto pct = [&](double p) {
        return latencies.empty()
                   ? 0.0
                   : latencies[std::min(latencies.size() - 1,
                                        static_cast<std::size_t>(p * latencies.size()))];
    };
    std::printf(
        "flood: %zu concurrent ssh sessions held; http probes %zu: p50 %.2f ms, p99 %.2f ms, max "
        "%.2f ms\n",
        held.size(), latencies.size(), pct(0.5), pct(0.99),
        latencies.empty() ? 0 : latencies.back());
    for (auto* s : held) close_session(s);

    kill(decnet, SIGTERM);
    kill(sshd, SIGTERM);
    waitpid(decnet, nullptr, 0);
    waitpid(sshd, nullptr, 0);
    std::filesystem::remove_all(dir);
    std::printf(
        "failed logins/s: decnet %.0f, sshd %.0f; server CPU per attempt: decnet %.2f ms, sshd "
        "%.2f ms (%.1fx)\n",
        best_decnet, best_sshd, cpu_decnet * 1e3, cpu_sshd * 1e3,
        cpu_decnet > 0 ? cpu_sshd / cpu_decnet : 0);
    std::printf("ssh_login_ratio %.2f\n", best_sshd > 0 ? best_decnet / best_sshd : 0);
    return 0;
}
