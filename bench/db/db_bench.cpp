// db_bench (issue #15): connect + one failed login per second, decnet's mysql and postgres
// emulators against the real servers on the same cores — Debian's MariaDB (mariadbd) and
// PostgreSQL (postgres), each started here on loopback with a temporary data directory —
// with the same raw-socket client (this process, the emulators' own codecs), and the server
// CPU each attempt cost (mariadbd's process; the postmaster with its reaped backends).
// mysql: mysql_native_password on both; postgres: md5 on both.
// The ceiling: this binary as a no-work mysql server (`--ceiling-server IP`: a fixed
// greeting, read the answer, a fixed ERR, close; 4 threads on one listening socket), the
// most any server can do for this client on these cores. Its rate shows how far a ratio
// to mariadbd can go at all (when mariadbd is already near it, ≥ 2 is out of reach).
// Usage: db_bench [seconds_per_round=5] [client_threads=8]
// Last line: db_login_ratio mysql <decnet/mariadbd> postgres <decnet/postgres>
//            ceiling <no-work/mariadbd>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "honeypot/services/mysql/mysql_protocol.hpp"
#include "honeypot/services/postgres/postgres_protocol.hpp"

#include "../support/child_process.hpp"

namespace {

using decnet::bench::cpu_seconds;
using decnet::bench::run;
using decnet::bench::spawn;

using Clock = std::chrono::steady_clock;
namespace my = decnet::honeypot::mysql;
namespace pg = decnet::honeypot::postgres;
constexpr const char* kDecky = "127.194.0.10";
constexpr const char* kReal = "127.194.0.200";
constexpr const char* kCeiling = "127.194.0.201";

// A blocking loopback connection with 5 s timeouts.
class Conn {
  public:
    Conn(const char* ip, int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        timeval tv{5, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        inet_pton(AF_INET, ip, &a.sin_addr);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) close();
    }
    ~Conn() { close(); }
    bool ok() const { return fd_ >= 0; }
    bool send(const std::string& data) {
        return ok() && ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) ==
                           static_cast<ssize_t>(data.size());
    }
    std::optional<std::string> read(std::size_t n) {
        std::string out;
        while (ok() && out.size() < n) {
            char buffer[4096];
            const auto got = ::recv(fd_, buffer, std::min(sizeof buffer, n - out.size()), 0);
            if (got <= 0) return std::nullopt;
            out.append(buffer, static_cast<std::size_t>(got));
        }
        if (out.size() < n) return std::nullopt;
        return out;
    }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

  private:
    int fd_ = -1;
};

// One mysql connection refused: greeting, native-password answer, ERR.
bool mysql_failed_login(const char* ip) {
    Conn c(ip, 3306);
    auto head = c.read(4);
    if (!head) return false;
    auto greeting = c.read(my::parse_header(*head).length);
    if (!greeting) return false;
    const auto nul = greeting->find('\0', 1);
    if (nul == std::string::npos || greeting->size() < nul + 45) return false;
    const std::string scramble = greeting->substr(nul + 5, 8) + greeting->substr(nul + 32, 12);
    const auto caps = my::kClientProtocol41 | my::kClientSecureConnection | my::kClientPluginAuth |
                      my::kClientLongPassword;
    std::string p = {static_cast<char>(caps & 0xff), static_cast<char>((caps >> 8) & 0xff),
                     static_cast<char>((caps >> 16) & 0xff), static_cast<char>(caps >> 24)};
    p += std::string("\0\0\0\x01\x21", 5) + std::string(23, '\0') + "bench" + '\0';
    const auto response = my::native_password_response("wrong-password", scramble);
    p += static_cast<char>(response.size());
    p += response + "mysql_native_password" + '\0';
    if (!c.send(my::packet(1, p))) return false;
    head = c.read(4);
    if (!head) return false;
    const auto err = c.read(my::parse_header(*head).length);
    return err && !err->empty() && (*err)[0] == '\xff';
}

// One postgres connection refused: startup, md5 answer, FATAL.
bool postgres_failed_login(const char* ip) {
    Conn c(ip, 5432);
    std::string body = pg::int32(pg::kProtocol3) + "user" + '\0' + "bench" + '\0' + "database" +
                       '\0' + "postgres" + '\0' + '\0';
    if (!c.send(pg::int32(static_cast<std::uint32_t>(body.size() + 4)) + body)) return false;
    auto head = c.read(5);
    if (!head || (*head)[0] != 'R') return false;
    auto auth = c.read(pg::read32(head->substr(1)) - 4);
    if (!auth || pg::read32(*auth) != 5) return false;
    const auto response = pg::md5_response("wrong-password", "bench", auth->substr(4)) + '\0';
    if (!c.send("p" + pg::int32(static_cast<std::uint32_t>(response.size() + 4)) + response))
        return false;
    head = c.read(5);
    return head && (*head)[0] == 'E';
}

