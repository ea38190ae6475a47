// UDP services in the Runtime: tftp (69) and snmp (161) on 127.99.51.0/24 answer from their
// ports, are listed with transport udp, follow replace_services/remove_decky, and stop()
// frees their ports. (Ports below 1024: the tests run as root, like the rest of the suite.)
#include "honeypot/runtime.hpp"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "core/error.hpp"
#include "events/event_bus.hpp"
#include "support/udp_probe.hpp"

namespace decnet::honeypot {
namespace {

using testing::udp_bindable;
using testing::udp_exchange;

using namespace std::string_literals;

const std::string kRrq = "\x00\x01startup-config\x00octet\x00"s;
// SNMPv2c GetRequest, community "public", request-id 1, sysName.0.
const std::string kSnmpGet =
    "\x30\x26\x02\x01\x01\x04\x06public\xa0\x19\x02\x01\x01\x02\x01\x00\x02\x01\x00"
    "\x30\x0e\x30\x0c\x06\x08\x2b\x06\x01\x02\x01\x01\x05\x00\x05\x00"s;

DeckyConfig udp_decky(const std::string& ip) {
    DeckyConfig d;
    d.name = "u1";
    d.ip = ip;
    d.hostname = "edge-rtr-07";
    d.services = {"tftp", "snmp"};
    return d;
}

TEST(RuntimeUdp, ServesListsSwapsAndClosesUdpServices) {
    EventBus bus;
    Runtime runtime(bus, {}, 2);
    runtime.start();
    const std::string ip = "127.99.51.1";
    const auto report = runtime.add_decky(udp_decky(ip));
    ASSERT_EQ(report.listening.size(), 2u);
    EXPECT_TRUE(report.unavailable.empty());
    for (const auto& l : runtime.listeners()) EXPECT_EQ(l.transport, "udp");

    const auto data = udp_exchange(ip, 69, kRrq);
    ASSERT_GE(data.size(), 4u);
    EXPECT_EQ(data.substr(0, 4), "\x00\x03\x00\x01"s);  // DATA block 1
    EXPECT_THAT(data, ::testing::HasSubstr("hostname edge-rtr-07"));
    const auto response = udp_exchange(ip, 161, kSnmpGet);
    EXPECT_THAT(response, ::testing::HasSubstr("edge-rtr-07"));
    EXPECT_EQ(static_cast<unsigned char>(response.at(7 + 6)), 0xa2);  // GetResponse

    ASSERT_TRUE(runtime.replace_services("u1", {"snmp"}));
    EXPECT_EQ(udp_exchange(ip, 69, kRrq), "");
    EXPECT_TRUE(udp_bindable(ip, 69));
    EXPECT_THAT(udp_exchange(ip, 161, kSnmpGet), ::testing::HasSubstr("edge-rtr-07"));
    ASSERT_TRUE(runtime.replace_services("u1", {"snmp", "tftp"}));
    EXPECT_FALSE(udp_exchange(ip, 69, kRrq).empty());
    EXPECT_GE(runtime.deckies().at(0).events, 4u);

    ASSERT_TRUE(runtime.remove_decky("u1"));
    EXPECT_EQ(udp_exchange(ip, 161, kSnmpGet), "");
    EXPECT_TRUE(udp_bindable(ip, 161));

    // The persona's archetype picks the answers (here sysLocation.0).
    auto plant = udp_decky("127.99.51.2");
    plant.service_config["snmp"]["archetype"] = "water_plant";
    runtime.add_decky(plant);
    auto get_location = kSnmpGet;
    get_location[get_location.size() - 4] = '\x06';
    EXPECT_THAT(udp_exchange("127.99.51.2", 161, get_location),
                ::testing::HasSubstr("Pump Room B"));
    runtime.stop();
    EXPECT_TRUE(udp_bindable("127.99.51.2", 69));
    EXPECT_TRUE(udp_bindable("127.99.51.2", 161));
}

// The IP TTL of the reply to one datagram (IP_RECVTTL), or -1 when none came.
int reply_ttl(const std::string& ip, std::uint16_t port, const std::string& datagram) {
    const int fd = testing::connected_udp_socket(ip, port);
    const int on = 1;
    setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
    ::send(fd, datagram.data(), datagram.size(), 0);
    char buffer[2048];
    alignas(cmsghdr) char control[64];
    iovec iov{buffer, sizeof buffer};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    int ttl = -1;
    if (::recvmsg(fd, &msg, 0) > 0)
        for (auto* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL)
                std::memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
    ::close(fd);
    return ttl;
}

TEST(RuntimeUdp, RepliesCarryTheOsFamilysTtl) {
    EventBus bus;
    Runtime runtime(bus, {}, 1);
    runtime.start();
    auto windows = udp_decky("127.99.51.4");
    windows.nmap_os = "windows";
    runtime.add_decky(windows);
    runtime.add_decky([] {
        auto d = udp_decky("127.99.51.5");
        d.name = "u2";
        d.nmap_os = "linux";
        return d;
    }());
    EXPECT_EQ(reply_ttl("127.99.51.4", 161, kSnmpGet), 128);
    EXPECT_EQ(reply_ttl("127.99.51.5", 69, kRrq), 64);
    runtime.stop();
}

TEST(RuntimeUdp, APortTakenByAnotherSocketFailsTheDeckyCleanly) {
    EventBus bus;
    Runtime runtime(bus, {}, 1);
    runtime.start();
    const int fd = testing::bound_udp_socket("127.99.51.3", 161);
    ASSERT_GE(fd, 0);
    EXPECT_THROW(runtime.add_decky(udp_decky("127.99.51.3")), ConfigError);
    EXPECT_TRUE(runtime.deckies().empty());
    EXPECT_TRUE(udp_bindable("127.99.51.3", 69));  // tftp, bound first, was let go
    ::close(fd);
    runtime.stop();
}

}  // namespace
}  // namespace decnet::honeypot

namespace decnet::honeypot {
namespace {

// conpot's 161/udp is served_by snmp: conpot binds it (answering with the PLC) until the decky
// also runs snmp, which then takes the port over (on 127.206.1.0/24, the conpot subnet).
TEST(RuntimeUdp, ConpotHandsItsSnmpPortToTheSnmpService) {
    EventBus bus;
    Runtime runtime(bus, {}, 1);
    runtime.start();
    DeckyConfig plc;
    plc.name = "plc";
    plc.ip = "127.206.1.1";
    plc.hostname = "plc-07";
    plc.services = {"conpot"};
    plc.service_config["conpot"]["model"] = "s7-300";
    const auto service_on = [&](std::uint16_t port) {
        for (const auto& l : runtime.listeners())
            if (l.port == port && l.transport == "udp") return l.service;
        return std::string("<none>");
    };
    runtime.add_decky(plc);
    EXPECT_EQ(service_on(161), "conpot");
    EXPECT_EQ(service_on(47808), "conpot");
    EXPECT_THAT(udp_exchange(plc.ip, 161, kSnmpGet), ::testing::HasSubstr("plc-07"));
    ASSERT_TRUE(runtime.replace_services("plc", {"conpot", "snmp"}));
    EXPECT_EQ(service_on(161), "snmp");
    EXPECT_EQ(service_on(47808), "conpot");
    EXPECT_THAT(udp_exchange(plc.ip, 161, kSnmpGet), ::testing::HasSubstr("plc-07"));
    runtime.stop();
}

}  // namespace
}  // namespace decnet::honeypot
