// `decnet up --mode netns` end to end, as root: the test builds its own LAN (decnet's
// bridge plus an "attacker" namespace with a veth on it, all in 10.213.0.0/24), deploys a
// windows and a linux decky, looks at their packets from the attacker namespace, and checks
// that nothing is left behind. Only objects named dntest-*/dntbr0/dntatk* (and the
// deckies' own dn-dntest-* namespaces) are ever created or removed; no host interface is
// touched. Skips, with the reason, when not root or when `ip netns` does not work.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <thread>

#include "engine/netns/names.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/netns_lan.hpp"

namespace decnet::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kBridge = "dntbr0";
constexpr const char* kAttackerNs = "dntest-atk";
constexpr const char* kAttackerHostLink = "dntatk0";
constexpr const char* kAttackerIp = "10.213.0.200";
constexpr const char* kWindowsIp = "10.213.0.10";
constexpr const char* kLinuxIp = "10.213.0.11";
const std::vector<std::string> kDeckies = {"dntest-win", "dntest-lin", "dntest-mv"};
// macvlan test: the parent is one end of a veth pair the test makes, never a real NIC.
constexpr const char* kMacvlanParent = "dntmv0";

constexpr const char* kFleet = R"([general]
net=10.213.0.0/24
gw=10.213.0.1

[dntest-win]
ip=10.213.0.10
services=http,redis
nmap_os=windows
archetype=windows-workstation

[dntest-lin]
ip=10.213.0.11
services=http,ftp
nmap_os=linux
archetype=linux-server
)";

// Only this file's names are ever created or removed.
const TestLan& lan() {
    static const TestLan instance{
        kBridge,  kAttackerNs,     kAttackerHostLink, "dntatk1", std::string(kAttackerIp) + "/24",
        kDeckies, {kMacvlanParent}};
    return instance;
}
void remove_test_objects() {
    lan().remove();
}
bool add_attacker() {
    return lan().add_attacker();
}

struct TcpReply {
    int ttl = -1;
    bool timestamps = false;  // TCP timestamp option present
    std::string error;
};

// From inside the attacker namespace: a raw socket sees a copy of every TCP segment that
// arrives; connect() to ip:port and report the TTL (and options) of the reply with the
// wanted flags (SYN-ACK from an open port, RST from a closed one).
TcpReply tcp_reply(const std::string& ip, std::uint16_t port, bool want_rst) {
    TcpReply reply;
    std::thread worker([&] {
        const int nsfd = open((std::string("/run/netns/") + kAttackerNs).c_str(), O_RDONLY);
        if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) != 0) {
            reply.error = "cannot enter the attacker namespace";
            if (nsfd >= 0) close(nsfd);
            return;
        }
        close(nsfd);
        const int raw = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
        if (raw < 0) {
            reply.error = "no raw socket";
            return;
        }
        timeval tv{0, 200'000};
        setsockopt(raw, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        const int s = socket(AF_INET, SOCK_STREAM, 0);
        timeval ctv{3, 0};
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &ctv, sizeof ctv);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        inet_pton(AF_INET, ip.c_str(), &to.sin_addr);
        connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to);  // outcome read from `raw`
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        unsigned char buf[2048];
        // Bounded: at most 200 segments or 3 s.
        for (int i = 0; i < 200 && std::chrono::steady_clock::now() < deadline; ++i) {
            const ssize_t n = recv(raw, buf, sizeof buf, 0);
            if (n < 40) continue;
            const int ihl = (buf[0] & 0x0f) * 4;
            if (buf[9] != IPPROTO_TCP || n < ihl + 20) continue;
            if (std::memcmp(buf + 12, &to.sin_addr, 4) != 0) continue;
            if (((buf[ihl] << 8) | buf[ihl + 1]) != port) continue;
            const unsigned flags = buf[ihl + 13];
            const bool match = want_rst ? (flags & 0x04) != 0 : (flags & 0x12) == 0x12;
            if (!match) continue;
            reply.ttl = buf[8];
            const int data_offset = (buf[ihl + 12] >> 4) * 4;
            // Walk the TCP options (bounded by the header length).
            for (int o = ihl + 20; o < ihl + data_offset && o < n;) {
                const unsigned kind = buf[o];
                if (kind == 0) break;
                if (kind == 1) {
                    ++o;
                    continue;
                }
                if (kind == 8) reply.timestamps = true;
                if (o + 1 >= n || buf[o + 1] < 2) break;
                o += buf[o + 1];
            }
            break;
        }
        close(s);
        close(raw);
        if (reply.ttl < 0) reply.error = "no matching reply seen";
    });
    worker.join();
    return reply;
}