double rate(const std::function<bool()>& attempt, int threads, int seconds) {
    std::atomic<long> done{0};
    const auto until = Clock::now() + std::chrono::seconds(seconds);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&] {
            while (Clock::now() < until)
                if (attempt()) ++done;
        });
    const auto start = Clock::now();
    for (auto& w : workers) w.join();
    return static_cast<double>(done) / std::chrono::duration<double>(Clock::now() - start).count();
}

// The no-work mysql server: the same bytes on the wire as a refusal, nothing else done.
[[noreturn]] void ceiling_server(const char* ip) {
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(3306);
    inet_pton(AF_INET, ip, &a.sin_addr);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener, 4096) != 0)
        std::_Exit(1);
    my::Greeting g;
    g.version = "5.7.44";
    g.scramble = std::string(20, 'x');
    g.capabilities = 0xf7ff | (std::uint32_t{my::kClientPluginAuth} | my::kClientSecureConnection |
                               my::kClientProtocol41);
    g.charset = 0x21;
    g.plugin = "mysql_native_password";
    const auto greeting = my::packet(0, my::greeting_payload(g));
    const auto refusal =
        my::packet(2, std::string("\xff\x15\x04#28000Access denied for user 'bench'@'x'"));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (;;) {
                const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
                if (fd < 0) continue;
                char buffer[4096];
                if (::send(fd, greeting.data(), greeting.size(), MSG_NOSIGNAL) > 0 &&
                    ::recv(fd, buffer, sizeof buffer, 0) > 0)
                    ::send(fd, refusal.data(), refusal.size(), MSG_NOSIGNAL);
                ::close(fd);
            }
        });
    for (auto& t : threads) t.join();
    std::_Exit(0);
}

