// The sniffer engine on built packets: intel.md §7's engine checks (17–29, adapted where
// the public definitions win), ClientHellos and KEXINITs split across segments and out of
// order, dedup, and the bounds of its maps.
#include "intel/sniffer/sniffer_engine.hpp"

#include <gtest/gtest.h>

#include "support/packet_builder.hpp"
#include "support/tls_builder.hpp"
#include "wire/ssh_kexinit.hpp"

namespace decnet::intel::sniffer {
namespace {

namespace b = decnet::test::packet;
namespace t = decnet::test::tls;

constexpr Micros kSecond = 1'000'000;

struct Harness {
    std::vector<Event> events;
    SnifferEngine engine;
    explicit Harness(EngineOptions options = {})
        : engine(options, [this](Event e) { events.push_back(std::move(e)); }) {
        engine.set_deckies({{*wire::packet::Address::parse("192.168.1.10"), "decky-01"},
                            {*wire::packet::Address::parse("192.168.1.11"), "decky-02"}});
    }
    void feed(const b::Tcp& tcp, Micros at) {
        const auto frame = b::ipv4(tcp);  // the packet's views point into it
        const auto p = wire::packet::decode_ip(frame);
        ASSERT_TRUE(p);
        engine.on_packet(*p, at);
    }
    std::vector<std::string> types() const {
        std::vector<std::string> out;
        for (const auto& e : events) out.push_back(e.event_type);
        return out;
    }
    const Event* first(const std::string& type) const {
        for (const auto& e : events)
            if (e.event_type == type) return &e;
        return nullptr;
    }
};

std::string field(const Event* e, const char* name) {
    if (!e) return "<no event>";
    const auto* v = e->find(name);
    return v ? *v : "<absent>";
}

b::Tcp from_attacker(std::uint8_t flags, std::uint32_t seq, std::string payload = {}) {
    b::Tcp p;
    p.flags = flags;
    p.seq = seq;
    p.payload = std::move(payload);
    p.ttl = 58;
    return p;
}
b::Tcp from_decky(std::uint8_t flags, std::uint32_t seq, std::string payload = {}) {
    b::Tcp p;
    std::swap(p.src, p.dst);
    std::swap(p.sport, p.dport);
    p.flags = flags;
    p.seq = seq;
    p.payload = std::move(payload);
    return p;
}

std::string check17_client_hello() {
    return t::client_hello({0x1301, 0x1302, 0xc02f},
                           {t::sni("example.com"),
                            t::groups({0x1d, 0x17}),
                            t::point_formats(std::string(1, '\0')),
                            t::sigalgs({0x0403, 0x0804}),
                            t::versions({0x0304, 0x0303}),
                            t::alpn({"h2", "http/1.1"}),
                            {35, "tk"}},
                           std::string(32, 's'));
}

TEST(SnifferEngine, Check17FullTls13Exchange) {
    Harness h;
    auto syn = from_attacker(0x02, 999);
    syn.options = std::string("\x02\x04\x05\xb4\x04\x02\x08\x0a", 8) + b::be32(1) + b::be32(0) +
                  std::string("\x01\x03\x03\x07", 4);
    h.feed(syn, 0);
    h.feed(from_decky(0x12, 4999), 2500);
    h.feed(from_attacker(0x10, 1000), 5000);
    const auto ch = check17_client_hello();
    h.feed(from_attacker(0x18, 1000, ch), 6000);
    const auto sh = t::server_hello(0x1301, {{43, t::u16(0x0304)}, {51, "ks"}});
    h.feed(from_decky(0x18, 5000, sh), 7000);
    h.feed(from_attacker(0x11, 1000 + ch.size()), 8000);
    EXPECT_EQ(h.types(), (std::vector<std::string>{"tcp_syn_fingerprint", "tls_client_hello",
                                                   "tls_session", "tcp_flow_timing"}));
    const auto* s = h.first("tcp_syn_fingerprint");
    EXPECT_EQ(field(s, "ttl"), "58");
    EXPECT_EQ(field(s, "initial_ttl"), "64");
    EXPECT_EQ(field(s, "hop_distance"), "6");
    EXPECT_EQ(field(s, "options_sig"), "M,S,T,N,W");
    EXPECT_EQ(field(s, "os_guess"), "linux");
    EXPECT_EQ(field(s, "has_sack"), "true");
    EXPECT_EQ(s->decky, "decky-01");
    const auto* c = h.first("tls_client_hello");
    EXPECT_EQ(field(c, "ja3"), "d3ba978931cbe75a76f4efe3d33d743c");
    EXPECT_EQ(field(c, "ja4_decnet"), "t13d0307h2_484fa06d4fc2_a306e03c5910");
    EXPECT_EQ(field(c, "tls_version"), "TLS 1.2");
    EXPECT_EQ(field(c, "alpn"), "h2,http/1.1");
    EXPECT_EQ(field(c, "raw_ciphers"), "4865-4866-49199");
    EXPECT_EQ(field(c, "raw_extensions"), "0-10-11-13-43-16-35");
    EXPECT_EQ(field(c, "resumption"), "session_ticket,session_id");
    EXPECT_EQ(field(c, "ja4l_rtt_ms"), "2.5");  // the reference's purge bug fixed
    EXPECT_EQ(field(c, "ja4l_client_ttl"), "58");
    EXPECT_EQ(field(c, "ja4l_c"), "1250_58");
    EXPECT_EQ(field(c, "ja4l_s"), "1250_64");
    EXPECT_EQ(c->severity, Severity::info);
    const auto* session = h.first("tls_session");
    EXPECT_EQ(session->severity, Severity::warning);
    EXPECT_EQ(field(session, "src_ip"), "10.0.0.7");
    EXPECT_EQ(field(session, "dst_port"), "443");
    EXPECT_EQ(field(session, "ja3s"), "f4febc55ea12b31ae17cfb7e614afda8");
    EXPECT_EQ(field(session, "ja4s_decnet"), "t130200_fadb4c571d3b");
    EXPECT_EQ(field(session, "ja4s"), "t130200_1301_a56c5b993250");
    EXPECT_EQ(field(session, "ja3"), field(c, "ja3"));
    const auto* flow = h.first("tcp_flow_timing");
    EXPECT_EQ(field(flow, "packets"), "6");
    EXPECT_EQ(field(flow, "bytes"), std::to_string(ch.size() + sh.size()));
    EXPECT_EQ(field(flow, "retransmits"), "0");
}

TEST(SnifferEngine, ClientHelloSplitAcrossOutOfOrderSegments) {
    Harness h;
    h.feed(from_attacker(0x02, 99), 0);
    const auto ch =
        t::client_hello({0x1301}, {t::sni("split.example"), {0xfe0d, std::string(1500, 'k')}});
    ASSERT_GT(ch.size(), 1500u);
    // Three segments: the last one first, then a retransmitted middle, then the rest.
    h.feed(from_attacker(0x18, 100 + 1000, ch.substr(1000)), 10);
    h.feed(from_attacker(0x18, 100 + 500, ch.substr(500, 500)), 20);
    EXPECT_EQ(h.first("tls_client_hello"), nullptr);
    h.feed(from_attacker(0x18, 100, ch.substr(0, 500)), 30);
    EXPECT_EQ(field(h.first("tls_client_hello"), "sni"), "split.example");
}

TEST(SnifferEngine, HasshBothWaysAcrossSegments) {
    Harness h;
    wire::ssh::KexInit k;
    k.kex = {"curve25519-sha256"};
    k.host_key = {"ssh-ed25519"};
    k.enc_cs = k.enc_sc = {"aes128-ctr"};
    k.mac_cs = k.mac_sc = {"hmac-sha2-256"};
    k.cmp_cs = k.cmp_sc = {"none"};
    const auto payload = wire::ssh::build_kexinit(k);
    const std::uint8_t padding = 8 - (payload.size() + 5) % 8 + 4;
    const auto packet = b::be32(payload.size() + padding + 1) + char(padding) + payload +
                        std::string(padding, '\0');
    const auto client = "SSH-2.0-OpenSSH_9.6\r\n" + packet;
    h.feed(from_attacker(0x02, 9), 0);
    h.feed(from_decky(0x12, 19), 1);
    h.feed(from_decky(0x18, 20, "SSH-2.0-OpenSSH_9.2p1 Debian\r\n" + packet), 3);
    h.feed(from_attacker(0x18, 10, client.substr(0, 30)), 4);
    h.feed(from_attacker(0x18, 40, client.substr(30)), 5);
    const auto* c = h.first("ssh_client_kexinit");
    EXPECT_EQ(field(c, "hassh_algorithms"), "curve25519-sha256;aes128-ctr;hmac-sha2-256;none");
    EXPECT_EQ(field(c, "client_version"), "SSH-2.0-OpenSSH_9.6");
    const auto* s = h.first("ssh_server_kexinit");
    EXPECT_EQ(field(s, "hassh_server"), field(c, "hassh"));
    EXPECT_EQ(field(s, "server_version"), "SSH-2.0-OpenSSH_9.2p1 Debian");
}

TEST(SnifferEngine, Checks20And21SynDedupPerAttackerStack) {
    Harness h;
    auto syn = from_attacker(0x02, 1);
    syn.options = b::linux_options();
    for (int i = 0; i < 3; ++i) {
        syn.sport = 40000 + i;
        h.feed(syn, i * kSecond);
    }
    syn.dst = "192.168.1.11";  // another decky, same stack
    h.feed(syn, 4 * kSecond);
    EXPECT_EQ(h.types(), std::vector<std::string>{"tcp_syn_fingerprint"});
    syn.sport = 45000;
    syn.ttl = 120;  // a Windows-like stack
    syn.window = 64240;
    syn.options = std::string("\x02\x04\x05\xb4\x01\x03\x03\x08\x01\x01\x04\x02", 12);
    h.feed(syn, 5 * kSecond);
    ASSERT_EQ(h.events.size(), 2u);
    EXPECT_EQ(field(&h.events[1], "os_guess"), "windows");
    EXPECT_EQ(field(&h.events[1], "options_sig"), "M,N,W,N,N,S");
    EXPECT_EQ(field(&h.events[1], "hop_distance"), "8");
    EXPECT_EQ(field(&h.events[1], "has_timestamps"), "false");
    // After the TTL the same stack is reported again.
    syn.sport = 50000;
    h.feed(syn, 306 * kSecond);
    EXPECT_EQ(h.events.size(), 3u) << ::testing::PrintToString(h.types());
}

TEST(SnifferEngine, Checks22And29OnlyDeckyTraffic) {
    Harness h;
    auto out = from_decky(0x02, 1);  // a SYN from a decky to the outside
    h.feed(out, 0);
    b::Tcp stranger;
    stranger.src = "10.1.1.1";
    stranger.dst = "10.2.2.2";
    h.feed(stranger, 1);
    EXPECT_TRUE(h.events.empty());
    EXPECT_EQ(h.engine.stats().decky_packets, 1u);
    EXPECT_EQ(h.engine.stats().flows_active, 1u);
}

TEST(SnifferEngine, Checks23To26FlowTiming) {
    Harness h;
    h.feed(from_attacker(0x02, 1), 0);
    h.feed(from_decky(0x14, 1), 1000);  // RST: trivial flow, no event
    EXPECT_EQ(h.first("tcp_flow_timing"), nullptr);
    // SYN, data at +0.5 s, RST at +1.5 s.
    auto a = from_attacker(0x02, 100);
    a.sport = 41000;
    h.feed(a, 10 * kSecond);
    auto data = from_attacker(0x18, 101, "x");
    data.sport = 41000;
    h.feed(data, 10 * kSecond + 500'000);
    auto rst = from_attacker(0x04, 102);
    rst.sport = 41000;
    h.feed(rst, 11 * kSecond + 500'000);
    const auto* f = h.first("tcp_flow_timing");
    EXPECT_EQ(field(f, "packets"), "3");
    EXPECT_EQ(field(f, "duration_s"), "1.5");
    EXPECT_EQ(field(f, "mean_iat_ms"), "750.0");
    EXPECT_EQ(field(f, "min_iat_ms"), "500.0");
    EXPECT_EQ(field(f, "max_iat_ms"), "1000.0");
    // Retransmits: seqs 2000, 2004, 2000 then RST.
    Harness r;
    for (std::uint32_t seq : {2000u, 2004u, 2000u}) r.feed(from_attacker(0x18, seq, "abcd"), seq);
    r.feed(from_attacker(0x04, 2008), 3000);
    EXPECT_EQ(field(r.first("tcp_flow_timing"), "retransmits"), "1");
}

TEST(SnifferEngine, Check28DedupTtlZeroEmitsEveryTime) {
    Harness h({.dedup_ttl = 0});
    const auto ch = t::client_hello({0x002f}, {});
    h.feed(from_attacker(0x18, 1, ch), 0);
    auto again = from_attacker(0x18, 1, ch);
    again.sport = 40001;
    h.feed(again, 1);
    EXPECT_EQ(h.types(), (std::vector<std::string>{"tls_client_hello", "tls_client_hello"}))
        << h.engine.stats().decky_packets;
}

TEST(SnifferEngine, MapsAreBounded) {
    Harness h({.max_dedup_entries = 16, .max_flows = 8});
    for (int i = 0; i < 100; ++i) {
        auto syn = from_attacker(0x02, 1);
        syn.src = "10.9." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
        syn.options = b::linux_options();
        h.feed(syn, i);
    }
    const auto s = h.engine.stats();
    EXPECT_EQ(s.flows_active, 8u);
    EXPECT_EQ(s.flows_refused, 92u);
    EXPECT_LE(s.dedup_entries, 16u);
    EXPECT_GE(s.dedup_evicted, 84u);
    EXPECT_EQ(h.events.size(), 100u);  // every attacker's first SYN
    // Idle flows are flushed and forgotten after flow_idle.
    h.feed(from_attacker(0x10, 5), 200 * kSecond);
    EXPECT_EQ(h.engine.stats().flows_active, 1u);
}

TEST(SnifferEngine, GarbageAfterSynNeverCrashes) {
    Harness h;
    h.feed(from_attacker(0x02, 1), 0);
    h.feed(from_attacker(0x18, 2, std::string("\x16\x03\x01\xff\xff", 5) + std::string(3000, 'A')),
           1);
    h.feed(from_attacker(0x18, 3007, std::string(40000, '\x16')), 2);
    h.feed(from_decky(0x18, 1, "SSH-2.0-x\r\n" + std::string(4, '\xff')), 3);
    EXPECT_EQ(h.first("tls_client_hello"), nullptr);
    EXPECT_EQ(h.first("ssh_server_kexinit"), nullptr);
}

TEST(PythonFloat, ReprOfRounded) {
    EXPECT_EQ(python_float(2.5, 2), "2.5");
    EXPECT_EQ(python_float(100.0, 2), "100.0");
    EXPECT_EQ(python_float(0.0034, 3), "0.003");
    EXPECT_EQ(python_float(0.0, 2), "0.0");
    EXPECT_EQ(python_float(1.23456, 2), "1.23");
}

}  // namespace
}  // namespace decnet::intel::sniffer
