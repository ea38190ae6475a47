// The prober's pure parts: address policy, frequency limits, JARM (hello bytes, answer
// reading and hash, against values from tests/integration/jarm_reference.py, an
// independent implementation of the public definition) and the SYN-ACK parser.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <span>

#include "core/error.hpp"
#include "events/event.hpp"
#include "intel/prober/jarm.hpp"
#include "intel/prober/policy.hpp"
#include "intel/prober/prober.hpp"
#include "intel/prober/prober_config.hpp"
#include "intel/prober/tcpfp.hpp"

namespace decnet::intel::prober {
namespace {

using namespace std::chrono_literals;

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
    return to_hex(std::span(digest, len));
}

std::string unhex(std::string_view hex) {
    std::string out(hex.size() / 2, '\0');
    EXPECT_TRUE(from_hex(hex, std::span(reinterpret_cast<std::uint8_t*>(out.data()), out.size())));
    return out;
}

TEST(ProberPolicy, BuiltInDeniesAndPublicAllowed) {
    const TargetPolicy policy(ProberSettings{});
    for (const char* ip : {"127.0.0.1", "127.204.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.1",
                           "192.168.1.1", "169.254.1.1", "224.0.0.251", "239.1.1.1", "100.64.0.1",
                           "0.1.2.3", "240.0.0.1", "255.255.255.255"})
        EXPECT_FALSE(policy.decide(ip).allowed) << ip;
    for (const char* ip : {"8.8.8.8", "203.0.113.7", "172.32.0.1", "100.128.0.1"})
        EXPECT_TRUE(policy.decide(ip).allowed) << ip;
    EXPECT_EQ(policy.decide("127.0.0.1").reason, "loopback 127.0.0.0/8");
    EXPECT_FALSE(policy.decide("::1").allowed);
    EXPECT_FALSE(policy.decide("2001:db8::1").allowed);
    EXPECT_FALSE(policy.decide("not an ip").allowed);
}

TEST(ProberPolicy, AllowOverridesBuiltInDenyAndDenyOverridesAllow) {
    ProberSettings s;
    s.allow = {"127.204.0.0/16"};
    s.deny = {"127.204.9.0/24", "8.8.8.8"};
    s.own_networks = {"203.0.113.0/24"};
    const TargetPolicy policy(s);
    EXPECT_TRUE(policy.decide("127.204.0.5").allowed);
    EXPECT_FALSE(policy.decide("127.0.0.1").allowed);
    EXPECT_FALSE(policy.decide("127.204.9.1").allowed);
    EXPECT_EQ(policy.decide("127.204.9.1").reason, "denied by deny list 127.204.9.0/24");
    EXPECT_FALSE(policy.decide("8.8.8.8").allowed);
    EXPECT_FALSE(policy.decide("203.0.113.7").allowed);
    EXPECT_EQ(policy.decide("203.0.113.7").reason, "own network 203.0.113.0/24");
    s.allow.push_back("203.0.113.7/32");
    EXPECT_TRUE(TargetPolicy(s).decide("203.0.113.7").allowed);
}

TEST(ProberPolicy, BadCidrIsAConfigError) {
    ProberSettings s;
    s.allow = {"300.1.1.1/8"};
    EXPECT_THROW(TargetPolicy{s}, ConfigError);
}

TEST(ProberGovernor, OncePerTtlAndBudgetPerTarget) {
    ProberSettings s;
    s.ttl = 60s;
    s.target_budget = 3;
    ProbeGovernor g(s);
    const SteadyTime t0{};
    EXPECT_EQ(g.admit("1.1.1.1", ProbeKind::jarm, 443, t0), Admission::admitted);
    EXPECT_EQ(g.admit("1.1.1.1", ProbeKind::jarm, 443, t0 + 1s), Admission::repeat);
    EXPECT_EQ(g.admit("1.1.1.1", ProbeKind::hassh, 443, t0 + 1s), Admission::admitted);
    EXPECT_EQ(g.admit("1.1.1.1", ProbeKind::jarm, 8443, t0 + 1s), Admission::admitted);
    EXPECT_EQ(g.admit("1.1.1.1", ProbeKind::jarm, 9443, t0 + 1s), Admission::over_budget);
    EXPECT_EQ(g.admit("2.2.2.2", ProbeKind::jarm, 443, t0 + 1s), Admission::admitted);
    // After the TTL the same probe may run again, with a fresh budget.
    EXPECT_EQ(g.admit("1.1.1.1", ProbeKind::jarm, 443, t0 + 62s), Admission::admitted);
}

TEST(ProberGovernor, MemoryIsBounded) {
    ProberSettings s;
    s.max_tracked = 100;
    ProbeGovernor g(s);
    for (int i = 0; i < 10000; ++i)
        g.admit("9.9." + std::to_string(i / 256) + "." + std::to_string(i % 256), ProbeKind::tcpfp,
                80, SteadyTime{} + std::chrono::seconds(i));
    EXPECT_LE(g.tracked(), 100u);
}

TEST(ProberGovernor, GlobalRateIsATokenBucket) {
    ProberSettings s;
    s.rate_per_second = 2;
    s.rate_burst = 2;
    ProbeGovernor g(s);
    const SteadyTime t0 = SteadyTime{} + 1s;
    EXPECT_EQ(g.take_token(t0), 0s);
    EXPECT_EQ(g.take_token(t0), 0s);
    EXPECT_GT(g.take_token(t0), 0s);
    EXPECT_EQ(g.take_token(t0 + 500ms), 0s);
}

TEST(ProberDryRun, PlansAndSendsNothing) {
    ProberSettings s;
    s.dry_run = true;
    s.allow = {"127.204.0.0/16"};
    s.probes = {ProbeKind::jarm, ProbeKind::hassh};
    s.ports.jarm = {1};
    s.ports.hassh = {2};
    s.rate_per_second = 1000;
    std::vector<Event> events;
    Prober prober(s, [&](Event e) { events.push_back(std::move(e)); });
    prober.probe("127.204.0.77");
    prober.probe("127.0.0.1");  // denied: nothing at all
    ASSERT_EQ(events.size(), 2u);
    for (const auto& e : events) {
        EXPECT_EQ(e.event_type, "probe_planned");
        EXPECT_EQ(e.service, "prober");
        EXPECT_EQ(*e.find("target_ip"), "127.204.0.77");
    }
    EXPECT_EQ(prober.stats().probes_sent, 0u);
    EXPECT_EQ(prober.stats().denied, 1u);
    // Counted per probe kind (GET /metrics' decnet_prober_*{probe}).
    EXPECT_EQ(prober.stats().of(ProbeKind::jarm).planned, 1u);
    EXPECT_EQ(prober.stats().of(ProbeKind::hassh).planned, 1u);
    EXPECT_EQ(prober.stats().of(ProbeKind::jarm).sent, 0u);
    EXPECT_EQ(prober.stats().of(ProbeKind::tcpfp).planned, 0u);
}

TEST(ProberConfig, IniSectionBecomesSettingsAndTyposFailWithTheirLine) {
    DeploymentConfig config;
    config.subnet = "198.51.100.0/24";
    config.prober = {{"enabled", "true"},      {"allow", "127.204.0.0/16, 127.205.0.1"},
                     {"probes", "jarm tcpfp"}, {"jarm_ports", "443,8443"},
                     {"rate", "0.5"},          {"ttl", "3600"}};
    auto s = intel::prober::settings_from_config(config);
    EXPECT_TRUE(s.enabled);
    EXPECT_FALSE(s.dry_run);
    EXPECT_EQ(s.allow, (std::vector<std::string>{"127.204.0.0/16", "127.205.0.1"}));
    EXPECT_EQ(s.probes, (std::vector<ProbeKind>{ProbeKind::jarm, ProbeKind::tcpfp}));
    EXPECT_EQ(s.ports.jarm, (std::vector<std::uint16_t>{443, 8443}));
    EXPECT_EQ(s.rate_per_second, 0.5);
    EXPECT_EQ(s.ttl, std::chrono::seconds(3600));
    EXPECT_FALSE(TargetPolicy(s).decide("198.51.100.7").allowed);  // own network
    EXPECT_FALSE(settings_from_config(DeploymentConfig{}).enabled);
    for (const auto& [key, value] :
         std::vector<std::pair<std::string, std::string>>{{"enabeld", "true"},
                                                          {"rate", "fast"},
                                                          {"allow", "1.2.3.400/8"},
                                                          {"probes", "nmap"},
                                                          {"jarm_ports", "0"},
                                                          {"enabled", "maybe"}}) {
        DeploymentConfig bad;
        bad.prober = {{key, value}};
        bad.prober_origins = {{key, SourceLine{"fleet.ini", 7}}};
        try {
            settings_from_config(bad);
            ADD_FAILURE() << key << "=" << value;
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.line(), 7) << key;
            EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr("[prober] " + key)) << key;
        }
    }
}

