// smb_bench (issue #14): decnet's smb against Debian's smbd on the same cores, side by side in
// one run, with the same client (this process, over raw sockets): connect, SMB2 NEGOTIATE
// (2.0.2 to 3.1.1 with a preauth context), SESSION_SETUP with SPNEGO NTLMSSP NEGOTIATE, then
// an NTLMv2 AUTHENTICATE with a wrong password, answered STATUS_LOGON_FAILURE; per second,
// alternating rounds, and the server CPU each session cost (decnet's process; smbd's
// listener with its reaped per-connection children). smbd runs on a loopback port with its
// own configuration (standalone, no printers, no nmbd/winbind).
// Usage: smb_bench [seconds_per_round=5] [client_threads=16]
//        smb_bench 0 0 <ip> <port>: one session against a server, its statuses on stderr with
//        SMB_BENCH_DEBUG=1 (what checks the client against a new server)
// Last line: smb_session_ratio <decnet/smbd>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../support/child_process.hpp"
#include "honeypot/auth/ntlm_crypto.hpp"
#include "wire/ntlm.hpp"
#include "wire/spnego.hpp"

namespace {

using decnet::bench::cpu_seconds;
using decnet::bench::run;
using decnet::bench::spawn;
namespace ntlm = decnet::wire::ntlm;
namespace spnego = decnet::wire::spnego;
namespace crypto = decnet::honeypot::ntlm_crypto;

using Clock = std::chrono::steady_clock;
constexpr int kSmbdPort = 28545;
constexpr const char* kDecky = "127.201.1.10";

void le16(std::string& o, std::uint16_t v) {
    o += static_cast<char>(v & 0xff);
    o += static_cast<char>(v >> 8);
}
void le32(std::string& o, std::uint32_t v) {
    le16(o, static_cast<std::uint16_t>(v & 0xffff));
    le16(o, static_cast<std::uint16_t>(v >> 16));
}
void le64(std::string& o, std::uint64_t v) {
    le32(o, static_cast<std::uint32_t>(v));
    le32(o, static_cast<std::uint32_t>(v >> 32));
}
std::uint32_t rd32(const std::string& b, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<std::uint8_t>(b[at + i]);
    return v;
}

std::string header(std::uint16_t command, std::uint64_t message_id, std::uint64_t session) {
    std::string h("\xfeSMB", 4);
    le16(h, 64);
    le16(h, 0);
    le32(h, 0);
    le16(h, command);
    le16(h, 1);
    le32(h, 0);
    le32(h, 0);
    le64(h, message_id);
    le32(h, 0);
    le32(h, 0);
    le64(h, session);
    h.append(16, '\0');
    return h;
}

std::string negotiate_request() {
    std::string b;
    le16(b, 36);
    le16(b, 5);
    le16(b, 1);
    le16(b, 0);
    le32(b, 0x7f);
    b.append(16, 'g');
    le32(b, 112);  // the contexts, after the dialects (64 + 36 + 10), 8-aligned
    le16(b, 1);
    le16(b, 0);
    for (const std::uint16_t d : {0x0202, 0x0210, 0x0300, 0x0302, 0x0311}) le16(b, d);
    b.append(2, '\0');
    le16(b, 1);  // preauth integrity: SHA-512 and a salt
    le16(b, 38);
    le32(b, 0);
    le16(b, 1);
    le16(b, 32);
    le16(b, 1);
    b.append(32, 's');
    return header(0, 0, 0) + b;
}

std::string session_setup(std::uint64_t id, std::uint64_t session, const std::string& token) {
    std::string b;
    le16(b, 25);
    b += '\0';
    b += '\x01';
    le32(b, 0);
    le32(b, 0);
    le16(b, 64 + 24);
    le16(b, static_cast<std::uint16_t>(token.size()));
    le64(b, 0);
    return header(1, id, session) + b + token;
}

bool send_frame(int fd, const std::string& m) {
    std::string f(1, '\0');
    f += static_cast<char>(m.size() >> 16);
    f += static_cast<char>(m.size() >> 8);
    f += static_cast<char>(m.size());
    f += m;
    return send(fd, f.data(), f.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(f.size());
}

std::optional<std::string> read_frame(int fd) {
    std::string head(4, '\0');
    std::size_t got = 0;
    while (got < 4) {
        const auto n = recv(fd, head.data() + got, 4 - got, 0);
        if (n <= 0) return std::nullopt;
        got += static_cast<std::size_t>(n);
    }
    const std::size_t length = static_cast<std::uint8_t>(head[1]) << 16 |
                               static_cast<std::uint8_t>(head[2]) << 8 |
                               static_cast<std::uint8_t>(head[3]);
    std::string body(length, '\0');
    got = 0;
    while (got < length) {
        const auto n = recv(fd, body.data() + got, length - got, 0);
        if (n <= 0) return std::nullopt;
        got += static_cast<std::size_t>(n);
    }
    return body;
}

// One negotiate + failed NTLMv2 session setup; true when the server said LOGON_FAILURE.
bool failed_session(const char* ip, int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, ip, &to.sin_addr);
    bool refused = false;
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&
        send_frame(fd, negotiate_request()) && read_frame(fd)) {
        ntlm::Negotiate n;
        n.flags = ntlm::kUnicode | ntlm::kNtlm | ntlm::kExtendedSessionSecurity |
                  ntlm::kRequestTarget | ntlm::kSign | ntlm::k128 | ntlm::kKeyExchange;
        spnego::Init init;
        init.mechs = {std::string(spnego::kNtlmssp)};
        init.mech_token = ntlm::build_negotiate(n);
        const auto reply = send_frame(fd, session_setup(1, 0, spnego::build_init(init)))
                               ? read_frame(fd)
                               : std::nullopt;
        if (std::getenv("SMB_BENCH_DEBUG") && reply)
            std::fprintf(stderr, "setup 1: %zu bytes, status %08x\n", reply->size(),
                         rd32(*reply, 8));
        if (reply && reply->size() > 72 && rd32(*reply, 8) == 0xc0000016) {
            std::uint64_t session = 0;
            for (int i = 7; i >= 0; --i)
                session = session << 8 | static_cast<std::uint8_t>((*reply)[40 + i]);
            const auto token = spnego::parse(reply->substr(72));
            const auto challenge = token && token->resp
                                       ? ntlm::parse_challenge(token->resp->response_token)
                                       : std::nullopt;
            if (challenge) {
                // The server's target info as it sent it (empty names included: smbd checks
                // every pair it sent is echoed).
                const std::string& raw = token->resp->response_token;
                const std::size_t info_length =
                    static_cast<std::uint8_t>(raw[40]) | static_cast<std::uint8_t>(raw[41]) << 8;
                const std::string info = raw.substr(rd32(raw, 44), info_length);
                const std::string blob = std::string("\x01\x01", 2) + std::string(14, '\0') +
                                         "clientch" + std::string(4, '\0') + info +
                                         std::string(4, '\0');
                const std::string server(
                    reinterpret_cast<const char*>(challenge->server_challenge.data()), 8);
                const auto key =
                    crypto::ntlmv2_response_key(crypto::nt_hash("wrong"), "bench", "WORKGROUP");
                ntlm::Authenticate a;
                a.flags = n.flags;
                a.user = "bench";
                a.domain = "WORKGROUP";
                a.workstation = "BENCH";
                a.lm_response = std::string(24, '\0');
                a.nt_response =
                    std::string(crypto::view(crypto::ntproofstr(key, server, blob))) + blob;
                a.session_key = std::string(16, 'k');
                a.mic = std::string(16, 'm');
                spnego::Resp resp;
                resp.response_token = ntlm::build_authenticate(a);
                const auto last =
                    send_frame(fd, session_setup(2, session, spnego::build_resp(resp)))
                        ? read_frame(fd)
                        : std::nullopt;
                if (std::getenv("SMB_BENCH_DEBUG") && last)
                    std::fprintf(stderr, "setup 2: status %08x\n", rd32(*last, 8));
                refused = last && last->size() >= 12 && rd32(*last, 8) == 0xc000006d;
            }
        }
    }
    close(fd);
    return refused;
}

