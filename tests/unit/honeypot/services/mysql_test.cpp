// The mysql emulator: its codec (greeting, handshake response, scrambles, result sets), its
// SQL over the bait databases, and dialogues over an in-memory session — a refused login
// answered with error 1045 byte for byte and captured as a crackable hash, a login let in
// by the persona's list, packets split at every byte, lying lengths and bad handshakes.
#include <gtest/gtest.h>

#include "events/event.hpp"
#include "honeypot/services/mysql/mysql_protocol.hpp"
#include "honeypot/services/mysql/mysql_sql.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;
using decnet::testing::first_event;
namespace my = mysql;

std::string le32(std::uint32_t v) {
    return {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
            static_cast<char>((v >> 16) & 0xff), static_cast<char>(v >> 24)};
}

// What libmariadb sends: a 4.1 response with a length-prefixed answer and the plugin name.
std::string handshake_response(std::string_view user, std::string_view response,
                               std::string_view plugin, std::string_view database = {}) {
    std::uint32_t caps = my::kClientProtocol41 | my::kClientSecureConnection |
                         my::kClientPluginAuth | my::kClientLongPassword;
    if (!database.empty()) caps |= my::kClientConnectWithDb;
    std::string p = le32(caps) + le32(16777216) + "\x21"s + std::string(23, '\0');
    p += std::string(user) + '\0';
    p += static_cast<char>(response.size());
    p += response;
    if (!database.empty()) p += std::string(database) + '\0';
    p += std::string(plugin) + '\0';
    return p;
}

struct Greeting {
    std::string version, scramble, plugin;
    std::uint32_t caps = 0;
};

// Reads one packet's payload (checking its sequence id).
std::string read_packet(Dialogue& d, std::uint8_t seq) {
    const auto header = d.read_exact(4);
    if (header.size() != 4) return {};
    EXPECT_EQ(static_cast<std::uint8_t>(header[3]), seq);
    return d.read_exact(my::parse_header(header).length);
}

Greeting read_greeting(Dialogue& d) {
    const auto payload = read_packet(d, 0);
    Greeting g;
    EXPECT_EQ(payload[0], '\x0a');
    const auto nul = payload.find('\0', 1);
    g.version = payload.substr(1, nul - 1);
    std::size_t at = nul + 1 + 4;
    g.scramble = payload.substr(at, 8);
    at += 9;
    const auto low =
        static_cast<std::uint8_t>(payload[at]) | (static_cast<std::uint8_t>(payload[at + 1]) << 8);
    at += 2 + 1 + 2;
    const auto high =
        static_cast<std::uint8_t>(payload[at]) | (static_cast<std::uint8_t>(payload[at + 1]) << 8);
    g.caps = static_cast<std::uint32_t>(low | (high << 16));
    EXPECT_EQ(payload[at + 2], 21);
    at += 3 + 10;
    g.scramble += payload.substr(at, 12);
    EXPECT_EQ(payload[at + 12], '\0');
    g.plugin = payload.substr(at + 13, payload.size() - at - 14);
    return g;
}

TEST(MysqlCodec, ScramblesMatchTheServersFormulas) {
    // A login captured from libmariadb (password Secret1), checked with Python's hashlib.
    std::string scramble(20, '\0');
    ASSERT_TRUE(from_hex("5d2f5b7e686c2265544f4e2b364b78545a34576e",
                         std::span(reinterpret_cast<std::uint8_t*>(scramble.data()), 20)));
    const auto response = my::native_password_response("Secret1", scramble);
    EXPECT_EQ(my::native_password_hash(scramble, response),
              "$mysqlna$5d2f5b7e686c2265544f4e2b364b78545a34576e*"
              "49b1b2204c104f706fcd7ec502b38a7bcb223264");
    EXPECT_EQ(my::caching_sha2_response("Secret1", scramble).size(), 32u);
    EXPECT_EQ(my::native_password_response("", scramble), "");
}