bool wait_until(const std::function<bool()>& ready) {
    for (int i = 0; i < 300; ++i) {
        if (ready()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 2 && std::string(argv[1]) == "--probe") {  // one attempt each: 1 = refused
        std::printf("mysql %d postgres %d\n", mysql_failed_login(argv[2]),
                    postgres_failed_login(argv[2]));
        return 0;
    }
    if (argc > 2 && std::string(argv[1]) == "--ceiling-server") ceiling_server(argv[2]);
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
    const int threads = argc > 2 ? std::atoi(argv[2]) : 8;
    rlimit files{65536, 65536};
    setrlimit(RLIMIT_NOFILE, &files);
    const auto dir =
        std::filesystem::temp_directory_path() / ("db_bench." + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::filesystem::permissions(dir, std::filesystem::perms::all);
    const std::string d = dir.string();
    const bool root = ::geteuid() == 0;

    // MariaDB: a private data directory, mysql_native_password for everyone.
    run("mariadb-install-db --no-defaults --auth-root-authentication-method=normal --datadir=" + d +
        "/maria" + (root ? " --user=root" : "") + " >" + d + "/maria-install.log 2>&1");
    std::vector<std::string> maria = {run("command -v mariadbd | tr -d '\\n'"),
                                      "--no-defaults",
                                      "--datadir=" + d + "/maria",
                                      "--socket=" + d + "/maria.sock",
                                      "--port=3306",
                                      "--bind-address=" + std::string(kReal),
                                      "--pid-file=" + d + "/maria.pid",
                                      "--skip-name-resolve",
                                      "--max-connections=1000",
                                      "--innodb-buffer-pool-size=16M"};
    if (root) maria.push_back("--user=root");
    const pid_t mariadbd = spawn(maria, d + "/maria.log");

    // PostgreSQL: initdb with md5, as the postgres user when run as root.
    const std::string pg_bin =
        run("ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1 | tr -d '\\n'");
    const std::string as_postgres = root ? "runuser -u postgres -- " : "";
    if (root) run("chown postgres " + d);
    std::ofstream(d + "/pw") << "postgres-password\n";
    if (root) run("chown postgres " + d + "/pw");
    run(as_postgres + pg_bin + "/initdb -D " + d + "/pg -A md5 -U postgres --pwfile=" + d +
        "/pw >" + d + "/initdb.log 2>&1");
    std::vector<std::string> postgres = {pg_bin + "/postgres",
                                         "-D",
                                         d + "/pg",
                                         "-c",
                                         "listen_addresses=" + std::string(kReal),
                                         "-c",
                                         "port=5432",
                                         "-c",
                                         "unix_socket_directories=" + d,
                                         "-c",
                                         "max_connections=200"};
    if (root) postgres.insert(postgres.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
    spawn(postgres, d + "/postgres.log");

    // decnet: one decky with both, md5 for postgres (the same exchange as the real one).
    std::ofstream(d + "/fleet.ini") << "[general]\nnet = 127.194.0.0/24\n\n[db]\nip = " << kDecky
                                    << "\ndistro = debian\nservices = mysql,postgres\n\n"
                                       "[db.postgres]\nauth = md5\n";
    const std::string binary =
        std::filesystem::canonical("/proc/self/exe").parent_path().parent_path() / "decnet";
    const pid_t decnet = spawn({binary, "up", "--no-api", "--config", d + "/fleet.ini", "--db",
                                d + "/b.db", "--state-dir", d + "/state"},
                               d + "/decnet.log");

    const pid_t ceiling =
        spawn({std::filesystem::canonical("/proc/self/exe").string(), "--ceiling-server", kCeiling},
              d + "/ceiling.log");

    const bool up = wait_until([&] { return mysql_failed_login(kCeiling); }) &&
                    wait_until([&] { return mysql_failed_login(kDecky); }) &&
                    wait_until([&] { return postgres_failed_login(kDecky); }) &&
                    wait_until([&] { return mysql_failed_login(kReal); }) &&
                    wait_until([&] { return postgres_failed_login(kReal); });
    pid_t postmaster = 0;
    if (std::ifstream pidfile(d + "/pg/postmaster.pid"); pidfile) pidfile >> postmaster;
    std::printf("db_bench: %d s rounds, %d client threads\n", seconds, threads);
    double ratio[2] = {0, 0};
    double ceiling_ratio = 0;
    if (up) {
        struct Side {
            const char* name;
            std::function<bool(const char*)> attempt;
            pid_t real;
            bool children;
        };
        const Side sides[] = {{"mysql", mysql_failed_login, mariadbd, false},
                              {"postgres", postgres_failed_login, postmaster, true}};
        for (int s = 0; s < 2; ++s) {
            double best_decnet = 0, best_real = 0, cpu_decnet = 0, cpu_real = 0;
            for (int round = 0; round < 2; ++round) {
                double c0 = cpu_seconds(decnet, false);
                const double rd = rate([&] { return sides[s].attempt(kDecky); }, threads, seconds);
                const double dc = (cpu_seconds(decnet, false) - c0) / std::max(1.0, rd * seconds);
                c0 = cpu_seconds(sides[s].real, sides[s].children);
                const double rr = rate([&] { return sides[s].attempt(kReal); }, threads, seconds);
                const double rc = (cpu_seconds(sides[s].real, sides[s].children) - c0) /
                                  std::max(1.0, rr * seconds);
                std::printf(
                    "%s round %d: decnet %.0f/s (%.3f ms CPU each), real %.0f/s (%.3f ms "
                    "CPU each)\n",
                    sides[s].name, round + 1, rd, dc * 1e3, rr, rc * 1e3);
                if (rd > best_decnet) best_decnet = rd, cpu_decnet = dc;
                if (rr > best_real) best_real = rr, cpu_real = rc;
            }
            ratio[s] = best_real > 0 ? best_decnet / best_real : 0;
            std::printf("%s: decnet %.0f/s, %s %.0f/s; CPU per login %.3f ms vs %.3f ms\n",
                        sides[s].name, best_decnet, s == 0 ? "mariadbd" : "postgres", best_real,
                        cpu_decnet * 1e3, cpu_real * 1e3);
        }
        // The ceiling, measured as the others: what a server doing nothing reaches here.
        double best_ceiling = 0, best_maria = 0;
        for (int round = 0; round < 2; ++round) {
            best_ceiling = std::max(
                best_ceiling, rate([&] { return mysql_failed_login(kCeiling); }, threads, seconds));
            best_maria = std::max(
                best_maria, rate([&] { return mysql_failed_login(kReal); }, threads, seconds));
        }
        ceiling_ratio = best_maria > 0 ? best_ceiling / best_maria : 0;
        std::printf(
            "mysql ceiling: a no-work server %.0f/s, mariadbd %.0f/s (the most any server can "
            "reach here is %.2fx mariadbd)\n",
            best_ceiling, best_maria, ceiling_ratio);
    } else {
        std::printf("db_bench: a server did not come up (logs in %s)\n", d.c_str());
    }
    ::kill(ceiling, SIGKILL);
    ::kill(decnet, SIGTERM);
    ::kill(mariadbd, SIGTERM);
    if (postmaster > 0) ::kill(postmaster, SIGTERM);
    for (int i = 0; i < 4; ++i) ::wait(nullptr);
    if (up) std::filesystem::remove_all(dir);
    std::printf("db_login_ratio mysql %.2f postgres %.2f ceiling %.2f\n", ratio[0], ratio[1],
                ceiling_ratio);
    return up ? 0 : 1;
}