double session_rate(const char* ip, int port, int threads, int seconds) {
    std::atomic<long> done{0};
    const auto until = Clock::now() + std::chrono::seconds(seconds);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&] {
            while (Clock::now() < until)
                if (failed_session(ip, port)) ++done;
        });
    const auto start = Clock::now();
    for (auto& w : workers) w.join();
    return static_cast<double>(done) / std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 3) {  // smb_bench 0 0 <ip> <port>: one session, its statuses on stderr
        std::printf("%s\n", failed_session(argv[3], std::atoi(argv[4])) ? "refused" : "FAILED");
        return 0;
    }
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
    const int threads = argc > 2 ? std::atoi(argv[2]) : 16;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    rlimit files{65536, 65536};
    setrlimit(RLIMIT_NOFILE, &files);
    const auto dir =
        std::filesystem::temp_directory_path() / ("smb_bench." + std::to_string(getpid()));
    const std::string d = dir.string();
    for (const char* sub : {"priv", "lock", "state", "cache", "pid", "share", "ncalrpc"})
        std::filesystem::create_directories(dir / sub);

    // Debian's smbd: a standalone server with one share, on a loopback port of its own.
    std::ofstream(d + "/smb.conf")
        << "[global]\n  workgroup = WORKGROUP\n  netbios name = BENCHSMBD\n  server role = "
           "standalone server\n  smb ports = "
        << kSmbdPort
        << "\n  interfaces = 127.0.0.1/8\n  bind interfaces only = yes\n  private dir = " << d
        << "/priv\n  lock directory = " << d << "/lock\n  state directory = " << d
        << "/state\n  cache directory = " << d << "/cache\n  pid directory = " << d
        << "/pid\n  ncalrpc dir = " << d << "/ncalrpc\n  log file = " << d
        << "/smbd.log\n  log level = 0\n  load printers = no\n  disable spoolss = yes\n  max "
           "connections = 0\n\n[Finance]\n  path = "
        << d << "/share\n";
    // Its own process group (smbd signals its group when it stops).
    const pid_t smbd = spawn({"/usr/sbin/smbd", "-F", "-s", d + "/smb.conf"}, d + "/smbd.out");

    std::ofstream(d + "/fleet.ini") << "[general]\nnet = 127.201.1.0/24\n\n[fs]\nip = " << kDecky
                                    << "\narchetype = windows-server\nservices = smb\n";
    const std::string binary =
        std::filesystem::canonical("/proc/self/exe").parent_path().parent_path() / "decnet";
    const pid_t decnet = spawn({binary, "up", "--no-api", "--config", d + "/fleet.ini", "--db",
                                d + "/b.db", "--state-dir", d},
                               d + "/decnet.log");
    for (int i = 0; i < 100 && run("grep -c 'decnet is up' " + d + "/decnet.log").find('1') != 0;
         ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (int i = 0; i < 100 && !failed_session("127.0.0.1", kSmbdPort); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::printf("smb_bench: %d s rounds, %d client threads; first sessions: decnet %s, smbd %s\n",
                seconds, threads, failed_session(kDecky, 445) ? "refused" : "FAILED",
                failed_session("127.0.0.1", kSmbdPort) ? "refused" : "FAILED");

    double best_decnet = 0, best_smbd = 0, cpu_decnet = 0, cpu_smbd = 0;
    for (int round = 0; round < 2; ++round) {
        double c0 = cpu_seconds(decnet, false);
        const double rd = session_rate(kDecky, 445, threads, seconds);
        const double decnet_cpu = rd > 0 ? (cpu_seconds(decnet, false) - c0) / (rd * seconds) : 0;
        c0 = cpu_seconds(smbd, true);
        const double rs = session_rate("127.0.0.1", kSmbdPort, threads, seconds);
        // smbd's children are reaped a moment after their connection closes.
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        const double smbd_cpu = rs > 0 ? (cpu_seconds(smbd, true) - c0) / (rs * seconds) : 0;
        std::printf("round %d: decnet %.0f/s (%.3f ms CPU each), smbd %.0f/s (%.3f ms CPU each)\n",
                    round + 1, rd, decnet_cpu * 1e3, rs, smbd_cpu * 1e3);
        if (rd > best_decnet) best_decnet = rd, cpu_decnet = decnet_cpu;
        if (rs > best_smbd) best_smbd = rs, cpu_smbd = smbd_cpu;
    }

    kill(decnet, SIGTERM);
    kill(smbd, SIGTERM);
    waitpid(decnet, nullptr, 0);
    waitpid(smbd, nullptr, 0);
    std::filesystem::remove_all(dir);
    std::printf(
        "failed NTLM sessions/s: decnet %.0f, smbd %.0f; server CPU per session: decnet %.3f ms, "
        "smbd %.3f ms (%.1fx)\n",
        best_decnet, best_smbd, cpu_decnet * 1e3, cpu_smbd * 1e3,
        cpu_decnet > 0 ? cpu_smbd / cpu_decnet : 0);
    std::printf("smb_session_ratio %.2f\n", best_smbd > 0 ? best_decnet / best_smbd : 0);
    return 0;
}