class CliNetns : public ::testing::Test {
  protected:
    void SetUp() override {
        if (geteuid() != 0)
            GTEST_SKIP() << "netns mode needs root (running as uid " << geteuid() << ")";
        // ctest runs tests in parallel and these share names: one at a time, machine-wide.
        const int fd = open("/tmp/decnet-netns-test.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        ASSERT_GE(fd, 0);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
        while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (std::chrono::steady_clock::now() > deadline) close(fd);
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "netns test lock busy";
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        lock_fd_ = fd;
        if (!sh("ip netns add dntest-probe"))
            GTEST_SKIP() << "`ip netns add` does not work here (no iproute2, or no mount "
                            "namespace rights)";
        sh("ip netns del dntest-probe");
        remove_test_objects();
        dir_ = make_temp_dir();
        write_file(dir_ + "/fleet.ini", kFleet);
        // Interface, subnet, gateway and host address without asking the host's routes.
        setenv("DECNET_NETWORK", "dntbr0 10.213.0.0/24 10.213.0.1 10.213.0.1", 1);
    }

    void TearDown() override {
        up_.reset();  // SIGTERM, then SIGKILL after a bound
        unsetenv("DECNET_NETWORK");
        if (lock_fd_ >= 0) {
            remove_test_objects();
            close(lock_fd_);  // releases the lock
        }
    }

    void start_up() {
        up_ = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{DECNET_BINARY, "up", "--no-api", "--mode", "netns", "--config",
                                     dir_ + "/fleet.ini", "--bridge", kBridge, "--db",
                                     dir_ + "/netns.db", "--state-dir", dir_ + "/state"},
            dir_);
    }

    void expect_nothing_left() {
        for (const auto& d : kDeckies) {
            EXPECT_FALSE(namespace_exists(engine::netns::namespace_name(d))) << d;
            EXPECT_FALSE(link_exists(engine::netns::host_link_name(d))) << d;
        }
        EXPECT_FALSE(access((dir_ + "/state/netns-objects").c_str(), F_OK) == 0);
    }

    std::string dir_;
    std::unique_ptr<BackgroundProcess> up_;
    int lock_fd_ = -1;
};

