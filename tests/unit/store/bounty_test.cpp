// Bounty extraction: every rule of api.md §5.5 with its payload bytes.
#include "store/ingest/bounty.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace decnet::store {
namespace {

LogRecord row(const std::string& service, const std::string& event_type,
              const std::string& fields) {
    LogRecord r;
    r.decky = "decky-01";
    r.service = service;
    r.event_type = event_type;
    r.attacker_ip = "10.0.0.9";
    r.fields = fields;
    return r;
}

TEST(Bounty, CredentialNeedsBothFields) {
    auto b = extract_bounties(
        row("ftp", "auth_attempt", R"({"username":"root","password":"toor","src_ip":"10.0.0.9"})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].bounty_type, "credential");
    EXPECT_EQ(b[0].payload, R"({"username":"root","password":"toor"})");
    EXPECT_EQ(b[0].attacker_ip, "10.0.0.9");
    EXPECT_EQ(b[0].decky, "decky-01");
    EXPECT_TRUE(extract_bounties(row("ftp", "user", R"({"username":"root"})")).empty());
    EXPECT_TRUE(extract_bounties(row("ftp", "x", R"({"username":"root","password":""})")).empty());
    EXPECT_TRUE(extract_bounties(row("ldap", "bind", R"({"dn":"cn=a","password":"p"})")).empty());
}

// The no-parse shortcut for rows without trigger keys must not miss a key spelled with
// JSON escapes.
TEST(Bounty, EscapedKeysStillMatch) {
    const auto b =
        extract_bounties(row("ssh", "login", R"({"user\u006eame":"root","pass\u0077ord":"toor"})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].payload, R"({"username":"root","password":"toor"})");
    EXPECT_TRUE(extract_bounties(row("ssh", "command", R"({"command":"id"})")).empty());
}

TEST(Bounty, HttpUserAgentFromJsonHeaders) {
    auto b = extract_bounties(
        row("http", "request",
            R"({"method":"GET","path":"/x","headers":"{\"User-Agent\":\"curl/8\"}"})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(
        b[0].payload,
        R"({"fingerprint_type":"http_useragent","value":"curl/8","method":"GET","path":"/x"})");
    b = extract_bounties(row("http", "request", R"({"headers":{"user-agent":"nmap"}})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].payload,
              R"({"fingerprint_type":"http_useragent","value":"nmap","method":null,"path":null})");
    EXPECT_TRUE(
        extract_bounties(row("https", "request", R"({"headers":"{'Host': 'x'}"})")).empty());
}

TEST(Bounty, VncClientVersionOnlyOnVersionEvents) {
    auto b = extract_bounties(row("vnc", "version", R"({"client_version":"RFB 003.008"})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].payload, R"({"fingerprint_type":"vnc_client_version","value":"RFB 003.008"})");
    EXPECT_TRUE(extract_bounties(row("vnc", "connect", R"({"client_version":"x"})")).empty());
}

TEST(Bounty, SnifferRules) {
    auto b = extract_bounties(row(
        "sniffer", "tls_client_hello",
        R"({"ja3":"abc","ja4":"t13d","sni":"","dst_port":"443","ja4l_rtt_ms":"12","ja4l_client_ttl":"64","resumption":"session_ticket","subject_cn":"x.test","issuer":"ca"})"));
    ASSERT_EQ(b.size(), 4u);
    EXPECT_EQ(
        b[0].payload,
        R"({"fingerprint_type":"ja3","ja3":"abc","ja3s":null,"ja4":"t13d","ja4s":null,"tls_version":null,"sni":null,"alpn":null,"dst_port":"443","raw_ciphers":null,"raw_extensions":null})");
    EXPECT_EQ(b[1].payload, R"({"fingerprint_type":"ja4l","rtt_ms":"12","client_ttl":"64"})");
    EXPECT_EQ(b[2].payload,
              R"({"fingerprint_type":"tls_resumption","mechanisms":"session_ticket"})");
    EXPECT_EQ(
        b[3].payload,
        R"({"fingerprint_type":"tls_certificate","subject_cn":"x.test","issuer":"ca","self_signed":null,"not_before":null,"not_after":null,"sans":null,"sni":null})");
    // The same fields from another service are not sniffer fingerprints.
    EXPECT_TRUE(extract_bounties(row("http", "request", R"({"ja3":"abc"})")).empty());
    // The attacker's SSH client, seen by the sniffer.
    b = extract_bounties(
        row("sniffer", "ssh_client_kexinit",
            R"({"hassh":"h1","hassh_algorithms":"a;b;c;d","client_version":"SSH-2.0-x"})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(
        b[0].payload,
        R"({"fingerprint_type":"hassh","hash":"h1","algorithms":"a;b;c;d","client_version":"SSH-2.0-x"})");
    EXPECT_TRUE(extract_bounties(row("ssh", "login", R"({"hassh":"h1"})")).empty());
    // ... and by the ssh emulator (its client_version event): the same payload, so a client
    // both saw is one bounty row (identities link on it: docs/INTEL.md).
    const auto from_ssh = extract_bounties(row(
        "ssh", "client_version",
        R"({"client_version":"SSH-2.0-x","hassh":"h1","hassh_algorithms":"a;b;c;d","kex":"k"})"));
    ASSERT_EQ(from_ssh.size(), 1u);
    EXPECT_EQ(from_ssh[0].payload, b[0].payload);
    EXPECT_TRUE(extract_bounties(row("ssh", "client_version", R"({"client_version":"SSH-2.0-x"})"))
                    .empty());
}

TEST(Bounty, ProberRulesBelongToTheTarget) {
    auto b = extract_bounties(
        row("prober", "jarm_fingerprint",
            R"({"jarm_hash":"2ad","target_ip":"203.0.113.5","target_port":"443"})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].service, "prober");
    EXPECT_EQ(b[0].attacker_ip, "203.0.113.5");
    EXPECT_EQ(
        b[0].payload,
        R"({"fingerprint_type":"jarm","hash":"2ad","target_ip":"203.0.113.5","target_port":"443"})");
    b = extract_bounties(row("prober", "hassh", R"({"hassh_server_hash":"h"})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].attacker_ip, "Unknown");
    b = extract_bounties(
        row("prober", "tcpfp", R"({"tcpfp_hash":"t","tcpfp_raw":"r","target_ip":""})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].attacker_ip, "");
    EXPECT_THAT(b[0].payload,
                ::testing::StartsWith(R"({"fingerprint_type":"tcpfp","hash":"t","raw":"r",)"));
}

// decnet's prober rule: the certificate of the attacker's own TLS service.
TEST(Bounty, ProberCertificateIsATlsCertificateFingerprint) {
    const auto b = extract_bounties(
        row("prober", "tls_cert_fingerprint",
            R"({"target_ip":"203.0.113.5","target_port":"443","cert_sha256":"ab","subject":"CN=x",)"
            R"("subject_cn":"x","issuer":"CN=x","sans":"[]","not_before":"a","not_after":"b",)"
            R"("self_signed":"True"})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].attacker_ip, "203.0.113.5");
    EXPECT_EQ(b[0].payload,
              R"({"fingerprint_type":"tls_certificate","hash":"ab","target_ip":"203.0.113.5",)"
              R"("target_port":"443","subject_cn":"x","issuer":"CN=x","self_signed":"True",)"
              R"("not_before":"a","not_after":"b","sans":"[]"})");
}

// decnet's own rule: a captured payload is an `artifact` bounty, size as a number.
TEST(Bounty, FileCapturedIsAnArtifact) {
    const std::string sha(64, 'a');
    auto b = extract_bounties(row(
        "ftp", "file_captured",
        R"({"sha256":")" + sha +
            R"(","size":"1024","mime":"application/x-executable","first_bytes":"7f454c46","origin":"/tmp/bot","filename":"bot","stored":"True","src_ip":"10.0.0.9"})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].bounty_type, "artifact");
    EXPECT_EQ(b[0].attacker_ip, "10.0.0.9");
    EXPECT_EQ(b[0].service, "ftp");
    EXPECT_EQ(
        b[0].payload,
        R"({"sha256":")" + sha +
            R"(","size":1024,"mime":"application/x-executable","origin":"/tmp/bot","filename":"bot"})");
    // Not stored (over quota) is still an artifact seen; a size that is no number stays.
    b = extract_bounties(
        row("tftp", "file_captured", R"({"sha256":"ab","size":"big","stored":"False"})"));
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].payload,
              R"({"sha256":"ab","size":"big","mime":null,"origin":null,"filename":null})");
    // Only that event, and only with a hash: ftp's `upload` carries a sha256 too.
    EXPECT_TRUE(extract_bounties(row("ftp", "upload", R"({"sha256":"ab","size":"1"})")).empty());
    EXPECT_TRUE(extract_bounties(row("ftp", "file_captured", R"({"sha256":""})")).empty());
    // A credential in the same row still yields its own bounty.
    b = extract_bounties(
        row("http", "file_captured", R"({"sha256":"ab","username":"u","password":"p"})"));
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].bounty_type, "credential");
    EXPECT_EQ(b[1].bounty_type, "artifact");
}

TEST(Bounty, GarbageFieldsYieldNothing) {
    EXPECT_TRUE(extract_bounties(row("ftp", "x", "not json")).empty());
    EXPECT_TRUE(extract_bounties(row("ftp", "x", "[1,2]")).empty());
    EXPECT_TRUE(extract_bounties(row("http", "request", R"({"headers":"{broken"})")).empty());
}

TEST(Bounty, InvalidUtf8IsReplacedNotThrown) {
    auto b = extract_bounties(row("ftp", "x", "{\"username\":\"r\xff\",\"password\":\"p\"}"));
    // Stored fields are always valid UTF-8; a row that is not yields nothing, no crash.
    EXPECT_TRUE(b.empty());
}

}  // namespace
}  // namespace decnet::store
