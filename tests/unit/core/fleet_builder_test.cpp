// Fleet building from flags and from INI specs: engine.md §3.5, §6.1 and checks 41–52.
#include "core/fleet_builder.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "core/error.hpp"
#include "core/ini_loader.hpp"
#include "core/rng.hpp"
#include "core/service_catalog.hpp"

namespace decnet {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<Ipv4> ips(const std::string& subnet, std::size_t n) {
    return allocate_ips(Subnet::parse(subnet), {}, n);
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

TEST(BuildDeckies, ExplicitServicesForEveryDecky) {
    Rng rng(1);
    FlagFleetRequest r;
    r.ips = ips("192.168.1.0/24", 2);
    r.services = std::vector<std::string>{"ssh", "ftp"};
    r.now = 1000.0;
    const auto d = build_deckies(r, rng);
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].name, "decky-01");
    EXPECT_EQ(d[1].name, "decky-02");
    EXPECT_THAT(d[0].services, ElementsAre("ssh", "ftp"));
    EXPECT_THAT(d[1].services, ElementsAre("ssh", "ftp"));
    EXPECT_EQ(d[0].nmap_os, "linux");
    EXPECT_EQ(d[0].last_mutated, 1000.0);  // D5: deploy time, not 0
    EXPECT_EQ(d[0].ip, "192.168.1.1");
}

TEST(BuildDeckies, DistrosCycleInReferenceOrder) {
    Rng rng(1);
    FlagFleetRequest r;
    r.ips = ips("10.0.0.0/24", 11);
    r.services = std::vector<std::string>{"ssh"};
    const auto d = build_deckies(r, rng);
    std::vector<std::string> distros;
    for (const auto& x : d) distros.push_back(x.distro);
    EXPECT_THAT(distros, ElementsAre("debian", "ubuntu22", "ubuntu20", "rocky9", "centos7",
                                     "alpine", "fedora", "kali", "arch", "debian", "ubuntu22"));
    EXPECT_EQ(d[3].base_image, "rockylinux:9-minimal");
    EXPECT_EQ(d[3].build_base, "debian:bookworm-slim");
    EXPECT_EQ(d[7].build_base, "kalilinux/kali-rolling");
}

TEST(BuildDeckies, ExplicitDistrosOverrideArchetype) {
    Rng rng(1);
    FlagFleetRequest r;
    r.ips = ips("10.0.0.0/24", 3);
    r.distros = {"debian", "ubuntu22"};
    r.archetype = "iot-device";
    const auto d = build_deckies(r, rng);
    EXPECT_EQ(d[0].distro, "debian");
    EXPECT_EQ(d[1].distro, "ubuntu22");
    EXPECT_EQ(d[2].distro, "debian");
    EXPECT_THAT(d[0].services, ElementsAre("mqtt", "snmp", "telnet"));
    EXPECT_EQ(d[0].nmap_os, "embedded");
    EXPECT_EQ(d[0].archetype, "iot-device");
}

TEST(BuildDeckies, ArchetypeDistrosAndOs) {
    Rng rng(1);
    FlagFleetRequest r;
    r.ips = ips("10.0.0.0/24", 2);
    r.archetype = "windows-workstation";
    const auto d = build_deckies(r, rng);
    EXPECT_THAT(d[1].services, ElementsAre("smb", "rdp"));
    EXPECT_EQ(d[0].distro, "debian");
    EXPECT_EQ(d[1].distro, "ubuntu22");
    EXPECT_EQ(d[1].nmap_os, "windows");
}

TEST(BuildDeckies, RandomServicesAreVariedAndNeverTheSniffer) {
    Rng rng(3);
    FlagFleetRequest r;
    r.ips = ips("10.0.0.0/16", 200);
    r.randomize_services = true;
    const auto d = build_deckies(r, rng);
    std::set<std::set<std::string>> sets;
    bool outside_common = false;
    const std::set<std::string> common = {"ssh", "smb", "rdp", "http", "ftp"};
    for (const auto& x : d) {
        ASSERT_GE(x.services.size(), 1u);
        ASSERT_LE(x.services.size(), 3u);
        for (const auto& s : x.services) {
            EXPECT_NE(s, "sniffer");
            EXPECT_NE(find_service(s), nullptr);
            outside_common |= !common.contains(s);
        }
        sets.emplace(x.services.begin(), x.services.end());
    }
    EXPECT_TRUE(outside_common);
    EXPECT_EQ(sets.size(), d.size());  // redraws keep sets distinct while they can
}

