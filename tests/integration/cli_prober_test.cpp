// `decnet probe` against servers the test starts on 127.204.0.0/16, each explicitly allowed:
// JARM of two `openssl s_server` configurations equals an independent implementation of the
// public algorithm (jarm_reference.py); HASSHServer of Debian's sshd equals tshark's; a
// denied address and a dry run put no packet on the wire (tcpdump on lo); the fleet's
// worker probes an attacker seen by a decky and the bounty rows follow.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <sstream>
#include <thread>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string all_of(const std::vector<std::string>& rows) {
    std::string out;
    for (const auto& row : rows) out += row + "\n";
    return out;
}

std::string field(const std::string& text, const std::string& key) {
    const auto at = text.find(key + "=\"");
    if (at == std::string::npos) return {};
    const auto start = at + key.size() + 2;
    return text.substr(start, text.find('"', start) - start);
}

std::string reference_jarm(const std::string& ip, int port) {
    const auto out =
        capture("timeout 120 python3 " DECNET_SOURCE_DIR "/tests/integration/jarm_reference.py " +
                ip + " " + std::to_string(port));
    return out.substr(0, out.find('\n'));
}

// An openssl s_server with its own certificate, answering many handshakes.
struct TlsServer {
    TlsServer(const std::string& dir, const std::string& ip, int port,
              const std::vector<std::string>& extra)
        : process(argv(dir, ip, port, extra), dir) {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
    }
    static std::vector<std::string> argv(const std::string& dir, const std::string& ip, int port,
                                         const std::vector<std::string>& extra) {
        capture("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/k.pem -out " + dir +
                "/c.pem -days 30 -subj /CN=c2.example -addext subjectAltName=DNS:c2.example "
                "2>/dev/null");
        std::vector<std::string> a = {"/usr/bin/openssl",
                                      "s_server",
                                      "-accept",
                                      ip + ":" + std::to_string(port),
                                      "-cert",
                                      dir + "/c.pem",
                                      "-key",
                                      dir + "/k.pem",
                                      "-quiet"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
    BackgroundProcess process;
};

std::string subdir(const std::string& dir, const std::string& name) {
    std::filesystem::create_directories(dir + "/" + name);
    return dir + "/" + name;
}

TEST(CliProber, JarmOfOpensslServersEqualsTheIndependentImplementation) {
    const auto dir = make_temp_dir();
    struct Case {
        std::string ip;
        int port;
        std::vector<std::string> options;
    };
    const std::vector<Case> cases = {
        {"127.204.1.1", 28501, {}},                                       // TLS 1.3 and 1.2
        {"127.204.1.2", 28502, {"-no_tls1_3", "-cipher", "AES128-SHA"}},  // TLS 1.2, one suite
    };
    std::vector<std::string> hashes;
    for (const auto& c : cases) {
        TlsServer server(subdir(dir, c.ip), c.ip, c.port, c.options);
        const auto r = run_decnet({"probe", c.ip, "--allow", c.ip + "/32", "--probe", "jarm",
                                   "--port", std::to_string(c.port), "--rate", "100"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_THAT(r.out, HasSubstr("probe_sent"));
        const auto ours = field(r.out, "jarm_hash");
        const auto expected = reference_jarm(c.ip, c.port);
        ASSERT_EQ(expected.size(), 62u) << expected;
        EXPECT_EQ(ours, expected) << r.out;
        std::cout << "[  JARM    ] " << c.ip << " " << ours << "\n";
        hashes.push_back(ours);
    }
    EXPECT_NE(hashes[0], hashes[1]);
}

TEST(CliProber, TlsCertificateOfTheAttackersServer) {
    const auto dir = make_temp_dir();
    TlsServer server(dir, "127.204.1.3", 28503, {});
    const auto r = run_decnet({"probe", "127.204.1.3", "--allow", "127.204.1.3/32", "--probe",
                               "tls_cert", "--port", "28503", "--rate", "100"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(field(r.out, "subject_cn"), "c2.example");
    EXPECT_EQ(field(r.out, "self_signed"), "True");
    const auto der_sha256 =
        capture("openssl x509 -in " + dir +
                "/c.pem -outform DER | sha256sum | cut -d' ' -f1 | tr -d '\\n'");
    EXPECT_EQ(field(r.out, "cert_sha256"), der_sha256);
}

// tcpdump's capture on lo of the traffic to or from `host` while `run` ran.
std::string capture_while(const std::string& dir, const std::string& host,
                          const std::function<void()>& run) {
    // One directory per capture: BackgroundProcess keeps its stderr there, and a previous
    // capture's "listening on" must not be taken for this one's.
    static int captures = 0;
    const auto name = host + "-" + std::to_string(++captures);
    const auto pcap = dir + "/" + name + ".pcap";
    BackgroundProcess tcpdump({"/usr/bin/tcpdump", "-Z", "root", "--immediate-mode", "-i", "lo",
                               "-n", "-U", "-w", pcap, "host", host},
                              subdir(dir, "tcpdump-" + name));
    for (int i = 0; i < 50 && tcpdump.err().find("listening on") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    run();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    tcpdump.stop();
    return pcap;
}

TEST(CliProber, HasshServerOfDebiansSshdEqualsTsharks) {
    const auto dir = make_temp_dir();
    for (const char* type : {"rsa", "ed25519"})
        capture(std::string("ssh-keygen -q -t ") + type + " -N '' -f " + dir + "/host_" + type);
    write_file(dir + "/sshd_config", "Port 28511\nListenAddress 127.204.2.1\nHostKey " + dir +
                                         "/host_rsa\nHostKey " + dir + "/host_ed25519\nPidFile " +
                                         dir + "/sshd.pid\nUsePAM no\n");
    std::filesystem::create_directories("/run/sshd");
    BackgroundProcess sshd({"/usr/sbin/sshd", "-D", "-e", "-f", dir + "/sshd_config"},
                           subdir(dir, "sshd"));
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    std::string ours;
    const auto pcap = capture_while(dir, "127.204.2.1", [&] {
        const auto r = run_decnet({"probe", "127.204.2.1", "--allow", "127.204.2.1/32", "--probe",
                                   "hassh", "--port", "28511", "--rate", "100"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_THAT(field(r.out, "ssh_banner"), HasSubstr("SSH-2.0-OpenSSH_"));
        ours = field(r.out, "hassh_server_hash");
    });
    ASSERT_EQ(ours.size(), 32u) << sshd.err();
    const auto theirs = capture("tshark -r " + pcap +
                                " -d tcp.port==28511,ssh -T fields -e ssh.kex.hasshserver "
                                "2>/dev/null | grep -E '^[0-9a-f]{32}$' | head -1 | tr -d '\\n'");
    EXPECT_EQ(ours, theirs);
    std::cout << "[  HASSH   ] HASSHServer of Debian's sshd " << ours << "\n";
}

// Packets tcpdump saw on lo to or from `host` while `run` ran.
int packets_while(const std::string& dir, const std::string& host,
                  const std::function<void()>& run) {
    const auto pcap = capture_while(dir, host, run);
    const auto count = capture("tcpdump -r " + pcap + " -n 2>/dev/null | wc -l");
    return std::stoi(count.empty() ? "0" : count);
}

TEST(CliProber, DeniedAddressesAndDryRunsSendNoPacket) {
    const auto dir = make_temp_dir();
    TlsServer server(subdir(dir, "tls"), "127.204.3.1", 28521, {});
    // Loopback is a built-in deny: without --allow nothing goes out.
    int packets = packets_while(dir, "127.204.3.1", [&] {
        const auto r = run_decnet({"probe", "127.204.3.1", "--port", "28521", "--rate", "100"});
        EXPECT_EQ(r.exit_code, 1);
        EXPECT_THAT(r.err, HasSubstr("not probed: loopback 127.0.0.0/8"));
        EXPECT_THAT(r.out, Not(HasSubstr("probe_sent")));
    });
    EXPECT_EQ(packets, 0);
    // --deny wins over --allow.
    packets = packets_while(dir, "127.204.3.1", [&] {
        const auto r = run_decnet({"probe", "127.204.3.1", "--allow", "127.204.0.0/16", "--deny",
                                   "127.204.3.0/24", "--port", "28521", "--rate", "100"});
        EXPECT_EQ(r.exit_code, 1);
        EXPECT_THAT(r.err, HasSubstr("denied by deny list 127.204.3.0/24"));
    });
    EXPECT_EQ(packets, 0);
    // A dry run of an allowed address plans every probe and sends nothing.
    packets = packets_while(dir, "127.204.3.1", [&] {
        const auto r = run_decnet({"probe", "127.204.3.1", "--allow", "127.204.3.1/32", "--dry-run",
                                   "--port", "28521", "--rate", "100"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_THAT(r.out, HasSubstr("probe_planned"));
        EXPECT_THAT(r.out, Not(HasSubstr("probe_sent")));
    });
    EXPECT_EQ(packets, 0);
    // The capture works: the same probe allowed and not dry is seen.
    packets = packets_while(dir, "127.204.3.1", [&] {
        const auto r = run_decnet({"probe", "127.204.3.1", "--allow", "127.204.3.1/32", "--probe",
                                   "jarm", "--port", "28521", "--rate", "100"});
        EXPECT_THAT(r.out, HasSubstr("jarm_fingerprint"));
    });
    EXPECT_GT(packets, 10);
}

// The fleet's prober: an attacker at 127.204.4.50 knocks on a decky; its own TLS server is
// probed back (JARM, certificate), the events are stored and become bounty rows.
TEST(CliProber, FleetWorkerProbesAttackersSeenByDeckies) {
    const auto dir = make_temp_dir();
    TlsServer c2(subdir(dir, "c2"), "127.204.4.50", 28531, {});
    write_file(dir + "/fleet.ini",
               "[general]\nnet = 127.204.4.0/24\n\n[alpha]\nip = 127.204.4.10\nservices = http\n\n"
               "[prober]\nenabled = true\nallow = 127.204.4.50/32\nprobes = jarm, tls_cert\n"
               "jarm_ports = 28531\ntls_cert_ports = 28531\nrate = 100\n");
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/p.db", "--state-dir", dir},
                         subdir(dir, "up"));
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.204.4.10:80/tcp")) << up.err();
    capture("curl -s -m 5 --interface 127.204.4.50 http://127.204.4.10/ >/dev/null");
    auto repo = store::open_sqlite(dir + "/p.db");
    wait_for_logs(*repo, "service:prober event:tls_cert_fingerprint", 1);
    const auto jarm = all_of(stored_fields(*repo, "service:prober event:jarm_fingerprint", 5));
    EXPECT_THAT(jarm, HasSubstr(R"("target_ip":"127.204.4.50")"));
    EXPECT_EQ(all_of(stored_fields(*repo, "service:prober event:probe_sent", 5)).empty(), false);
    // Bounty rows for the attacker (the ingester's extraction).
    store::BountyFilter filter;
    filter.attacker_ip = "127.204.4.50";
    std::string payloads;
    for (int i = 0; i < 50; ++i) {
        payloads.clear();
        for (const auto& b : repo->bounties(filter, 20, 0)) payloads += b.payload + "\n";
        if (payloads.find("tls_certificate") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_THAT(payloads, HasSubstr(R"("fingerprint_type":"jarm")"));
    EXPECT_THAT(payloads, HasSubstr(R"("fingerprint_type":"tls_certificate")"));
    // The decky's own address is never probed (own network, not allowed).
    EXPECT_THAT(all_of(stored_fields(*repo, "service:prober", 50)),
                Not(HasSubstr(R"("target_ip":"127.204.4.10")")));
    EXPECT_EQ(up.stop(), 0) << up.err();
}

}  // namespace
}  // namespace decnet::testing