TEST(MysqlCodec, GreetingIsMariadbsByteForByte) {
    // Captured from mariadbd 10.11.19 (Debian 12, --no-defaults: latin1, no TLS).
    my::Greeting g{"5.5.5-10.11.19-MariaDB-0+deb12u1",
                   3,
                   "G5ti2[Uvs`gc;:Sq_hlg",
                   0x81fff7fe,
                   0x08,
                   my::kStatusAutocommit,
                   "mysql_native_password"};
    g.mariadb_capabilities = 0x1d;
    std::string expected(104, '\0');
    ASSERT_TRUE(from_hex(
        "640000000a352e352e352d31302e31312e31392d4d6172696144422d302b64656231327531000300000047"
        "357469325b557600fef7080200ff81150000000000001d000000736067633b3a53715f686c67006d7973716c"
        "5f6e61746976655f70617373776f726400",
        std::span(reinterpret_cast<std::uint8_t*>(expected.data()), expected.size())));
    EXPECT_EQ(my::packet(0, my::greeting_payload(g)), expected);
}

TEST(MysqlCodec, ParsesHandshakeResponsesAndRefusesTruncatedOnes) {
    const auto payload =
        handshake_response("root", std::string(20, 'r'), "mysql_native_password", "shop");
    const auto h = my::parse_handshake_response(payload);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->user, "root");
    EXPECT_EQ(h->auth_response, std::string(20, 'r'));
    EXPECT_EQ(h->database, "shop");
    EXPECT_EQ(h->plugin, "mysql_native_password");
    // Every truncation: a clean answer, never a read past the end.
    for (std::size_t n = 0; n < payload.size(); ++n)
        (void)my::parse_handshake_response(payload.substr(0, n));
    // A length byte that lies (longer than what follows).
    auto lying = payload.substr(0, 32) + "root\0"s + "\xff" + "abc";
    EXPECT_FALSE(my::parse_handshake_response(lying));
    // An SSL request: the 32-byte prefix with CLIENT_SSL.
    const auto ssl =
        le32(my::kClientProtocol41 | my::kClientSsl) + le32(1) + "\x21"s + std::string(23, '\0');
    ASSERT_TRUE(my::parse_handshake_response(ssl));
    EXPECT_TRUE(my::parse_handshake_response(ssl)->ssl_request);
    // Pre-4.1 clients: MySQL answers "Bad handshake".
    EXPECT_FALSE(my::parse_handshake_response(le32(0) + le32(1) + "\x21"s + std::string(23, '\0') +
                                              "root\0"s));
}

my::Server bait_server(bool mariadb = true) {
    DbFacts facts;
    facts.hostname = "db-prod-02";
    facts.domain = "corp.local";
    facts.app = "crm";
    facts.people = {"jsmith"};
    return my::Server{mariadb ? "5.5.5-10.11.6-MariaDB-0+deb12u1" : "8.0.40",
                      "Debian 12",
                      "db-prod-02",
                      "debian-linux-gnu",
                      mariadb,
                      make_db_bait(facts)};
}

TEST(MysqlSql, AnswersTheReadOnlyWorld) {
    const auto server = bait_server();
    my::Connection c{"root", "203.0.113.7", {}, 9};
    auto a = my::run_query(server, c, "SHOW DATABASES;");
    ASSERT_EQ(a.kind, my::Answer::rows);
    std::vector<std::string> names;
    for (const auto& row : a.result) names.push_back(*row[0]);
    EXPECT_EQ(names, (std::vector<std::string>{"crm_prod", "information_schema", "mysql",
                                               "performance_schema", "shop", "sys"}));
    a = my::run_query(server, c, "show tables");
    EXPECT_EQ(a.kind, my::Answer::error);
    EXPECT_EQ(a.code, 1046);
    EXPECT_EQ(my::run_query(server, c, "use nosuch").message, "Unknown database 'nosuch'");
    EXPECT_EQ(my::run_query(server, c, "USE `shop`").kind, my::Answer::ok);
    a = my::run_query(server, c, "select username, password_hash from users limit 2");
    ASSERT_EQ(a.kind, my::Answer::rows);
    ASSERT_EQ(a.result.size(), 2u);
    EXPECT_EQ(*a.result[0][0], "jsmith");  // the decky's admin has an account in the app
    EXPECT_TRUE(a.result[0][1]->starts_with("$2y$10$"));
    a = my::run_query(server, c, "SELECT COUNT(*) FROM shop.payments");
    EXPECT_EQ(*a.result[0][0], "12");
    a = my::run_query(server, c, "select @@version, @@hostname, version(), user()");
    EXPECT_EQ(*a.result[0][0], "10.11.6-MariaDB-0+deb12u1");
    EXPECT_EQ(*a.result[0][1], "db-prod-02");
    EXPECT_EQ(*a.result[0][3], "root@203.0.113.7");
    EXPECT_EQ(my::run_query(server, c, "select @@nope").code, 1193);
    EXPECT_EQ(my::run_query(server, c, "select * from nope").message,
              "Table 'shop.nope' doesn't exist");
    a = my::run_query(server, c, "hello world");
    EXPECT_EQ(a.code, 1064);
    EXPECT_EQ(a.message,
              "You have an error in your SQL syntax; check the manual that corresponds to your "
              "MariaDB server version for the right syntax to use near 'hello world' at line 1");
}

