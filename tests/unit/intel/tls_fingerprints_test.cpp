// JA3/JA3S against intel.md §7's vectors (the Salesforce definitions), JA4/JA4S against the
// FoxIO technical_details examples, and the reference's JA4/JA4S variants against §7.
#include "intel/fingerprints/tls_fingerprints.hpp"

#include <gtest/gtest.h>

#include "support/tls_builder.hpp"

namespace decnet::intel::fingerprints {
namespace {

namespace b = decnet::test::tls;
using wire::tls::ClientHello;
using wire::tls::ServerHello;

ClientHello client(const std::vector<unsigned>& ciphers, const std::vector<b::Ext>& exts,
                   const std::string& session_id = {}) {
    auto hello = wire::tls::client_hello_from_records(b::client_hello(ciphers, exts, session_id));
    EXPECT_TRUE(hello);
    return hello.value_or(ClientHello{});
}
ServerHello server(unsigned cipher, const std::vector<b::Ext>& exts, bool with_block = true) {
    auto hello = wire::tls::server_hello_from_records(b::server_hello(cipher, exts, with_block));
    EXPECT_TRUE(hello);
    return hello.value_or(ServerHello{});
}

// intel.md §7 check 3's ClientHello.
ClientHello check3() {
    return client({0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f},
                  {b::sni("example.com"),
                   b::groups({0x0a0a, 0x001d, 0x0017, 0x0018}),
                   b::point_formats(std::string(1, '\0')),
                   b::sigalgs({0x0403, 0x0804, 0x0401}),
                   b::versions({0x1a1a, 0x0304, 0x0303}),
                   b::alpn({"h2", "http/1.1"}),
                   {0x2a2a, ""},
                   {0x0017, ""},
                   {0xff01, std::string(1, '\0')}});
}

TEST(Ja3, Check1TwoCiphersNoExtensions) {
    const auto fp = ja3(client({0x002f, 0x0035}, {}));
    EXPECT_EQ(fp.text, "771,47-53,,,");
    EXPECT_EQ(fp.hash, "577fbfd57b256f5467f2fe09d1105a26");
    EXPECT_EQ(ja3(client({0x0a0a, 0x002f, 0xfafa, 0x0035}, {})).hash, fp.hash);  // check 2
    EXPECT_EQ(decnet_ja4(client({0x002f, 0x0035}, {})), "t12i020000_37effddb63e8_e3b0c44298fc");
}

TEST(Ja3, Check3GreaseEverywhere) {
    const auto hello = check3();
    const auto fp = ja3(hello);
    EXPECT_EQ(fp.text, "771,4865-4866-4867-49195-49199,0-10-11-13-43-16-23-65281,29-23-24,0");
    EXPECT_EQ(fp.hash, "500758d5a1b57d2475e50f7f58a40b54");
    EXPECT_EQ(decnet_ja4(hello), "t13d0508h2_ea87f25c12e8_71a9283e2dd9");
    EXPECT_TRUE(resumption(hello).empty());
}

TEST(Ja3s, Checks9To11) {
    const auto tls13 = server(0x1301, {{43, b::u16(0x0304)}, {51, "ks"}});
    EXPECT_EQ(ja3s(tls13).text, "771,4865,43-51");
    EXPECT_EQ(ja3s(tls13).hash, "f4febc55ea12b31ae17cfb7e614afda8");
    EXPECT_EQ(decnet_ja4s(tls13), "t130200_fadb4c571d3b");
    EXPECT_EQ(wire::tls::version_text(tls13.legacy_version), "TLS 1.2");
    const auto tls12 =
        server(0xc02f, {{0xff01, std::string(1, '\0')}, {0x000b, "\x01\x00"}, b::alpn({"h2"})});
    EXPECT_EQ(ja3s(tls12).text, "771,49199,65281-11-16");
    EXPECT_EQ(ja3s(tls12).hash, "1089ea6f0461a29006cc96dfe7a11d80");
    EXPECT_EQ(decnet_ja4s(tls12), "t1203h2_9870daa400b9");
    const auto bare = server(0x002f, {});
    EXPECT_EQ(ja3s(bare).text, "771,47,");
    EXPECT_EQ(ja3s(bare).hash, "5397c414a9ebeaff1bf18b70ca22eaa0");
    EXPECT_EQ(decnet_ja4s(bare), "t120000_9fa2b1c20f21");
}

TEST(DecnetJa4, Checks4And12) {
    ClientHello hello;  // the fields as the reference's helper takes them
    hello.legacy_version = 0x0303;
    hello.cipher_suites = {47, 53};
    hello.extensions = {{10, ""}, {13, ""}, {16, ""}};
    hello.signature_algorithms = {0x0401};
    hello.supported_versions = {0x0304, 0x0303};
    hello.server_name = "target.local";
    hello.alpn = {"h2", "http/1.1"};
    EXPECT_EQ(decnet_ja4(hello), "t13d0203h2_37effddb63e8_2225da5754f5");
    ServerHello sh;
    sh.legacy_version = 0x0303;
    sh.cipher_suite = 0x1301;
    sh.extensions = {{0xff01, ""}, {0x002b, ""}};
    sh.selected_version = 0x0304;
    sh.alpn = "h2";
    EXPECT_EQ(decnet_ja4s(sh), "t1302h2_cd0c4c09a482");
}

TEST(Ja4, FoxioExample) {
    const auto hello =
        client({0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
                0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
               {{0x3a3a, ""},
                {0x001b, "\x02\x00\x02"},
                b::sni("example.com"),
                {0x0033, ""},
                b::alpn({"h2", "http/1.1"}),
                {0x4469, ""},
                {0x0017, ""},
                {0x002d, "\x01\x01"},
                b::sigalgs({0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601}),
                {0x0005, ""},
                {0x0023, ""},
                {0x0012, ""},
                b::versions({0x4a4a, 0x0304, 0x0303}),
                {0xff01, std::string(1, '\0')},
                b::point_formats(std::string(1, '\0')),
                b::groups({0x001d}),
                {0x0015, std::string(10, '\0')}});
    const auto fp = ja4(hello);
    EXPECT_EQ(fp.hash, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    EXPECT_EQ(fp.raw,
              "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,"
              "cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,"
              "0804,0401,0503,0805,0501,0806,0601");
    EXPECT_EQ(fp.original, "t13d1516h2_acb858a92679_18f69afefd3d");
    EXPECT_EQ(fp.raw_original,
              "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,"
              "0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,"
              "0015_0403,0804,0401,0503,0805,0501,0806,0601");
}

// --- FoxIO's published test vectors -------------------------------------------------------
// Expected values from FoxIO-LLC/ja4, python/test/testdata/*.json (the JA4, JA4_r, JA4_o,
// JA4_ro and JA4S its tools print for the pcaps under pcap/; the Rust snapshots
// rust/ja4/src/snapshots/ja4__insta@<pcap>.snap agree on ja4/ja4s). The pcaps themselves
// are not here: each ClientHello is rebuilt from its JA4_ro (ciphers and extensions in wire
// order) and JA4_r (signature algorithms), with GREASE values added where the client (a
// Chrome) sends them, and must hash to every published value.

std::vector<unsigned> hex_list(const std::string& csv) {
    std::vector<unsigned> out;
    for (std::size_t at = 0; at < csv.size(); at += 5)
        out.push_back(std::stoul(csv.substr(at, 4), nullptr, 16));
    return out;
}

struct Published {
    std::string ciphers;     // JA4_ro's second section (wire order)
    std::string extensions;  // JA4_ro's third section (wire order, SNI and ALPN included)
    std::string sigalgs;     // JA4_r's last section
    std::string sni;
    std::vector<std::string> alpn;
    bool grease = true;  // a Chrome: GREASE cipher, two GREASE extensions, GREASE versions
};

ClientHello rebuild(const Published& p) {
    auto ciphers = hex_list(p.ciphers);
    if (p.grease) ciphers.insert(ciphers.begin(), 0x3a3a);
    std::vector<b::Ext> exts;
    if (p.grease) exts.push_back({0x0a0a, ""});
    for (const auto type : hex_list(p.extensions)) {
        switch (type) {
            case 0x0000:
                exts.push_back(b::sni(p.sni));
                break;
            case 0x0010:
                exts.push_back(b::alpn(p.alpn));
                break;
            case 0x000d:
                exts.push_back(b::sigalgs(hex_list(p.sigalgs)));
                break;
            case 0x002b:
                exts.push_back(b::versions({0x4a4a, 0x0304, 0x0303}));
                break;
            case 0x000a:
                exts.push_back(b::groups({0x5a5a, 0x001d, 0x0017, 0x0018}));
                break;
            case 0x000b:
                exts.push_back(b::point_formats(std::string(1, '\0')));
                break;
            default:
                exts.push_back({type, ""});
                break;
        }
    }
    if (p.grease) exts.push_back({0x1a1a, std::string(1, '\0')});
    return client(ciphers, exts);
}

const std::string kChromeCiphers =
    "1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035";
const std::string kChromeSigalgs = "0403,0804,0401,0503,0805,0501,0806,0601";

// tls-handshake.pcapng stream 0 (clientservices.googleapis.com, Chrome).
TEST(Ja4Published, TlsHandshakeStream0) {
    const auto fp = ja4(rebuild({kChromeCiphers,
                                 "ff01,0033,002d,0005,4469,000d,0010,0023,001b,002b,0000,0012,000a,"
                                 "0017,000b,0015",
                                 kChromeSigalgs,
                                 "clientservices.googleapis.com",
                                 {"h2", "http/1.1"}}));
    EXPECT_EQ(fp.hash, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    EXPECT_EQ(fp.raw,
              "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,"
              "cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,"
              "0804,0401,0503,0805,0501,0806,0601");
    EXPECT_EQ(fp.original, "t13d1516h2_acb858a92679_8fc3c02244b2");
    EXPECT_EQ(fp.raw_original,
              "t13d1516h2_" + kChromeCiphers +
                  "_ff01,0033,002d,0005,4469,000d,0010,0023,001b,002b,0000,0012,000a,0017,000b,"
                  "0015_" +
                  kChromeSigalgs);
    // Its ServerHello: JA4S t130200_1301_234ea6891581. The extension order is sigalg-grease
    // .pcapng's published JA4S_r (same hash): key_share, supported_versions.
    const auto sh = server(0x1301, {{0x0033, "ks"}, {0x002b, b::u16(0x0304)}});
    EXPECT_EQ(ja4s(sh).hash, "t130200_1301_234ea6891581");
    EXPECT_EQ(ja4s(sh).raw, "t130200_1301_0033,002b");
}

// tls-handshake.pcapng stream 6 (mtalk.google.com:5228): no ALPN, no 4469 → "00", 14.
TEST(Ja4Published, TlsHandshakeStream6WithoutAlpn) {
    const auto fp = ja4(rebuild({kChromeCiphers,
                                 "0033,002b,001b,0000,0012,002d,000d,000a,0005,0023,0017,ff01,000b,"
                                 "0015",
                                 kChromeSigalgs,
                                 "mtalk.google.com",
                                 {}}));
    EXPECT_EQ(fp.hash, "t13d151400_8daaf6152771_de4a06bb82e3");
    EXPECT_EQ(fp.original, "t13d151400_acb858a92679_2f4561be1d1f");
}

// tls-handshake.pcapng stream 5 (lp-push-server-452.lastpass.com): ALPN http/1.1 → "h1", and
// a TLS 1.2 ServerHello JA4S t120300_c030_bec8bdbaef8a (its three extensions, in the order
// whose hash is the published one: renegotiation_info, ec_point_formats, session_ticket).
TEST(Ja4Published, TlsHandshakeStream5Http11AndTls12Server) {
    const auto fp = ja4(rebuild({kChromeCiphers,
                                 "000d,0033,0000,ff01,002b,0023,002d,0005,0012,000b,0017,4469,0010,"
                                 "001b,000a,0015",
                                 kChromeSigalgs,
                                 "lp-push-server-452.lastpass.com",
                                 {"http/1.1"}}));
    EXPECT_EQ(fp.hash, "t13d1516h1_8daaf6152771_e5627efa2ab1");
    EXPECT_EQ(fp.original, "t13d1516h1_acb858a92679_5eba26eeae83");
    const auto sh =
        server(0xc030, {{0xff01, std::string(1, '\0')}, {0x000b, "\x01\x00"}, {0x0023, ""}});
    EXPECT_EQ(ja4s(sh).hash, "t120300_c030_bec8bdbaef8a");
    // Stream 46 (target.microsoft.com): TLS 1.2 with ALPN h2, JA4S t1204h2_c02f_1428ce7b4018.
    const auto h2 = server(
        0xc02f,
        {{0x0000, ""}, {0xff01, std::string(1, '\0')}, {0x000b, "\x01\x00"}, b::alpn({"h2"})});
    EXPECT_EQ(ja4s(h2).hash, "t1204h2_c02f_1428ce7b4018");
}

// tls12.pcap (contile.services.mozilla.com, a Firefox: no GREASE, 17 ciphers, 11 sigalgs).
TEST(Ja4Published, Tls12PcapFirefox) {
    const auto fp = ja4(rebuild(
        {"1301,1303,1302,c02b,c02f,cca9,cca8,c02c,c030,c00a,c009,c013,c014,009c,009d,002f,0035",
         "0000,0017,ff01,000a,000b,0023,0010,0005,0022,0033,002b,000d,002d,001c,0015",
         "0403,0503,0603,0804,0805,0806,0401,0501,0601,0203,0201",
         "contile.services.mozilla.com",
         {"h2", "http/1.1"},
         false}));
    EXPECT_EQ(fp.hash, "t13d1715h2_5b57614c22b0_3d5424432f57");
    EXPECT_EQ(fp.raw,
              "t13d1715h2_002f,0035,009c,009d,1301,1302,1303,c009,c00a,c013,c014,c02b,c02c,c02f,"
              "c030,cca8,cca9_0005,000a,000b,000d,0015,0017,001c,0022,0023,002b,002d,0033,ff01_"
              "0403,0503,0603,0804,0805,0806,0401,0501,0601,0203,0201");
    EXPECT_EQ(fp.original, "t13d1715h2_5b234860e130_014157ec0da2");
}

// sigalg-grease.pcapng (optimizationguide-pa.googleapis.com): a GREASE signature algorithm
// is not part of JA4; 17 extensions with ECH (fe0d), ALPS (44cd) and ca34.
TEST(Ja4Published, SigalgGrease) {
    auto p = Published{kChromeCiphers,
                       "fe0d,0010,0017,0033,44cd,ff01,000a,000d,0023,002b,000b,ca34,002d,0000,"
                       "0005,001b,0012",
                       "6a6a,0904,0905,0906,0403,0804,0401,0503,0805,0501,0806,0601",
                       "optimizationguide-pa.googleapis.com",
                       {"h2", "http/1.1"}};
    const auto fp = ja4(rebuild(p));
    EXPECT_EQ(fp.hash, "t13d1517h2_8daaf6152771_cb7bf5808d99");
    EXPECT_EQ(fp.original, "t13d1517h2_acb858a92679_88bf22a3e888");
    const auto sh = server(0x1302, {{0x0033, "ks"}, {0x002b, b::u16(0x0304)}});
    EXPECT_EQ(ja4s(sh).hash, "t130200_1302_234ea6891581");
}

TEST(Ja4, EmptyListsAndNoSignatureAlgorithms) {
    EXPECT_EQ(ja4(client({}, {})).hash, "t12i000000_000000000000_000000000000");
    const auto hello = client({0x002f}, {{0x0017, ""}});
    EXPECT_EQ(ja4(hello).raw, "t12i010100_002f_0017");
    EXPECT_EQ(ja4(hello).hash, "t12i010100_" + sha256_hex("002f").substr(0, 12) + "_" +
                                   sha256_hex("0017").substr(0, 12));
    // SNI and ALPN only: counted, but the extension list is empty.
    EXPECT_EQ(ja4(client({0x002f}, {b::sni("a"), b::alpn({"h2"})})).hash.substr(0, 11),
              "t12d0102h2_");
    EXPECT_EQ(ja4(client({0x002f}, {b::sni("a"), b::alpn({"h2"})})).hash.substr(24),
              "000000000000");
}

TEST(Ja4, AlpnCharacters) {
    EXPECT_EQ(ja4_alpn(""), "00");
    EXPECT_EQ(ja4_alpn("h2"), "h2");
    EXPECT_EQ(ja4_alpn("http/1.1"), "h1");
    EXPECT_EQ(ja4_alpn("x"), "xx");
    EXPECT_EQ(ja4_alpn("\xab"), "ab");
    EXPECT_EQ(ja4_alpn("\xab\xcd"), "ad");
    EXPECT_EQ(ja4_alpn("\x30\xab"), "3b");
    EXPECT_EQ(ja4_alpn("\x30\x31\xab\xcd"), "3d");
    EXPECT_EQ(ja4_alpn("\x30\xab\xcd\x31"), "01");
}

TEST(Ja4, Version) {
    EXPECT_EQ(ja4_version(0x0304), "13");
    EXPECT_EQ(ja4_version(0x0300), "s3");
    EXPECT_EQ(ja4_version(0x0002), "s2");
    EXPECT_EQ(ja4_version(0xfefd), "d2");
    EXPECT_EQ(ja4_version(0xffff), "00");
    // supported_versions wins over the legacy version, GREASE ignored.
    EXPECT_EQ(ja4(client({0x1301}, {b::versions({0x0303, 0x0304, 0x7a7a})})).hash.substr(0, 3),
              "t13");
}

TEST(Ja4s, FoxioExample) {
    const auto sh =
        server(0xc030, {{0x0005, ""}, {0x0017, ""}, {0xff01, std::string(1, '\0')}, {0x0000, ""}});
    EXPECT_EQ(ja4s(sh).hash, "t120400_c030_4e8089b08790");
    EXPECT_EQ(ja4s(sh).raw, "t120400_c030_0005,0017,ff01,0000");
    const auto tls13 = server(0x1301, {{43, b::u16(0x0304)}, {51, "ks"}, b::alpn({"h2"})});
    EXPECT_EQ(ja4s(tls13).raw, "t1303h2_1301_002b,0033,0010");
    EXPECT_EQ(ja4s(server(0x002f, {}, false)).hash, "t120000_002f_000000000000");
}

TEST(Resumption, Check14) {
    EXPECT_EQ(resumption(client({0x1301}, {{35, "abcd"}})),
              std::vector<std::string>{"session_ticket"});
    EXPECT_TRUE(resumption(client({0x1301}, {{35, ""}})).empty());
    EXPECT_EQ(resumption(client({0x1301}, {{41, "x"}})), std::vector<std::string>{"psk"});
    EXPECT_EQ(resumption(client({0x1301}, {{42, ""}})),
              std::vector<std::string>{"early_data_0rtt"});
    EXPECT_EQ(resumption(client({0x1301}, {}, std::string(32, 's'))),
              std::vector<std::string>{"session_id"});
    EXPECT_EQ(resumption(client({0x1301}, {{42, ""}, {41, "x"}, {35, "t"}}, "s")),
              (std::vector<std::string>{"session_ticket", "psk", "early_data_0rtt", "session_id"}));
}

TEST(Digests, Md5AndSha256) {
    EXPECT_EQ(md5_hex(";;;"), "95420f9d932ddd22833f17b96a80bedb");
    EXPECT_EQ(sha256_hex("").substr(0, 12), "e3b0c44298fc");
}

}  // namespace
}  // namespace decnet::intel::fingerprints
