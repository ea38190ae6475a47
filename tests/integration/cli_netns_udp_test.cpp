// UDP services in netns mode, as root: the runtime's socket opener binds tftp (69/udp) and
// snmp (161/udp) inside the decky's namespace, and real clients in an "attacker"
// namespace on the same bridge get answers (snmpget, curl over TFTP).
// This file's own LAN: bridge dnt3br0, 10.213.3.0/24, attacker namespace dnt3-atk (veth
// dnt3atk0/1), decky dnt3-udp. No host interface is ever touched.
// Skips, with the reason, when not root, when `ip netns` does not work or snmpget is absent.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/netns_lan.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kBridge = "dnt3br0";
constexpr const char* kAttackerNs = "dnt3-atk";
constexpr const char* kDeckyIp = "10.213.3.10";

constexpr const char* kFleet = R"([general]
net=10.213.3.0/24
gw=10.213.3.1

[dnt3-udp]
ip=10.213.3.10
services=tftp,snmp
nmap_os=windows
)";

const TestLan& lan() {
    static const TestLan instance{kBridge,           kAttackerNs,  "dnt3atk0", "dnt3atk1",
                                  "10.213.3.200/24", {"dnt3-udp"}, {}};
    return instance;
}

TEST(CliNetnsUdp, AttackerNamespaceGetsSnmpAndTftpAnswers) {
    if (geteuid() != 0) GTEST_SKIP() << "netns mode needs root";
    if (!installed("snmpget")) GTEST_SKIP() << "snmpget not installed (scripts/install-deps.sh)";
    const int lock = open("/tmp/decnet-netns-udp-test.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(lock, 0);
    ASSERT_EQ(flock(lock, LOCK_EX), 0);
    if (!sh("ip netns add dnt3-probe")) {
        close(lock);
        GTEST_SKIP() << "`ip netns add` does not work here";
    }
    sh("ip netns del dnt3-probe");
    lan().remove();
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kFleet);
    setenv("DECNET_NETWORK", "dnt3br0 10.213.3.0/24 10.213.3.1 10.213.3.1", 1);
    {
        BackgroundProcess up(
            {DECNET_BINARY, "up", "--mode", "netns", "--no-api", "--config", dir + "/fleet.ini",
             "--bridge", kBridge, "--db", dir + "/n.db", "--state-dir", dir + "/state"},
            dir);
        const auto out = up.wait_for_output("decnet is up", std::chrono::seconds(30));
        EXPECT_THAT(out, HasSubstr("10.213.3.10:161/udp")) << up.err();
        EXPECT_THAT(out, HasSubstr("10.213.3.10:69/udp"));
        ASSERT_TRUE(lan().add_attacker());
        const std::string in_attacker = std::string("timeout 15 ip netns exec ") + kAttackerNs;
        EXPECT_THAT(capture(in_attacker + " snmpget -v2c -c netnspass -On -t 2 -r 2 " + kDeckyIp +
                            " 1.3.6.1.2.1.1.7.0 2>&1"),
                    HasSubstr(".1.3.6.1.2.1.1.7.0 = INTEGER: 72"));
        EXPECT_THAT(capture(in_attacker + " curl -s -m 5 tftp://" + kDeckyIp + "/running-config"),
                    HasSubstr("enable secret"));
        EXPECT_EQ(up.stop(std::chrono::seconds(20)), 0) << up.err();
    }
    unsetenv("DECNET_NETWORK");
    lan().remove();
    close(lock);
}

}  // namespace
}  // namespace decnet::testing