TEST(BuildDeckies, RandomServicesNeverShareAPort) {
    // smtp and smtp_relay both listen on 25: drawn together, the decky would not start.
    EXPECT_TRUE(services_share_a_port({"smtp", "smtp_relay"}));
    EXPECT_FALSE(services_share_a_port({"smtp", "ssh", "http"}));
    EXPECT_FALSE(services_share_a_port({"conpot", "snmp", "http"}));  // snmp and http take theirs
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        Rng rng(seed);
        FlagFleetRequest r;
        r.ips = ips("10.0.0.0/16", 300);
        r.randomize_services = true;
        for (const auto& x : build_deckies(r, rng))
            EXPECT_FALSE(services_share_a_port(x.services)) << x.name;
    }
    // Asked for explicitly, the pair is refused before anything starts.
    Rng rng(1);
    FlagFleetRequest r;
    r.ips = ips("10.0.0.0/24", 1);
    r.services = std::vector<std::string>{"ssh", "smtp", "smtp_relay"};
    EXPECT_EQ(error_of([&] { build_deckies(r, rng); }),
              "smtp and smtp_relay both listen on 25/tcp, 587/tcp, 465/tcp: a decky can run only "
              "one of them.");
}

TEST(BuildDeckies, ValidationMessages) {
    Rng rng(1);
    FlagFleetRequest r;
    r.ips = ips("10.0.0.0/24", 1);
    EXPECT_EQ(error_of([&] { build_deckies(r, rng); }),
              "Specify --services, --archetype, or --randomize-services.");
    r.services = std::vector<std::string>{"ssh", "bogus"};
    EXPECT_THAT(error_of([&] { build_deckies(r, rng); }),
                ::testing::StartsWith("Unknown service(s): ['bogus']. Available: ['conpot', "
                                      "'docker_api', "));
    r.services = std::vector<std::string>{"sniffer"};
    EXPECT_THAT(error_of([&] { build_deckies(r, rng); }),
                ::testing::StartsWith("Unknown service(s): ['sniffer']."));
    r.services = std::vector<std::string>{"ssh"};
    r.distros = {"nonexistent_distro"};
    EXPECT_THAT(
        error_of([&] { build_deckies(r, rng); }),
        ::testing::StartsWith("Unknown distro 'nonexistent_distro'. Available: alpine, arch"));
}

DeckySpec spec(const std::string& name) {
    DeckySpec s;
    s.name = name;
    s.line = 1;
    return s;
}

IniFleetRequest lan(const std::string& subnet, const std::string& gw, const std::string& host) {
    return {Subnet::parse(subnet), {Ipv4::parse(gw), Ipv4::parse(host)}, false, std::nullopt, 5.0};
}

TEST(BuildDeckiesFromIni, AnOperatorHostnameReplacesTheDrawnOneAndNothingElseMoves) {
    IniConfig ini;
    ini.deckies = {spec("a"), spec("b")};
    Rng drawn_rng(3);
    const auto drawn =
        build_deckies_from_ini(ini, lan("10.0.0.0/24", "10.0.0.1", "10.0.0.2"), drawn_rng);
    ini.deckies[0].hostname = "FS01";
    Rng named_rng(3);
    const auto named =
        build_deckies_from_ini(ini, lan("10.0.0.0/24", "10.0.0.1", "10.0.0.2"), named_rng);
    EXPECT_EQ(named[0].hostname, "FS01");
    EXPECT_EQ(named[1].hostname, drawn[1].hostname);  // the seeded draws are unchanged
    EXPECT_EQ(named[0].services, drawn[0].services);
    EXPECT_EQ(named[1].services, drawn[1].services);
}

TEST(BuildDeckiesFromIni, AnOperatorDistroIsKeptAndAnUnknownOneNamed) {
    IniConfig ini;
    ini.deckies = {spec("a"), spec("b")};
    ini.deckies[1].distro = "rocky9";
    Rng rng(3);
    const auto built = build_deckies_from_ini(ini, lan("10.0.0.0/24", "10.0.0.1", "10.0.0.2"), rng);
    EXPECT_EQ(built[0].distro, "debian");  // by position, as the reference
    EXPECT_EQ(built[1].distro, "rocky9");
    ini.deckies[1].distro = "windows95";
    Rng again(3);
    EXPECT_THAT(error_of([&] {
                    build_deckies_from_ini(ini, lan("10.0.0.0/24", "10.0.0.1", "10.0.0.2"), again);
                }),
                ::testing::StartsWith("[b] distro=: Unknown distro 'windows95'."));
}

