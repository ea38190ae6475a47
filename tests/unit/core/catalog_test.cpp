// Catalogue counts and contents: services, archetypes, distros, hostnames, OS families.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "core/archetypes.hpp"
#include "core/distros.hpp"
#include "core/error.hpp"
#include "core/os_profiles.hpp"
#include "core/rng.hpp"
#include "core/service_catalog.hpp"

namespace decnet {
namespace {

using ::testing::ElementsAre;

TEST(ServiceCatalog, TwentySevenPerDeckyServicesPlusTheSniffer) {
    EXPECT_EQ(all_services().size(), 28u);
    const auto& slugs = per_decky_service_slugs();
    EXPECT_THAT(slugs, ElementsAre("conpot", "docker_api", "elasticsearch", "ftp", "http", "https",
                                   "imap", "k8s", "ldap", "llmnr", "mongodb", "mqtt", "mssql",
                                   "mysql", "pop3", "postgres", "rdp", "redis", "sip", "smb",
                                   "smtp", "smtp_relay", "snmp", "ssh", "telnet", "tftp", "vnc"));
    const auto* sniffer = find_service("sniffer");
    ASSERT_NE(sniffer, nullptr);
    EXPECT_TRUE(sniffer->fleet_wide);
    EXPECT_TRUE(sniffer->ports.empty());
}

TEST(ServiceCatalog, PortsAndTransports) {
    EXPECT_EQ(format_ports(*find_service("ssh")), "22/tcp");
    EXPECT_EQ(format_ports(*find_service("http")), "80/tcp, 443/tcp");
    EXPECT_EQ(format_ports(*find_service("smb")), "445/tcp, 139/tcp");
    EXPECT_EQ(format_ports(*find_service("snmp")), "161/udp");
    EXPECT_EQ(format_ports(*find_service("tftp")), "69/udp");
    EXPECT_EQ(format_ports(*find_service("sip")), "5060/udp, 5060/tcp");
    EXPECT_EQ(format_ports(*find_service("llmnr")), "5355/udp, 5353/udp");
    EXPECT_EQ(format_ports(*find_service("conpot")),
              "502/tcp, 102/tcp, 47808/udp, 161/udp, 80/tcp");
    EXPECT_EQ(format_ports(*find_service("docker_api")), "2375/tcp, 2376/tcp");
    EXPECT_EQ(format_ports(*find_service("mongodb")), "27017/tcp");
    for (const auto& s : all_services()) EXPECT_FALSE(s.description.empty()) << s.slug;
}

TEST(ServiceCatalog, PersonaKeysWithDefaults) {
    const auto* redis = find_service("redis");
    ASSERT_EQ(redis->persona.size(), 2u);
    EXPECT_EQ(redis->persona[0].key, "version");
    EXPECT_EQ(redis->persona[0].default_value, "7.2.7");
    const auto* http = find_service("http");
    EXPECT_EQ(http->persona[0].key, "server_header");
    EXPECT_EQ(http->persona[0].default_value, "Apache/2.4.54 (Debian)");
    EXPECT_EQ(find_service("https")->persona.size(), 10u);
    EXPECT_EQ(find_service("ssh")->persona[0].env, "SSH_ROOT_PASSWORD");
    EXPECT_EQ(find_service("nope"), nullptr);
}

TEST(Archetypes, FifteenSortedWithReferenceData) {
    const auto all = all_archetypes();
    ASSERT_EQ(all.size(), 15u);
    EXPECT_TRUE(std::is_sorted(all.begin(), all.end(),
                               [](const auto& a, const auto& b) { return a.slug < b.slug; }));
    const auto& devops = require_archetype("devops-host");
    EXPECT_THAT(devops.services, ElementsAre("docker_api", "ssh", "k8s"));
    EXPECT_THAT(devops.preferred_distros, ElementsAre("ubuntu22", "debian"));
    EXPECT_EQ(require_archetype("printer").nmap_os, "embedded");
    EXPECT_EQ(require_archetype("domain-controller").nmap_os, "windows");
    EXPECT_THAT(archetypes_using("rdp"),
                ElementsAre("domain-controller", "windows-server", "windows-workstation"));
    // Every archetype uses only known services and distros.
    for (const auto& a : all) {
        for (const auto& s : a.services) EXPECT_NE(find_service(s), nullptr) << a.slug << " " << s;
        for (const auto& d : a.preferred_distros) EXPECT_NE(find_distro(d), nullptr) << a.slug;
        EXPECT_TRUE(is_known_os_family(a.nmap_os)) << a.slug;
    }
}

TEST(Archetypes, UnknownSlugListsAvailable) {
    try {
        require_archetype("nonexistent_arch");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.what(),
                    ::testing::StartsWith("Unknown archetype 'nonexistent_arch'. Available: "
                                          "database-server, deaddeck,"));
    }
}

TEST(Distros, NineInReferenceOrderWithAptCompatibleBuildBases) {
    const auto all = all_distros();
    ASSERT_EQ(all.size(), 9u);
    std::vector<std::string> images;
    for (const auto& d : all) images.emplace_back(d.image);
    EXPECT_THAT(images, ElementsAre("debian:bookworm-slim", "ubuntu:22.04", "ubuntu:20.04",
                                    "rockylinux:9-minimal", "centos:7", "alpine:3.19", "fedora:39",
                                    "kalilinux/kali-rolling", "archlinux:latest"));
    const std::set<std::string> apt = {"debian:bookworm-slim", "ubuntu:22.04", "ubuntu:20.04",
                                       "kalilinux/kali-rolling"};
    for (const auto& d : all) EXPECT_TRUE(apt.contains(std::string(d.build_base))) << d.slug;
    EXPECT_EQ(require_distro("debian").display_name, "Debian 12 (Bookworm)");
    try {
        require_distro("nonexistent_distro");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(),
                     "Unknown distro 'nonexistent_distro'. Available: alpine, arch, centos7, "
                     "debian, fedora, kali, rocky9, ubuntu20, ubuntu22");
    }
}

