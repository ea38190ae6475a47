// p0f v3: the signature syntax, quirks read off a SYN, and matching against Debian's p0f.fp
// (when installed) and a small database of our own.
#include "intel/sniffer/p0f.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "intel/sniffer/tcp_fingerprint.hpp"
#include "support/packet_builder.hpp"

namespace decnet::intel::sniffer::p0f {
namespace {

namespace b = decnet::test::packet;

// Decoded packets view their frame: keep the frames alive for the test's duration.
std::vector<std::unique_ptr<std::string>> frames;
wire::packet::Packet syn(b::Tcp t) {
    frames.push_back(std::make_unique<std::string>(b::ipv4(t)));
    auto p = wire::packet::decode_ip(*frames.back());
    EXPECT_TRUE(p);
    return p.value_or(wire::packet::Packet{});
}

TEST(P0f, SignatureSyntax) {
    const auto s = parse_signature("*:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->ip_version, -1);
    EXPECT_EQ(s->ittl, 64);
    EXPECT_EQ(s->window_kind, Signature::Window::mss);
    EXPECT_EQ(s->window, 20);
    EXPECT_EQ(s->wscale, 10);
    EXPECT_EQ(s->quirks, kDf | kNonZeroId);
    const auto nmap = parse_signature("*:64-:0:265:512,0:mss,sok,ts:ack+:0");
    ASSERT_TRUE(nmap);
    EXPECT_TRUE(nmap->bad_ttl);
    EXPECT_EQ(parse_signature("4:54+10:0:1460:%8192,*:mss::*")->ittl, 64);
    EXPECT_FALSE(parse_signature("*:64:0:*:mss*20:mss:df:0"));        // 7 fields
    EXPECT_FALSE(parse_signature("*:999:0:*:1024,0:mss::0"));         // TTL
    EXPECT_FALSE(parse_signature("*:64:0:*:1024,0:mss:nonsense:0"));  // quirk
    EXPECT_FALSE(parse_signature("*:64:0:*:%0,0:mss::0"));            // modulo 0
}

TEST(P0f, ObservesQuirksAndLayout) {
    b::Tcp t;
    t.options = b::linux_options();
    const auto o = observe(syn(t));
    EXPECT_EQ(o.layout, "mss,sok,ts,nop,ws");
    EXPECT_EQ(o.quirks, kDf | kNonZeroId);
    EXPECT_EQ(o.mss, 1460);
    EXPECT_EQ(o.wscale, 7);
    EXPECT_EQ(o.signature(), "4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0");
    t.df = false;
    t.ip_id = 0;
    t.ack = 5;
    t.options = std::string("\x02\x04\x05\xb4\x00\x01", 6);
    const auto odd = observe(syn(t));
    EXPECT_EQ(odd.layout, "mss,eol+3");  // padded to 8 bytes
    EXPECT_EQ(odd.quirks, kZeroId | kNonZeroAck | kOptAfterEol);
}

TEST(P0f, MatchesOwnDatabaseInP0fOrder) {
    const auto db = Database::parse(R"(
; comment
[mtu]
label = Ethernet
sig   = 1500
[tcp:request]
label = s:unix:Linux:3.11 and newer
sig   = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0
label = g:unix:Linux:2.2.x-3.x
sig   = *:64:0:*:*,*:mss,sok,ts,nop,ws:df,id+:0
label = s:!:NMap:SYN scan
sys   = @unix,@win
sig   = *:64-:0:1460:1024,0:mss::0
sig   = broken
)");
    EXPECT_EQ(db.size(), 3u);
    EXPECT_EQ(db.skipped_lines(), 1u);
    b::Tcp t;
    t.options = b::linux_options();
    t.options.back() = 10;
    t.window = 1460 * 20;
    auto m = db.match(observe(syn(t)));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->os, "Linux 3.11 and newer");
    EXPECT_FALSE(m->generic);
    t.window = 29200 + 1;  // no specific signature: the generic one
    m = db.match(observe(syn(t)));
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->generic);
    t.df = false;  // df and id+ gone: still Linux, fuzzy
    t.ip_id = 0;
    t.ttl = 50;
    t.window = 29200;
    m = db.match(observe(syn(t)));
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->fuzzy || m->generic);
    EXPECT_EQ(m->distance, 14);
    b::Tcp scan;  // nmap -sS: window 1024, MSS only, no DF
    scan.window = 1024;
    scan.df = false;
    scan.ip_id = 4321;
    scan.ttl = 45;
    scan.options = std::string("\x02\x04\x05\xb4", 4);
    m = db.match(observe(syn(scan)));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->os, "NMap SYN scan");
}