TEST(BuildDeckiesFromIni, ReferenceWorkedExample) {
    IniConfig ini;
    auto a = spec("a");
    a.services = std::vector<std::string>{"ssh"};
    auto b = spec("b");
    b.services = std::vector<std::string>{"http"};
    b.ip = "192.168.1.3";
    ini.deckies = {a, b};
    for (int i = 1; i <= 3; ++i) {
        auto g = spec("g-0" + std::to_string(i));
        g.archetype = "windows-workstation";
        ini.deckies.push_back(g);
    }
    auto c = spec("c");
    c.archetype = "printer";
    c.nmap_os = "cisco";
    auto d = spec("d");
    d.services = std::vector<std::string>{"ssh"};
    d.mutate_interval = 7;
    ini.deckies.push_back(c);
    ini.deckies.push_back(d);

    Rng rng(1);
    auto request = lan("192.168.1.0/24", "192.168.1.1", "192.168.1.2");
    const auto out = build_deckies_from_ini(ini, request, rng);
    ASSERT_EQ(out.size(), 7u);
    const std::vector<std::string> want_ips = {".4", ".3", ".5", ".6", ".7", ".8", ".9"};
    const std::vector<std::string> want_distros = {"debian", "ubuntu22", "debian", "ubuntu22",
                                                   "debian", "debian",   "fedora"};
    const std::vector<std::string> want_os = {"linux",   "linux", "windows", "windows",
                                              "windows", "cisco", "linux"};
    for (std::size_t i = 0; i < out.size(); ++i) {
        EXPECT_EQ(out[i].ip, "192.168.1" + want_ips[i]) << out[i].name;
        EXPECT_EQ(out[i].distro, want_distros[i]) << out[i].name;
        EXPECT_EQ(out[i].nmap_os, want_os[i]) << out[i].name;
        EXPECT_EQ(out[i].last_mutated, 5.0);
    }
    EXPECT_THAT(out[2].services, ElementsAre("smb", "rdp"));
    EXPECT_THAT(out[5].services, ElementsAre("snmp", "ftp"));
    EXPECT_EQ(out[6].mutate_interval, 7);
    EXPECT_EQ(out[0].mutate_interval, std::nullopt);

    // An explicit CLI interval wins over every decky's own (the user asked for it).
    request.cli_mutate_interval = 30;
    Rng rng2(1);
    for (const auto& x : build_deckies_from_ini(ini, request, rng2))
        EXPECT_EQ(x.mutate_interval, 30);
}

TEST(BuildDeckiesFromIni, PoolExhaustionNamesTheDecky) {
    IniConfig ini;
    ini.source = "fleet.ini";
    for (const char* n : {"a", "b", "c", "d"}) {
        auto s = spec(n);
        s.services = std::vector<std::string>{"ssh"};
        if (std::string(n) == "b") s.ip = "10.0.0.4";
        ini.deckies.push_back(s);
    }
    Rng rng(1);
    const auto out = build_deckies_from_ini(ini, lan("10.0.0.0/29", "10.0.0.1", "10.0.0.2"), rng);
    EXPECT_EQ(out[0].ip, "10.0.0.3");
    EXPECT_EQ(out[1].ip, "10.0.0.4");
    EXPECT_EQ(out[2].ip, "10.0.0.5");
    EXPECT_EQ(out[3].ip, "10.0.0.6");

    auto e = spec("e");
    e.line = 17;
    e.services = std::vector<std::string>{"ssh"};
    ini.deckies.push_back(e);
    try {
        build_deckies_from_ini(ini, lan("10.0.0.0/29", "10.0.0.1", "10.0.0.2"), rng);
        FAIL();
    } catch (const ConfigError& err) {
        EXPECT_STREQ(err.what(), "Not enough free IPs in 10.0.0.0/29 while assigning IP for 'e'.");
        EXPECT_EQ(err.located(),
                  "fleet.ini:17: Not enough free IPs in 10.0.0.0/29 while assigning IP for 'e'.");
    }
}

TEST(BuildDeckiesFromIni, UnknownServicesNameTheSection) {
    IniConfig ini;
    auto a = spec("a");
    a.services = std::vector<std::string>{"ssh # comment"};
    ini.deckies = {a};
    Rng rng(1);
    const auto request = lan("10.0.0.0/24", "10.0.0.1", "10.0.0.2");
    EXPECT_THAT(
        error_of([&] { build_deckies_from_ini(ini, request, rng); }),
        ::testing::StartsWith("Unknown service(s) in [a]: ['ssh # comment']. Available: ["));
    ini.deckies[0].services = std::vector<std::string>{"ssh", ""};
    EXPECT_THAT(error_of([&] { build_deckies_from_ini(ini, request, rng); }),
                ::testing::StartsWith("Unknown service(s) in [a]: ['']. Available: ["));
}

