// netns mode's pure parts: namespace and link names, per-decky MACs and their vendors,
// option parsing, and the record of created objects (no namespace is touched here).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "core/error.hpp"
#include "core/os_profiles.hpp"
#include "engine/netns/created_objects.hpp"
#include "engine/netns/decky_network.hpp"
#include "engine/netns/mac_address.hpp"
#include "engine/netns/names.hpp"
#include "engine/netns/namespace_sysctls.hpp"

namespace decnet::engine::netns {
namespace {

using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::MatchesRegex;
using ::testing::Pair;
using ::testing::StartsWith;

std::string oui_of(const std::string& mac) {
    return mac.substr(0, 8);
}

TEST(NetnsNames, NamespaceIsPrefixedDeckyName) {
    EXPECT_EQ(namespace_name("decky-01"), "dn-decky-01");
    EXPECT_TRUE(is_decnet_namespace_name("dn-decky-01"));
    EXPECT_FALSE(is_decnet_namespace_name("decky-01"));
    EXPECT_FALSE(is_decnet_namespace_name("dn-a/b"));
}

TEST(NetnsNames, LongNamesAreBoundedAndStayDistinct) {
    const std::string a(128, 'a');
    const std::string b = std::string(127, 'a') + "b";
    EXPECT_LE(namespace_name(a).size(), kMaxNamespaceName);
    EXPECT_NE(namespace_name(a), namespace_name(b));
    EXPECT_TRUE(is_decnet_namespace_name(namespace_name(a)));
    EXPECT_EQ(namespace_name(a), namespace_name(a));
}

TEST(NetnsNames, LinkNamesFitIfnamsizAndAreStable) {
    for (const char* d : {"decky-01", "a", "a-very-long-decky-name-that-goes-on.and.on"}) {
        EXPECT_LE(host_link_name(d).size(), kMaxInterfaceName);
        EXPECT_TRUE(valid_interface_name(host_link_name(d)));
        EXPECT_TRUE(valid_interface_name(peer_link_name(d)));
        EXPECT_THAT(host_link_name(d), MatchesRegex("dnv[0-9a-f]{8}"));
        EXPECT_EQ(host_link_name(d), host_link_name(d));
    }
    EXPECT_NE(host_link_name("decky-01"), host_link_name("decky-02"));
    // FNV-1a 64 reference value: the hash must never change between builds.
    EXPECT_EQ(stable_hash(""), 0xcbf29ce484222325ull);
    EXPECT_EQ(stable_hash("a"), 0xaf63dc4c8601ec8cull);
}

TEST(NetnsNames, InterfaceNameValidation) {
    EXPECT_TRUE(valid_interface_name("decnet0"));
    EXPECT_TRUE(valid_interface_name("br-lan.10"));
    EXPECT_FALSE(valid_interface_name(""));
    EXPECT_FALSE(valid_interface_name("sixteen-chars-xx"));
    EXPECT_FALSE(valid_interface_name("eth0;reboot"));
    EXPECT_FALSE(valid_interface_name(".."));
}

TEST(NetnsMac, VendorFitsTheArchetype) {
    const auto printer = decky_mac("printer-01", "printer", "embedded");
    EXPECT_THAT(oui_of(printer.mac), AnyOf("00:80:77", "00:00:85", "00:26:ab"));
    const auto desktop = decky_mac("ws-01", "windows-workstation", "windows");
    EXPECT_THAT(std::string(desktop.vendor), AnyOf("Dell", "Hewlett Packard"));
    const auto server = decky_mac("srv-01", "linux-server", "linux");
    EXPECT_THAT(std::string(server.vendor), AnyOf("Super Micro Computer", "Dell"));
    const auto camera = decky_mac("cam-01", "iot-device", "embedded");
    EXPECT_THAT(oui_of(camera.mac), AnyOf("44:19:b6", "b8:27:eb", "24:0a:c4"));
    const auto ics = decky_mac("plc-01", "industrial-control", "embedded");
    EXPECT_THAT(std::string(ics.vendor), AnyOf("Siemens", "Rockwell Automation"));
}

TEST(NetnsMac, WithoutArchetypeTheOsFamilyDecides) {
    EXPECT_EQ(oui_of(decky_mac("r1", std::nullopt, "cisco").mac), "00:00:0c");
    EXPECT_THAT(std::string(decky_mac("w1", std::nullopt, "windows").vendor),
                AnyOf("Dell", "Hewlett Packard"));
    EXPECT_FALSE(vendor_ouis("no-such-archetype", "no-such-family").empty());
}

TEST(NetnsMac, StableAcrossCallsDistinctAcrossDeckies) {
    const auto a = decky_mac("decky-01", "web-server", "linux");
    EXPECT_EQ(a.mac, decky_mac("decky-01", "web-server", "linux").mac);
    EXPECT_THAT(a.mac, MatchesRegex("([0-9a-f]{2}:){5}[0-9a-f]{2}"));
    std::set<std::string> macs;
    for (int i = 0; i < 500; ++i)
        macs.insert(decky_mac("decky-" + std::to_string(i), "web-server", "linux").mac);
    EXPECT_EQ(macs.size(), 500u);
    EXPECT_NE(decky_mac("decky-01", "web-server", "linux", 1).mac, a.mac);
    // Unicast, globally administered: what a real NIC has.
    const auto first = std::stoi(a.mac.substr(0, 2), nullptr, 16);
    EXPECT_EQ(first & 0x03, 0);
}

TEST(NetnsOptions, AttachModesAndValidation) {
    DeploymentConfig config;
    config.interface = "enp3s0";
    EXPECT_EQ(netns_options(std::nullopt, std::nullopt, config).attach, Attach::bridge);
    EXPECT_EQ(netns_options(std::nullopt, std::nullopt, config).bridge, "decnet0");
    EXPECT_EQ(netns_options(std::string("macvlan"), std::nullopt, config).parent, "enp3s0");
    EXPECT_EQ(netns_options(std::nullopt, std::string("br-lan"), config).bridge, "br-lan");
    EXPECT_THROW(netns_options(std::string("vxlan"), std::nullopt, config), ConfigError);
    EXPECT_THROW(netns_options(std::nullopt, std::string("bad name!"), config), ConfigError);
    config.ipvlan = true;
    EXPECT_EQ(netns_options(std::nullopt, std::nullopt, config).attach, Attach::ipvlan);
    EXPECT_THROW(netns_options(std::string("macvlan"), std::nullopt, config), ConfigError);
}

TEST(NetnsSysctls, FamilyValuesPlusSocketBuffers) {
    const auto windows = namespace_sysctls(os_profile("windows"));
    EXPECT_THAT(windows, Contains(Pair("net.ipv4.ip_default_ttl", "128")));
    EXPECT_THAT(windows, Contains(Pair("net.ipv4.tcp_timestamps", "0")));
    EXPECT_THAT(windows, Contains(Pair("net.ipv4.tcp_rmem", "4096 65536 4194304")));
    EXPECT_THAT(namespace_sysctls(os_profile("linux")),
                Contains(Pair("net.ipv4.ip_default_ttl", "64")));
}

TEST(NetnsRecord, CreatedObjectsAreRecordedInOrderAndForeignLinesIgnored) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("netns-record-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = record_path(dir.string());
    std::filesystem::remove(path);
    {
        CreatedObjects created(path);
        created.add({CreatedObject::Kind::bridge, "decnet0", {}});
        created.add({CreatedObject::Kind::netns, "dn-decky-01", {}});
        created.add({CreatedObject::Kind::link, host_link_name("decky-01"), {}});
        created.add({CreatedObject::Kind::namespace_link, "eth0", "dn-decky-01"});
    }
    {
        std::FILE* f = std::fopen(path.c_str(), "a");
        std::fputs("netns not-ours\nlink eth0;reboot\ngarbage\n", f);
        std::fclose(f);
    }
    const auto objects = CreatedObjects::read_record(path);
    ASSERT_EQ(objects.size(), 4u);
    EXPECT_EQ(objects[0].kind, CreatedObject::Kind::bridge);
    EXPECT_EQ(objects[1].name, "dn-decky-01");
    EXPECT_THAT(objects[2].name, StartsWith("dnv"));
    EXPECT_EQ(objects[3].namespace_name, "dn-decky-01");
    std::filesystem::remove_all(dir);
}

TEST(NetnsRecord, RemovingOneDeckysObjectsRewritesTheRecordWithoutThem) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("netns-record-one-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = record_path(dir.string());
    std::filesystem::remove(path);
    // Names no host has: removing them is a failed `ip … del`, tolerated (already gone).
    CreatedObjects created(path);
    created.add({CreatedObject::Kind::netns, "dn-dntu-keep", {}});
    created.add({CreatedObject::Kind::netns, "dn-dntu-gone", {}});
    created.add({CreatedObject::Kind::namespace_link, "eth0", "dn-dntu-gone"});
    EXPECT_EQ(created.remove_if([](const CreatedObject& o) {
        return o.name == "dn-dntu-gone" || o.namespace_name == "dn-dntu-gone";
    }),
              0u);
    const auto objects = CreatedObjects::read_record(path);
    ASSERT_EQ(objects.size(), 1u);
    EXPECT_EQ(objects[0].name, "dn-dntu-keep");
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    EXPECT_FALSE(created.empty());
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace decnet::engine::netns