TEST(Hostnames, StylesMatchTheReferencePatterns) {
    Rng rng(7);
    const std::regex generic("^SRV-[A-Z]+-[1-9][0-9]$");
    const std::regex rhel("^[a-z]+[1-9][0-9]\\.localdomain$");
    const std::regex minimal("^[a-z]+-[1-9][0-9]$");
    const std::regex rolling("^[a-z]+-[a-z]+$");
    for (int i = 0; i < 200; ++i) {
        EXPECT_TRUE(std::regex_match(random_hostname("debian", rng), generic));
        EXPECT_TRUE(std::regex_match(random_hostname("ubuntu20", rng), generic));
        EXPECT_TRUE(std::regex_match(random_hostname("rocky9", rng), rhel));
        EXPECT_TRUE(std::regex_match(random_hostname("fedora", rng), rhel));
        EXPECT_TRUE(std::regex_match(random_hostname("alpine", rng), minimal));
        EXPECT_TRUE(std::regex_match(random_hostname("kali", rng), rolling));
        EXPECT_TRUE(std::regex_match(random_hostname("unknown", rng), generic));
    }
}

TEST(Hostnames, SameSeedSameNames) {
    Rng a(42), b(42);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(random_hostname("arch", a), random_hostname("arch", b));
}

TEST(OsProfiles, ReferenceSysctlTable) {
    const auto all = all_os_profiles();
    ASSERT_EQ(all.size(), 5u);
    std::vector<std::string> families;
    for (const auto& p : all) families.emplace_back(p.family);
    EXPECT_THAT(families, ElementsAre("linux", "windows", "bsd", "embedded", "cisco"));

    using Row = std::vector<std::string>;
    const std::vector<std::pair<std::string, Row>> expected = {
        {"net.ipv4.ip_default_ttl", {"64", "128", "64", "255", "255"}},
        {"net.ipv4.tcp_syn_retries", {"6", "2", "6", "3", "2"}},
        {"net.ipv4.tcp_timestamps", {"1", "0", "1", "0", "0"}},
        {"net.ipv4.tcp_window_scaling", {"1", "1", "1", "0", "0"}},
        {"net.ipv4.tcp_sack", {"1", "1", "1", "0", "0"}},
        {"net.ipv4.tcp_ecn", {"2", "0", "0", "0", "0"}},
        {"net.ipv4.ip_no_pmtu_disc", {"0", "0", "0", "1", "1"}},
        {"net.ipv4.tcp_fin_timeout", {"60", "30", "60", "15", "15"}},
        {"net.ipv4.icmp_ratelimit", {"1000", "0", "250", "0", "0"}},
        {"net.ipv4.icmp_ratemask", {"6168", "0", "6168", "0", "0"}},
    };
    for (std::size_t f = 0; f < all.size(); ++f) {
        const auto sysctls = all[f].sysctls();
        ASSERT_EQ(sysctls.size(), 10u);
        for (std::size_t k = 0; k < expected.size(); ++k) {
            EXPECT_EQ(sysctls[k].first, expected[k].first);
            EXPECT_EQ(sysctls[k].second, expected[k].second[f])
                << families[f] << " " << sysctls[k].first;
        }
    }
}

TEST(OsProfiles, UnknownFamilyIsLinux) {
    EXPECT_EQ(os_profile("solaris").family, "linux");
    EXPECT_EQ(os_profile("windows").ttl, 128);
    EXPECT_FALSE(is_known_os_family("solaris"));
    EXPECT_GT(os_profile("windows").initial_window, 0);
}

TEST(Rng, BoundsAndSamples) {
    Rng rng(1);
    std::set<int> seen;
    for (int i = 0; i < 2000; ++i) {
        const int v = rng.between(10, 99);
        ASSERT_GE(v, 10);
        ASSERT_LE(v, 99);
        seen.insert(v);
    }
    EXPECT_EQ(seen.size(), 90u);
    const auto sample = rng.sample(std::vector<int>{1, 2, 3, 4, 5}, 3);
    EXPECT_EQ(sample.size(), 3u);
    EXPECT_EQ(std::set<int>(sample.begin(), sample.end()).size(), 3u);
    EXPECT_EQ(rng.sample(std::vector<int>{1, 2}, 5).size(), 2u);
}

}  // namespace
}  // namespace decnet