TEST(MysqlSql, ClassifiesWritesAndDestruction) {
    const auto server = bait_server(false);
    my::Connection c{"root", "203.0.113.7", "shop", 9};
    auto a = my::run_query(server, c, "DROP DATABASE shop");
    EXPECT_EQ(a.capture, "destructive");
    EXPECT_EQ(a.affected, 3u);
    EXPECT_EQ(my::run_query(server, c, "delete from users").affected, 11u);
    EXPECT_EQ(my::run_query(server, c,
                            "INSERT INTO README_TO_RECOVER VALUES ('send 0.05 BTC to bc1q...')")
                  .capture,
              "ransom_note");
    EXPECT_EQ(my::run_query(server, c, "insert into t values (1),(2),(3)").affected, 3u);
    EXPECT_EQ(my::run_query(server, c, "insert into t values (1)").capture, "write");
    a = my::run_query(server, c,
                      "select '<?php system($_GET[c]); ?>' into outfile '/var/www/x.php'");
    EXPECT_EQ(a.capture, "exploit");
    EXPECT_EQ(a.code, 1290);
    EXPECT_EQ(
        my::run_query(server, c, "CREATE FUNCTION sys_exec RETURNS int SONAME 'lib.so'").capture,
        "exploit");
    // Still there: the world is read-only.
    EXPECT_EQ(my::run_query(server, c, "show tables").result.size(), 3u);
}

TEST(MysqlDialogue, RefusesLikeTheServerAndCapturesACrackableHash) {
    Dialogue d("mysql", DialogueOptions{.distro = "debian"});
    const auto g = read_greeting(d);
    EXPECT_EQ(g.version, "5.5.5-10.11.19-MariaDB-0+deb12u1");
    EXPECT_EQ(g.plugin, "mysql_native_password");
    EXPECT_EQ(g.scramble.size(), 20u);
    EXPECT_EQ(g.scramble.find('\0'), std::string::npos);
    EXPECT_TRUE(g.caps & my::kClientSsl);
    const auto response = my::native_password_response("hunter2", g.scramble);
    ASSERT_TRUE(
        d.send(my::packet(1, handshake_response("root", response, "mysql_native_password"))));
    const auto err = read_packet(d, 2);
    EXPECT_EQ(err,
              "\xff\x15\x04#28000Access denied for user 'root'@'203.0.113.7' "
              "(using password: YES)"s);
    d.expect_closed();
    const auto events = d.finish();
    EXPECT_EQ(event_types(events), (std::vector<std::string>{"connect", "auth", "disconnect"}));
    const auto& auth = first_event(events, "auth");
    EXPECT_EQ(field(auth, "username"), "root");
    EXPECT_EQ(field(auth, "password"), my::native_password_hash(g.scramble, response));
    EXPECT_EQ(field(auth, "credential_type"), "mysqlna");
    EXPECT_EQ(field(auth, "status"), "failed");
}

TEST(MysqlDialogue, TwoConnectionsGetDifferentScrambles) {
    Dialogue a("mysql");
    Dialogue b("mysql");
    EXPECT_NE(read_greeting(a).scramble, read_greeting(b).scramble);
}