// Deckies are checked one by one in file order: a bad service in the first decky is
// reported before a bad address in the second, and the other way round.
TEST(BuildDeckiesFromIni, ProblemsComeOutInFileOrder) {
    const auto request = lan("10.0.0.0/24", "10.0.0.1", "10.0.0.2");
    IniConfig ini;
    ini.source = "fleet.ini";
    auto a = spec("a");
    a.line = 3;
    a.services = std::vector<std::string>{"bogus"};
    auto b = spec("b");
    b.line = 6;
    b.services = std::vector<std::string>{"ssh"};
    b.ip = "192.168.9.9";
    ini.deckies = {a, b};
    Rng rng(1);
    try {
        build_deckies_from_ini(ini, request, rng);
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.located(), ::testing::StartsWith("fleet.ini:3: Unknown service(s) in [a]"));
    }
    std::swap(ini.deckies[0].line, ini.deckies[1].line);
    std::swap(ini.deckies[0], ini.deckies[1]);
    try {
        build_deckies_from_ini(ini, request, rng);
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.located(),
                  "fleet.ini:3: [b] ip=192.168.9.9 is outside the subnet 10.0.0.0/24.");
    }
}

TEST(CheckDeckySpec, NeedsNoNetwork) {
    auto a = spec("a");
    EXPECT_EQ(error_of([&] { check_decky_spec(a, {}); }), "no error");
    a.services = std::vector<std::string>{"myapp", "ssh"};
    EXPECT_THAT(error_of([&] { check_decky_spec(a, {}); }),
                ::testing::StartsWith("Unknown service(s) in [a]: ['myapp']. Available: ["));
    EXPECT_EQ(error_of([&] { check_decky_spec(a, {"myapp"}); }), "no error");
    a.ip = "10.0.0.300";
    EXPECT_EQ(error_of([&] { check_decky_spec(a, {"myapp"}); }),
              "[a] ip=: Octet 300 (> 255) not permitted in '10.0.0.300'");
    a.archetype = "nope";
    EXPECT_THAT(error_of([&] { check_decky_spec(a, {"myapp"}); }),
                ::testing::StartsWith("Unknown archetype 'nope'. Available: "));
}

TEST(BuildDeckiesFromIni, CustomServicesAreAccepted) {
    IniConfig ini;
    ini.custom_services.push_back({"myapp", "my-image:latest", "/usr/bin/myapp", {8080}});
    auto a = spec("a");
    a.services = std::vector<std::string>{"myapp", "ssh"};
    ini.deckies = {a};
    Rng rng(1);
    const auto out = build_deckies_from_ini(ini, lan("10.0.0.0/24", "10.0.0.1", "10.0.0.2"), rng);
    EXPECT_THAT(out[0].services, ElementsAre("myapp", "ssh"));
}

TEST(BuildDeckiesFromIni, RandomWhenNothingGiven) {
    IniConfig ini;
    ini.deckies = {spec("a"), spec("b"), spec("c")};
    Rng rng(9);
    for (const auto& d :
         build_deckies_from_ini(ini, lan("10.0.0.0/24", "10.0.0.1", "10.0.0.2"), rng)) {
        EXPECT_GE(d.services.size(), 1u);
        EXPECT_LE(d.services.size(), 3u);
        for (const auto& s : d.services) EXPECT_NE(s, "sniffer");
    }
}

TEST(BuildDeckiesFromIni, StaticIpsAreValidated) {
    const auto request = lan("10.0.0.0/24", "10.0.0.1", "10.0.0.2");
    const auto attempt = [&](std::vector<std::pair<std::string, std::string>> deckies) {
        IniConfig ini;
        for (auto& [name, ip] : deckies) {
            auto s = spec(name);
            s.services = std::vector<std::string>{"ssh"};
            s.ip = ip;
            ini.deckies.push_back(s);
        }
        Rng rng(1);
        return error_of([&] { build_deckies_from_ini(ini, request, rng); });
    };
    EXPECT_EQ(attempt({{"a", "192.168.9.9"}}),
              "[a] ip=192.168.9.9 is outside the subnet 10.0.0.0/24.");
    EXPECT_EQ(attempt({{"a", "10.0.0.1"}}), "[a] ip=10.0.0.1 is the gateway address.");
    EXPECT_EQ(attempt({{"a", "10.0.0.2"}}), "[a] ip=10.0.0.2 is this host's own address.");
    EXPECT_EQ(attempt({{"a", "10.0.0.255"}}),
              "[a] ip=10.0.0.255 is the network or broadcast address of 10.0.0.0/24.");
    EXPECT_EQ(attempt({{"a", "10.0.0.9"}, {"b", "10.0.0.9"}}),
              "[b] ip=10.0.0.9 is already used by another decky.");
    EXPECT_EQ(attempt({{"a", "abc"}}), "[a] ip=: Expected 4 octets in 'abc'");
}

}  // namespace
}  // namespace decnet