TEST_F(CliNetns, DeckiesShowTheirOsFamilyOnEveryPacketAndLeaveNothingBehind) {
    start_up();
    const auto out = up_->wait_for_output("decnet is up", std::chrono::seconds(30));
    ASSERT_THAT(out, HasSubstr("decnet is up")) << up_->err();
    EXPECT_THAT(out, HasSubstr("dn-dntest-win"));
    EXPECT_THAT(out, HasSubstr("10.213.0.10:6379/tcp"));
    EXPECT_THAT(out, HasSubstr("10.213.0.11:21/tcp"));
    EXPECT_THAT(out, AnyOf(HasSubstr("Dell"), HasSubstr("Hewlett Packard")));
    ASSERT_TRUE(namespace_exists("dn-dntest-win"));
    ASSERT_TRUE(link_exists(kBridge));
    ASSERT_TRUE(add_attacker());

    // SYN-ACKs: TTL and TCP options follow the namespace's sysctls.
    const auto win = tcp_reply(kWindowsIp, 80, false);
    const auto lin = tcp_reply(kLinuxIp, 80, false);
    EXPECT_EQ(win.ttl, 128) << win.error;
    EXPECT_EQ(lin.ttl, 64) << lin.error;
    EXPECT_FALSE(win.timestamps);
    EXPECT_TRUE(lin.timestamps);
    // Closed ports answer with a RST that carries the same TTL: the kernel of the
    // decky's namespace sends it, no listener involved.
    const auto win_rst = tcp_reply(kWindowsIp, 9, true);
    const auto lin_rst = tcp_reply(kLinuxIp, 9, true);
    EXPECT_EQ(win_rst.ttl, 128) << win_rst.error;
    EXPECT_EQ(lin_rst.ttl, 64) << lin_rst.error;

    // A real client from the attacker namespace reaches the emulator.
    EXPECT_THAT(capture(std::string("timeout 10 ip netns exec ") + kAttackerNs +
                        " curl -s -m 5 -o /dev/null -w '%{http_code}' http://" + kWindowsIp + "/"),
                ::testing::MatchesRegex("[2-5][0-9][0-9]"));
    // The decky's MAC is the one printed, with its vendor's OUI.
    const auto link = capture("timeout 5 ip -n dn-dntest-win -br link show dev eth0");
    EXPECT_THAT(link, AnyOf(HasSubstr("00:14:22"), HasSubstr("f8:bc:12"), HasSubstr("3c:d9:2b")));

    if (installed("nmap")) {
        const auto scan =
            capture(std::string("timeout 90 ip netns exec ") + kAttackerNs +
                    " nmap -sS -Pn -n -p 21,22,80,443,6379 -oG - " + kWindowsIp + " " + kLinuxIp);
        EXPECT_THAT(scan, ::testing::ContainsRegex("Host: 10\\.213\\.0\\.10 .*Ports: 21/closed.*"
                                                   "80/open.*443/open.*6379/open"))
            << scan;
        EXPECT_THAT(scan, ::testing::ContainsRegex("Host: 10\\.213\\.0\\.11 .*Ports: 21/open.*"
                                                   "80/open.*443/open.*6379/closed"))
            << scan;
    } else {
        std::cout << "[  NOTE    ] nmap not installed: SYN scan part skipped "
                     "(scripts/install-deps.sh installs it)\n";
    }

    EXPECT_EQ(up_->stop(std::chrono::seconds(20)), 0) << up_->err();
    expect_nothing_left();
    EXPECT_FALSE(link_exists(kBridge)) << "decnet created the bridge, so it removes it";
}