TEST(MysqlDialogue, AcceptedLoginSplitAtEveryByteReachesTheBait) {
    Dialogue d("mysql", DialogueOptions{.persona = {{"accept", "list"}, {"logins", "app:s3cret"}},
                                        .distro = "ubuntu22"});
    const auto g = read_greeting(d);
    EXPECT_EQ(g.version, "8.0.40-0ubuntu0.22.04.1");
    EXPECT_EQ(g.plugin, "caching_sha2_password");
    const auto response = my::caching_sha2_response("s3cret", g.scramble);
    const auto hello =
        my::packet(1, handshake_response("app", response, "caching_sha2_password", "shop"));
    for (const char c : hello) ASSERT_TRUE(d.send(std::string(1, c)));
    EXPECT_EQ(read_packet(d, 2), "\x01\x03"s);  // fast authentication succeeded
    EXPECT_EQ(read_packet(d, 3)[0], '\0');      // OK
    const auto query = my::packet(0, "\x03SELECT * FROM users LIMIT 1"s);
    for (const char c : query) ASSERT_TRUE(d.send(std::string(1, c)));
    EXPECT_EQ(read_packet(d, 1), "\x06"s);  // six columns
    for (int i = 0; i < 6; ++i) read_packet(d, static_cast<std::uint8_t>(2 + i));
    EXPECT_EQ(read_packet(d, 8)[0], '\xfe');  // EOF (no CLIENT_DEPRECATE_EOF asked)
    const auto row = read_packet(d, 9);
    EXPECT_NE(row.find("$2y$10$"), std::string::npos);
    EXPECT_EQ(read_packet(d, 10)[0], '\xfe');
    ASSERT_TRUE(d.send(my::packet(0,
                                  "\x03"
                                  "DROP TABLE users"s)));
    EXPECT_EQ(read_packet(d, 1)[0], '\0');
    ASSERT_TRUE(d.send(my::packet(0, "\x01"s)));
    d.expect_closed();
    const auto events = d.finish();
    EXPECT_EQ(field(first_event(events, "auth"), "status"), "success");
    EXPECT_EQ(field(first_event(events, "auth"), "database"), "shop");
    EXPECT_EQ(field(first_event(events, "destructive"), "query"), "DROP TABLE users");
}

TEST(MysqlDialogue, ClientOfAnotherPluginIsSwitched) {
    Dialogue d("mysql", DialogueOptions{.distro = "ubuntu22"});
    const auto g = read_greeting(d);
    ASSERT_TRUE(d.send(
        my::packet(1, handshake_response("root", my::native_password_response("x", g.scramble),
                                         "mysql_native_password"))));
    EXPECT_EQ(read_packet(d, 2),
              "\xfe"
              "caching_sha2_password\0"s +
                  g.scramble + '\0');
    ASSERT_TRUE(d.send(my::packet(3, my::caching_sha2_response("x", g.scramble))));
    EXPECT_EQ(read_packet(d, 4), "\x01\x04"s);  // full authentication: needs TLS
    d.client().close();
    const auto events = d.finish();
    EXPECT_EQ(field(first_event(events, "auth"), "password"),
              my::caching_sha2_hash(g.scramble, my::caching_sha2_response("x", g.scramble)));
}

TEST(MysqlDialogue, BadHandshakesAndLyingLengthsEndTheSession) {
    {
        Dialogue d("mysql");
        read_greeting(d);
        ASSERT_TRUE(d.send(my::packet(1, "GET / HTTP/1.0\r\n\r\n")));
        EXPECT_EQ(read_packet(d, 2), "\xff\x13\x04#08S01Bad handshake"s);
        d.expect_closed();
        EXPECT_EQ(first_event(d.finish(), "protocol_error").event_type, "protocol_error");
    }
    {
        // A header announcing 16 MiB, then nothing: the session's frame limit ends it.
        Dialogue d("mysql");
        read_greeting(d);
        ASSERT_TRUE(
            d.send("\xff\xff\xff\x01"
                   "abc"s));
        d.expect_closed();
        EXPECT_EQ(event_types(d.finish()), (std::vector<std::string>{"connect", "disconnect"}));
    }
}

}  // namespace
}  // namespace decnet::honeypot