TEST(P0f, DebianDatabaseLabelsLinuxAndNmap) {
    const auto db = Database::load(Database::kDefaultPath);
    if (!db) GTEST_SKIP() << "p0f is not installed (scripts/install-deps.sh)";
    EXPECT_GT(db->size(), 150u);
    b::Tcp t;  // Linux over loopback: MSS 65495, window 65495, wscale 7
    t.options = std::string("\x02\x04\xff\xd7\x04\x02\x08\x0a", 8) + b::be32(1) + b::be32(0) +
                std::string("\x01\x03\x03\x07", 4);
    t.window = 65495;
    const auto linux = db->match(observe(syn(t)));
    ASSERT_TRUE(linux);
    EXPECT_EQ(linux->os.rfind("Linux", 0), 0u) << linux->os;
    b::Tcp scan;
    scan.window = 1024;
    scan.df = false;
    scan.options = std::string("\x02\x04\x05\xb4", 4);
    const auto nmap = db->match(observe(syn(scan)));
    ASSERT_TRUE(nmap);
    EXPECT_EQ(nmap->os, "NMap SYN scan");
}

// intel.md §7 checks 30, 31 and 41: the reference's table, buckets and option letters.
TEST(ReferenceTable, Checks30And31) {
    EXPECT_EQ(guess_os(64, 29200, 1460, 7, "M,S,T,N,W"), "linux");
    EXPECT_EQ(guess_os(64, 4999, 1460, 7, "M,S,T,N,W"), "unknown");
    EXPECT_EQ(guess_os(64, 29200, 1460, 7, "M,N,W"), "unknown");
    EXPECT_EQ(guess_os(64, 65535, 1460, 6, "M,N,W,N,N,T,S,E"), "macos_ios");
    EXPECT_EQ(guess_os(64, 65535, 1460, 6, "M,N,W,N,N,T,S"), "freebsd");
    EXPECT_EQ(guess_os(64, 65535, 1460, 5, "M,N,W,S,T,E"), "macos_ios");
    EXPECT_EQ(guess_os(64, 1024, 1460, 10, "M,W,T,S,S"), "nmap");
    EXPECT_EQ(guess_os(64, 65535, 1460, 10, "M,W,T,S,E"), "nmap");
    EXPECT_EQ(guess_os(64, 1024, 1460, std::nullopt, "M"), "unknown");
    EXPECT_EQ(guess_os(64, 16384, 1460, 3, "M,N,W,S,T"), "openbsd");
    EXPECT_EQ(guess_os(128, 64240, 1460, 8, "M,N,W,N,N,S"), "windows");
    EXPECT_EQ(guess_os(128, 8192, 1460, std::nullopt, "M"), "windows");
    EXPECT_EQ(guess_os(128, 4000, 1460, std::nullopt, "M"), "unknown");
    EXPECT_EQ(guess_os(250, 4128, 536, std::nullopt, "M"), "embedded");
    EXPECT_EQ(guess_os(30, 65535, 1460, 7, "M,S,T,N,W"), "unknown");
    EXPECT_EQ(guess_os(50, 100, 0, std::nullopt, ""), "unknown");
    const std::pair<int, std::pair<int, int>> ttl[] = {
        {0, {32, 32}},    {1, {32, 31}},   {32, {32, 0}},   {33, {64, 31}},
        {59, {64, 5}},    {65, {128, 63}}, {120, {128, 8}}, {129, {255, 64}},
        {200, {255, 55}}, {255, {255, 0}}, {300, {255, 0}}};
    for (const auto& [in, out] : ttl) {
        EXPECT_EQ(initial_ttl(in), out.first) << in;
        EXPECT_EQ(hop_distance(in), out.second) << in;
    }
    EXPECT_EQ(options_signature(wire::packet::parse_tcp_options(
                  std::string("\x02\x04\x05\xb4\x01\x03\x03\x06\x01\x01\x08\x0a", 12) +
                  std::string(8, '\0') + std::string("\x04\x02\x00", 3))),
              "M,N,W,N,N,T,S,E");
    EXPECT_EQ(options_signature(
                  wire::packet::parse_tcp_options(std::string("\x02\x04\x05\xb4\x63\x02", 6))),
              "M,?");
}

TEST(Ja4t, FromSyn) {
    b::Tcp t;
    t.options = b::linux_options();
    EXPECT_EQ(syn_fingerprint(syn(t)).ja4t, "64240_2-4-8-1-3_1460_7");
    t.options.clear();
    t.window = 1024;
    EXPECT_EQ(syn_fingerprint(syn(t)).ja4t, "1024_00_00_00");
}

}  // namespace
}  // namespace decnet::intel::sniffer::p0f