TEST_F(CliNetns, ExistingBridgeIsKeptAndTeardownAllCleansUpAfterKill9) {
    ASSERT_TRUE(sh(std::string("ip link add name ") + kBridge + " type bridge"));
    ASSERT_TRUE(sh(std::string("ip link set dev ") + kBridge + " up"));
    start_up();
    ASSERT_THAT(up_->wait_for_output("decnet is up", std::chrono::seconds(30)),
                HasSubstr("decnet is up"))
        << up_->err();
    ASSERT_TRUE(namespace_exists("dn-dntest-lin"));
    const auto pid = std::atoi(read_file(dir_ + "/state/decnet.pid").c_str());
    ASSERT_GT(pid, 0);
    kill(pid, SIGKILL);
    up_->stop(std::chrono::seconds(5));  // reaps it
    EXPECT_TRUE(namespace_exists("dn-dntest-lin")) << "a crash leaves the namespaces behind";

    const auto r = run_decnet({"teardown", "--all", "--state-dir", dir_ + "/state"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("leftover network namespace"));
    expect_nothing_left();
    EXPECT_TRUE(link_exists(kBridge)) << "a bridge decnet did not create is never removed";
}

TEST_F(CliNetns, MacvlanDeckyOnATestVethParent) {
    // LAN: dntmv0 (host, macvlan parent) <-veth-> dntmv1 (attacker namespace).
    const std::string ns = kAttackerNs;
    ASSERT_TRUE(sh("ip netns add " + ns));
    ASSERT_TRUE(sh(std::string("ip link add ") + kMacvlanParent +
                   " type veth peer name dntmv1 netns " + ns));
    ASSERT_TRUE(sh(std::string("ip link set dev ") + kMacvlanParent + " up"));
    ASSERT_TRUE(sh("ip -n " + ns + " addr add 10.213.1.200/24 dev dntmv1"));
    ASSERT_TRUE(sh("ip -n " + ns + " link set dev dntmv1 up"));
    write_file(dir_ + "/mv.ini",
               "[general]\nnet=10.213.1.0/24\ngw=10.213.1.1\n\n[dntest-mv]\nip=10.213.1.10\n"
               "services=redis\nnmap_os=windows\narchetype=printer\n");
    setenv("DECNET_NETWORK", "dntmv0 10.213.1.0/24 10.213.1.1 10.213.1.1", 1);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--mode", "netns", "--config",
                          dir_ + "/mv.ini", "--attach", "macvlan", "--interface", kMacvlanParent,
                          "--db", dir_ + "/mv.db", "--state-dir", dir_ + "/state"},
                         dir_);
    const auto out = up.wait_for_output("decnet is up", std::chrono::seconds(30));
    ASSERT_THAT(out, HasSubstr("decnet is up")) << up.err();
    EXPECT_THAT(out, HasSubstr("macvlan on dntmv0"));
    EXPECT_THAT(out, AnyOf(HasSubstr("Brother"), HasSubstr("Canon"), HasSubstr("Epson")));
    const auto reply = tcp_reply("10.213.1.10", 6379, false);
    EXPECT_EQ(reply.ttl, 128) << reply.error;
    EXPECT_EQ(up.stop(std::chrono::seconds(20)), 0) << up.err();
    expect_nothing_left();
    EXPECT_TRUE(link_exists(kMacvlanParent)) << "the parent is never removed";
}

TEST_F(CliNetns, NewBridgeRefusesASubnetTheHostAlreadyUses) {
    // 127.0.0.0/24 holds lo's 127.0.0.1: the same check that stops decnet from giving a new
    // bridge the real LAN router's address when the subnet was detected from the NIC.
    const auto r = run_decnet(
        {"up", "--mode", "netns", "-n", "1", "--services", "http", "--subnet", "127.0.0.0/24",
         "--bridge", kBridge, "--state-dir", dir_ + "/state", "--db", dir_ + "/x.db"},
        {"DECNET_NETWORK=dntbr0 127.0.0.0/24 10.213.0.1 10.213.0.1"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_THAT(r.err, HasSubstr("already in use on this host (127.0.0.1 on lo)"));
    EXPECT_FALSE(link_exists(kBridge));
    EXPECT_FALSE(namespace_exists(engine::netns::namespace_name("decky-01")));
}

TEST_F(CliNetns, WithoutRootNothingIsCreated) {
    if (!installed("setpriv")) GTEST_SKIP() << "setpriv (util-linux) not installed";
    const auto out = capture(
        "cd / && timeout 20 setpriv --reuid=65534 --regid=65534 "
        "--clear-groups --inh-caps=-all " +
        std::string(DECNET_BINARY) +
        " up --mode netns -n 2 --services http --subnet 10.213.0.0/24 "
        "--bridge " +
        kBridge +
        " --state-dir /nonexistent 2>&1; "
        "echo exit=$?");
    EXPECT_THAT(out, HasSubstr("netns mode needs root (CAP_NET_ADMIN)"));
    EXPECT_THAT(out, HasSubstr("exit=1"));
    EXPECT_FALSE(link_exists(kBridge));
    for (const auto& d : kDeckies) EXPECT_FALSE(namespace_exists(engine::netns::namespace_name(d)));
}

}  // namespace
}  // namespace decnet::testing