TEST(Jarm, MungOrdersLikeTheReference) {
    const std::vector<int> ten{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    const std::vector<int> five{0, 1, 2, 3, 4};
    EXPECT_EQ(jarm::mung(ten, jarm::Order::middle_out),
              (std::vector<int>{5, 4, 6, 3, 7, 2, 8, 1, 9, 0}));
    EXPECT_EQ(jarm::mung(five, jarm::Order::middle_out), (std::vector<int>{2, 3, 1, 4, 0}));
    EXPECT_EQ(jarm::mung(five, jarm::Order::bottom_half), (std::vector<int>{3, 4}));
    EXPECT_EQ(jarm::mung(five, jarm::Order::top_half), (std::vector<int>{2, 1, 0}));
    EXPECT_EQ(jarm::mung(ten, jarm::Order::top_half), (std::vector<int>{4, 3, 2, 1, 0}));
    EXPECT_EQ(jarm::mung(ten, jarm::Order::reverse).front(), 9);
}

TEST(Jarm, HellosEqualTheIndependentImplementationsBytes) {
    // SHA-256 and length of each hello for SNI 1.2.3.4 with all-zero randomness (GREASE
    // 0a0a), from jarm_reference.py with os.urandom patched to zeros.
    const std::pair<std::size_t, const char*> expected[10] = {
        {421, "4e42f1f959b2496eee7a00eee31307a445049f98f5015b605326157c567143a1"},
        {421, "93a491edda2f27bee90c34f4b6709f5bb169de2f46c37f67207a735a662ad2eb"},
        {342, "88958767e6b7116879269273a1c178263d6d060f8cd00ebc5f41eddc3684b2e5"},
        {328, "749e20df4efe664454bf15f10c3ab24a091554c6a9e513a30648c8019d4bc4b0"},
        {409, "642221a4f59155b8896df5586929770e7362296089bb2803ff6d750367616548"},
        {410, "062d8827643a4b31229550a57cda0998ad27bb8ff073284d98232a1535201643"},
        {423, "3222d2e2aa17618010977c0d49475f738d2a6df9e0a71a10925199ce1ea96dde"},
        {423, "556524801a89e8c17b7cb36a0253f045d52a87c118b9d4a1bdaa028c59ef924e"},
        {413, "ad2e926ab140b290e075422f4ace4990cfada121383c823b257542799066bfd2"},
        {436, "423555407185eed491df6ffe90d466fda98fdd01f575dd2a3bd4370ef864ed48"}};
    const jarm::RandomFill zeros = [](std::span<std::uint8_t> out) {
        std::fill(out.begin(), out.end(), 0);
    };
    for (std::size_t i = 0; i < 10; ++i) {
        const auto hello = jarm::build_client_hello(jarm::probes()[i], "1.2.3.4", zeros);
        EXPECT_EQ(hello.size(), expected[i].first) << i;
        EXPECT_EQ(sha256_hex(hello), expected[i].second) << i;
    }
}

TEST(Jarm, ReadsServerHellosLikeTheReference) {
    const auto hello = unhex(
        "16030300620200005e030311111111111111111111111111111111111111111111111111111111111111112022"
        "22222222222222222222222222222222222222222222222222222222222222c02f000016ff01000100000b0004"
        "01000102001000050003026832");
    EXPECT_EQ(jarm::read_server_hello(hello), "c02f|0303|h2|ff01-000b-0010");
    EXPECT_EQ(jarm::read_server_hello(hello.substr(0, 60)), "|0303||||");
    EXPECT_EQ(jarm::read_server_hello(hello.substr(0, 44)), "|0303||||");
    EXPECT_EQ(jarm::read_server_hello(hello.substr(0, 43)), "|||");
    EXPECT_EQ(jarm::read_server_hello(""), "|||");
    EXPECT_EQ(jarm::read_server_hello(unhex("15030300020228")), "|||");  // alert
    auto certificate = hello;
    certificate[5] = '\x0b';
    EXPECT_EQ(jarm::read_server_hello(certificate), "|||");
    EXPECT_EQ(jarm::hash(std::vector<std::string>(10, jarm::read_server_hello(hello))),
              "29d29d29d29d29d29d29d29d29d29de522bf61bc360225bd9d289f450b1858");
}

TEST(Jarm, FuzzyHashMatchesTheIndependentImplementation) {
    EXPECT_EQ(jarm::hash(std::vector<std::string>(10, "|||")), std::string(62, '0'));
    std::vector<std::string> a(3, "c02f|0303|h2|ff01-000b-0010");
    a.resize(10, "|||");
    EXPECT_EQ(jarm::hash(a), "29d29d29d000000000000000000000fcfd424a7a78b0914691fafaf386beb2");
    std::vector<std::string> b(5, "1301|0303||002b-0033");
    b.resize(10, "|||");
    EXPECT_EQ(jarm::hash(b), "41d41d41d41d41d0000000000000006f63bef43edf320348fbf276765dfa26");
}

TEST(TcpFingerprint, RawAndHashFollowIntelSpec) {
    SynAck s;
    s.ttl = 64;
    s.window_size = 65535;
    s.df_bit = 1;
    s.mss = 1460;
    s.window_scale = 7;
    s.sack_ok = 1;
    s.timestamp = 1;
    s.options_order = "M,N,W";
    EXPECT_EQ(tcpfp_raw(s), "64:65535:1:1460:7:1:1:M,N,W");
    EXPECT_EQ(tcpfp_hash(tcpfp_raw(s)), "817fc3c5843078dc7918b060d614f98e");
}

TEST(TcpFingerprint, ParsesASynAck) {
    // IPv4 (DF, ttl 64) + TCP SYN-ACK 127.0.0.2:443 -> :40000, window 65483, options
    // MSS 65495, SACK-OK, TS, NOP, WS 7.
    const auto packet = unhex(
        "4500003c0000400040060000"
        "7f000002"
        "7f000001"
        "01bb9c40000000010000000"
        "2a012ffcb00000000"
        "0204ffd70402080a0000000100000000"
        "01030307");
    const auto s = parse_tcp_packet(packet);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->flags, 0x12);
    EXPECT_EQ(s->src_port, 443);
    EXPECT_EQ(s->dst_port, 40000);
    EXPECT_EQ(tcpfp_raw(*s), "64:65483:1:65495:7:1:1:M,S,T,N,W");
    EXPECT_FALSE(parse_tcp_packet(packet.substr(0, 30)));
    EXPECT_FALSE(parse_tcp_packet(""));
    auto truncated_options = packet;
    truncated_options.resize(packet.size() - 1);  // header says 40 bytes of TCP
    EXPECT_FALSE(parse_tcp_packet(truncated_options));
}

}  // namespace
}  // namespace decnet::intel::prober
