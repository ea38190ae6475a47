// The mssql emulator: its TDS codec (nmap's PRELOGIN probe answered with the bytes its
// ms-sql-s match reads, LOGIN7 with every field and lying offsets, the password
// obfuscation), its T-SQL (recon functions, sys.databases, bait tables, xp_cmdshell) and
// dialogues over an in-memory session: a login refused with 18456 and captured in clear, a
// login let in by the persona's list running batches, packets split at every byte, lying
// lengths and out-of-order messages ending the session.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <memory>

#include "honeypot/services/mssql/mssql_sql.hpp"
#include "honeypot/services/mssql/tds_protocol.hpp"
#include "support/dialogue.hpp"
#include "wire/ntlm.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;
using decnet::testing::first_event;

std::string le16(std::uint16_t v) {
    return {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
}

std::string le32(std::uint32_t v) {
    return le16(static_cast<std::uint16_t>(v & 0xffff)) + le16(static_cast<std::uint16_t>(v >> 16));
}

std::string u16(std::string_view s) {
    return wire::ntlm::utf16le(s);
}

struct LoginFields {
    std::string host = "ATTACKBOX", user = "sa", password = "secret", app = "sqlmap",
                server = "10.0.0.5", library = "ODBC", language = "", database = "";
    std::uint32_t tds_version = 0x74000004;
};

// A LOGIN7 as a TDS 7.4 client builds it.
std::string login7(const LoginFields& f) {
    std::string fixed = le32(0) + le32(f.tds_version) + le32(4096) + le32(0x07000000) + le32(1234) +
                        le32(0) + "\xe0\x03\x00\x00"s + le32(0) + le32(0x0409);
    std::string data;
    const bool tds72 = f.tds_version >= 0x72000000;
    const std::size_t base = tds72 ? 94 : 86;
    const auto add = [&](std::string_view bytes, std::size_t chars) {
        fixed += le16(static_cast<std::uint16_t>(base + data.size()));
        fixed += le16(static_cast<std::uint16_t>(chars));
        data += bytes;
    };
    add(u16(f.host), f.host.size());
    add(u16(f.user), f.user.size());
    add(tds::obfuscate_password(u16(f.password)), f.password.size());
    add(u16(f.app), f.app.size());
    add(u16(f.server), f.server.size());
    add({}, 0);  // extension
    add(u16(f.library), f.library.size());
    add(u16(f.language), f.language.size());
    add(u16(f.database), f.database.size());
    fixed += "\x00\x50\x56\xaa\xbb\xcc"s;  // client id
    add({}, 0);                            // SSPI
    add({}, 0);                            // attach db file
    if (tds72) {
        add({}, 0);        // change password
        fixed += le32(0);  // cbSSPILong
    }
    EXPECT_EQ(fixed.size(), base);
    auto out = fixed + data;
    const auto total = le32(static_cast<std::uint32_t>(out.size()));
    out.replace(0, 4, total);
    return out;
}

// nmap's ms-sql-s probe (nmap-service-probes).
const std::string kNmapProbe =
    "\x12\x01\x00\x34\x00\x00\x00\x00\x00\x00\x15\x00\x06\x01\x00\x1b\x00\x01\x02\x00\x1c\x00"
    "\x0c\x03\x00\x28\x00\x04\xff\x08\x00\x01\x55\x00\x00\x00MSSQLServer\x00\x48\x0f\x00\x00"s;

std::string prelogin(std::uint8_t encryption) {
    auto p = kNmapProbe;
    p[8 + 27] = static_cast<char>(encryption);
    return p;
}

// One server message (packets up to EOM): its payload.
std::string read_message(Dialogue& d) {
    std::string payload;
    for (int i = 0; i < 64; ++i) {
        const auto head = d.read_exact(8);
        if (head.size() != 8) return payload;
        const auto header = tds::parse_header(head);
        if (!header) return payload;
        payload += d.read_exact(header->length - 8);
        if (header->status & tds::kStatusEom) break;
    }
    return payload;
}

std::string batch(std::string_view sql) {
    // ALL_HEADERS with the transaction descriptor header, as TDS 7.2+ clients send it.
    const std::string headers = le32(22) + le32(18) + le16(2) + std::string(8, '\0') + le32(1);
    return tds::packets(tds::kSqlBatch, headers + u16(sql));
}

TEST(MssqlCodec, AnswersNmapsProbeWithTheBytesItsMatchReads) {
    const auto parsed = tds::parse_prelogin(std::string_view(kNmapProbe).substr(8));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->instance, "MSSQLServer");
    EXPECT_EQ(parsed->encryption, tds::kEncryptOff);
    tds::PreloginReply reply;
    reply.version = {15, 0, 2000, 0};
    reply.mars = parsed->has_mars;
    const auto answer = tds::packets(tds::kTabular, tds::prelogin_reply(reply));
    // nmap-service-probes: Microsoft SQL Server 2019, version 15.00.2000.
    EXPECT_EQ(answer,
              "\x04\x01\x00\x25\x00\x00\x01\x00\x00\x00\x15\x00\x06\x01\x00\x1b\x00\x01\x02\x00"
              "\x1c\x00\x01\x03\x00\x1d\x00\x00\xff\x0f\x00\x07\xd0\x00\x00\x00\x00"s);
    EXPECT_FALSE(tds::parse_prelogin("\x00\x00\x15\x00\x06"s));      // no terminator
    EXPECT_FALSE(tds::parse_prelogin("\x00\xff\x00\x00\x06\xff"s));  // points outside
}

TEST(MssqlCodec, ParsesLogin7AndRefusesLyingOffsets) {
    LoginFields f;
    f.database = "erp_prod";
    const auto bytes = login7(f);
    const auto l = tds::parse_login7(bytes);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->username, "sa");
    EXPECT_EQ(l->password, "secret");
    EXPECT_EQ(l->hostname, "ATTACKBOX");
    EXPECT_EQ(l->app_name, "sqlmap");
    EXPECT_EQ(l->server_name, "10.0.0.5");
    EXPECT_EQ(l->library, "ODBC");
    EXPECT_EQ(l->database, "erp_prod");
    EXPECT_EQ(tds::tds_version_name(l->tds_version), "7.4");
    EXPECT_EQ(tds::deobfuscate_password(tds::obfuscate_password("\xa2\x05"s)), "\xa2\x05"s);
    // sa's "secret" as SQL Server's clients send it: nibbles swapped, XOR 0xA5.
    EXPECT_EQ(tds::obfuscate_password("s"s), "\x92"s);
    // A username said to lie past the end.
    auto lying = bytes;
    lying[42] = '\x7f';
    EXPECT_FALSE(tds::parse_login7(lying));
    for (std::size_t n = 0; n < bytes.size(); ++n) (void)tds::parse_login7(bytes.substr(0, n));
    EXPECT_FALSE(tds::parse_login7(bytes.substr(0, 93)));
    // TDS 7.1 (impacket): an 86-byte fixed part, data right after it.
    LoginFields old;
    old.tds_version = 0x71000000;
    auto v71 = login7(old);
    ASSERT_TRUE(tds::parse_login7(v71));
    EXPECT_EQ(tds::parse_login7(v71)->password, "secret");
}

TEST(MssqlCodec, SplitsMessagesIntoPacketsOfTheNegotiatedSize) {
    const std::string payload(9000, 'x');
    const auto out = tds::packets(tds::kTabular, payload, 52, 4096);
    ASSERT_EQ(out.size(), 9000u + 3 * 8);
    EXPECT_EQ(out.substr(0, 8), "\x04\x00\x10\x00\x00\x34\x01\x00"s);
    EXPECT_EQ(out[4096 + 1], '\0');
    EXPECT_EQ(out[8192 + 1], '\x01');  // EOM on the last
    EXPECT_FALSE(tds::parse_header("\x04\x01\x00\x05\x00\x00\x01\x00"s));
}

mssql::Server bait_server() {
    DbFacts facts;
    facts.app = "erp";
    facts.people = {"jsmith"};
    return mssql::Server{"Microsoft SQL Server 2019 (RTM) - 15.0.2000.5 (X64) ...",
                         "15.0.2000.5",
                         "RTM",
                         "Standard Edition (64-bit)",
                         "SQL01",
                         make_db_bait(facts)};
}

TEST(MssqlSql, AnswersReconAndBaitAndRefusesXpCmdshell) {
    const auto server = bait_server();
    mssql::Connection c{"sa", "master", "203.0.113.7", "ATTACKBOX", "sqlmap", 52};
    auto r = mssql::run_batch(server, c,
                              "SELECT @@VERSION; SELECT DB_NAME(), SYSTEM_USER AS who, "
                              "SERVERPROPERTY('ProductVersion')");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].values.at(0).at(0), server.banner);
    EXPECT_EQ(r[0].columns.at(0).name, "");
    EXPECT_EQ(r[1].values.at(0).at(0), "master");
    EXPECT_EQ(r[1].columns.at(1).name, "who");
    EXPECT_EQ(r[1].values.at(0).at(1), "sa");
    EXPECT_EQ(r[1].values.at(0).at(2), "15.0.2000.5");

    r = mssql::run_batch(server, c, "SELECT name FROM sys.databases");
    ASSERT_EQ(r.size(), 1u);
    ASSERT_GE(r[0].values.size(), 6u);
    EXPECT_EQ(r[0].values[0][0], "master");
    EXPECT_EQ(r[0].values[4][0], "erp_prod");

    r = mssql::run_batch(server, c, "USE erp_prod; SELECT TOP 2 * FROM dbo.users");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].database, "erp_prod");
    EXPECT_EQ(c.database, "erp_prod");
    EXPECT_EQ(r[1].kind, mssql::Result::rows);
    EXPECT_EQ(r[1].values.size(), 2u);

    r = mssql::run_batch(server, c, "EXEC master..xp_cmdshell 'whoami'");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].message.number, 15281);
    EXPECT_EQ(r[0].capture, "exploit");
    r = mssql::run_batch(server, c, "EXEC sp_configure 'xp_cmdshell', 1; RECONFIGURE");
    EXPECT_EQ(r.at(0).message.number, 15247);
    EXPECT_EQ(r.at(0).capture, "exploit");
    r = mssql::run_batch(server, c, "SELECT * FROM nope");
    EXPECT_EQ(r.at(0).message.text, "Invalid object name 'nope'.");
    r = mssql::run_batch(server, c, "DROP DATABASE erp_prod");
    EXPECT_EQ(r.at(0).capture, "destructive");
    r = mssql::run_batch(server, c, "USE nowhere");
    EXPECT_EQ(r.at(0).message.number, 911);
}

TEST(MssqlDialogue, LoginIsRefusedWith18456AndThePasswordCapturedInClear) {
    Dialogue d("mssql", DialogueOptions{.hostname = "sql01"});
    ASSERT_TRUE(d.send(prelogin(tds::kEncryptNotSup)));
    const auto reply = read_message(d);
    const auto parsed = tds::parse_prelogin(reply);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->encryption, tds::kEncryptNotSup);
    // Linux decky (ubuntu22): SQL Server 2019 all the same.
    EXPECT_EQ(reply.substr(reply.size() - 8, 4), "\x0f\x00\x07\xd0"s);
    ASSERT_TRUE(d.send(tds::packets(tds::kLogin7, login7({}))));
    const auto answer = read_message(d);
    // ERROR 18456, state 1, class 14, then DONE with DONE_ERROR.
    EXPECT_EQ(answer.substr(0, 9),
              "\xaa"s +
                  le16(static_cast<std::uint16_t>(4 + 1 + 1 + 2 + 27 * 2 + 1 + 5 * 2 + 1 + 4)) +
                  le32(18456) + "\x01\x0e"s);
    EXPECT_NE(answer.find(u16("Login failed for user 'sa'.")), std::string::npos);
    EXPECT_NE(answer.find(u16("sql01")), std::string::npos);
    EXPECT_EQ(answer.substr(answer.size() - 13), tds::done_token(tds::kDoneError));
    d.expect_closed();
    const auto events = d.finish();
    const auto& auth = first_event(events, "auth");
    EXPECT_EQ(field(auth, "username"), "sa");
    EXPECT_EQ(field(auth, "password"), "secret");
    EXPECT_EQ(field(auth, "credential_type"), "cleartext");
    EXPECT_EQ(field(auth, "hostname"), "ATTACKBOX");
    EXPECT_EQ(field(auth, "app_name"), "sqlmap");
    EXPECT_EQ(field(auth, "status"), "failed");
    EXPECT_EQ(field(first_event(events, "prelogin"), "client_version"), "8.0.341.0");
}

TEST(MssqlDialogue, AcceptedLoginSplitAtEveryByteRunsBatches) {
    Dialogue d("mssql", DialogueOptions{.persona = {{"accept", "list"},
                                                    {"logins", "sa:Summer2024!"},
                                                    {"version", "2017"},
                                                    {"encryption", "not_supported"}},
                                        .hostname = "sql01"});
    const auto trickle = [&](const std::string& bytes) {
        for (const char c : bytes) ASSERT_TRUE(d.send(std::string(1, c)));
    };
    trickle(prelogin(tds::kEncryptOff));
    const auto reply = read_message(d);
    EXPECT_EQ(tds::parse_prelogin(reply)->encryption, tds::kEncryptNotSup);
    LoginFields f;
    f.password = "Summer2024!";
    trickle(tds::packets(tds::kLogin7, login7(f)));
    const auto welcome = read_message(d);
    EXPECT_NE(welcome.find("\xad"s), std::string::npos);
    EXPECT_NE(welcome.find(u16("Microsoft SQL Server")), std::string::npos);
    EXPECT_NE(welcome.find(u16("Changed database context to 'master'.")), std::string::npos);
    trickle(batch("SELECT @@VERSION"));
    const auto version = read_message(d);
    EXPECT_NE(version.find(u16("Microsoft SQL Server 2017 (RTM) - 14.0.1000.169 (X64)")),
              std::string::npos);
    ASSERT_TRUE(d.send(batch("EXEC xp_cmdshell 'whoami'")));
    const auto refused = read_message(d);
    EXPECT_NE(refused.find(u16("SQL Server blocked access to procedure 'sys.xp_cmdshell'")),
              std::string::npos);
    const auto events = d.finish();
    EXPECT_EQ(field(first_event(events, "auth"), "status"), "success");
    EXPECT_EQ(field(first_event(events, "exploit"), "query"), "EXEC xp_cmdshell 'whoami'");
}

// The client side of TLS inside TDS over memory BIOs: handshake records in PRELOGIN packets,
// then bare records.
class TdsTlsClient {
  public:
    explicit TdsTlsClient(Dialogue& d) : d_(d), ctx_(SSL_CTX_new(TLS_client_method())) {
        ssl_ = SSL_new(ctx_);
        in_ = BIO_new(BIO_s_mem());
        out_ = BIO_new(BIO_s_mem());
        SSL_set_bio(ssl_, in_, out_);
        SSL_set_connect_state(ssl_);
    }
    ~TdsTlsClient() {
        SSL_free(ssl_);
        SSL_CTX_free(ctx_);
    }
    bool handshake() {
        for (int round = 0; round < 10; ++round) {
            const int r = SSL_do_handshake(ssl_);
            const auto bytes = drain();
            if (!bytes.empty() && !d_.send(tds::packets(tds::kPrelogin, bytes))) return false;
            if (r == 1) return true;
            if (SSL_get_error(ssl_, r) != SSL_ERROR_WANT_READ) return false;
            const auto answer = read_message(d_);
            if (answer.empty()) return false;
            BIO_write(in_, answer.data(), static_cast<int>(answer.size()));
        }
        return false;
    }
    bool send(std::string_view plain) {
        SSL_write(ssl_, plain.data(), static_cast<int>(plain.size()));
        return d_.send(drain());
    }
    // One TDS message's payload, decrypted.
    std::string read() {
        std::string plain;
        for (int i = 0; i < 50; ++i) {
            char chunk[4096];
            int n = 0;
            while ((n = SSL_read(ssl_, chunk, sizeof chunk)) > 0) plain.append(chunk, n);
            if (plain.size() >= 8) {
                const auto h = tds::parse_header(plain);
                if (h && plain.size() >= h->length && (h->status & tds::kStatusEom))
                    return plain.substr(8, h->length - 8);
            }
            const auto raw = d_.read_for(std::chrono::milliseconds(100));
            BIO_write(in_, raw.data(), static_cast<int>(raw.size()));
        }
        return {};
    }
    std::string version() const { return SSL_get_version(ssl_); }

  private:
    std::string drain() {
        std::string bytes;
        char chunk[4096];
        int n = 0;
        while ((n = BIO_read(out_, chunk, sizeof chunk)) > 0) bytes.append(chunk, n);
        return bytes;
    }
    Dialogue& d_;
    SSL_CTX* ctx_;
    SSL* ssl_ = nullptr;
    BIO* in_ = nullptr;
    BIO* out_ = nullptr;
};

TEST(MssqlDialogue, TlsInsideTdsForTheLoginOnlyOrTheWholeSession) {
    {
        // ENCRYPT_OFF both ways: the LOGIN7 over TLS, the answer in clear.
        Dialogue d("mssql", DialogueOptions{.hostname = "sql01"});
        ASSERT_TRUE(d.send(prelogin(tds::kEncryptOff)));
        EXPECT_EQ(tds::parse_prelogin(read_message(d))->encryption, tds::kEncryptOff);
        TdsTlsClient tls(d);
        ASSERT_TRUE(tls.handshake());
        EXPECT_EQ(tls.version(), "TLSv1.2");
        ASSERT_TRUE(tls.send(tds::packets(tds::kLogin7, login7({}))));
        EXPECT_NE(read_message(d).find(u16("Login failed for user 'sa'.")), std::string::npos);
        const auto events = d.finish();
        EXPECT_EQ(field(first_event(events, "auth"), "password"), "secret");
        EXPECT_EQ(field(first_event(events, "auth"), "tls"), "True");
    }
    {
        // A persona that requires encryption: all of it over TLS.
        Dialogue d("mssql",
                   DialogueOptions{.persona = {{"encryption", "required"}, {"accept", "any"}}});
        ASSERT_TRUE(d.send(prelogin(tds::kEncryptOff)));
        EXPECT_EQ(tds::parse_prelogin(read_message(d))->encryption, tds::kEncryptReq);
        TdsTlsClient tls(d);
        ASSERT_TRUE(tls.handshake());
        ASSERT_TRUE(tls.send(tds::packets(tds::kLogin7, login7({}))));
        EXPECT_NE(tls.read().find("\xad"s), std::string::npos);  // LOGINACK
        ASSERT_TRUE(tls.send(batch("SELECT SYSTEM_USER")));
        EXPECT_NE(tls.read().find(u16("sa")), std::string::npos);
        EXPECT_EQ(field(first_event(d.finish(), "auth"), "status"), "success");
    }
}

TEST(MssqlDialogue, LyingLengthsAndOutOfOrderMessagesEndTheSession) {
    {
        Dialogue d("mssql");
        ASSERT_TRUE(d.send("\x12\x01\x00\x05\x00\x00\x00\x00"s));
        d.expect_closed();
        EXPECT_EQ(field(first_event(d.finish(), "protocol_error"), "error"),
                  "packet length below the header's 8 bytes");
    }
    {
        Dialogue d("mssql");
        ASSERT_TRUE(d.send("\x12\x01\xff\xff\x00\x00\x00\x00"s));
        d.expect_closed();
        EXPECT_EQ(field(first_event(d.finish(), "protocol_error"), "error"),
                  "packet length 65535 over 32767");
    }
    {
        // A bot that ignores ENCRYPT_OFF and sends its LOGIN7 in clear: kept, then a hang-up.
        Dialogue d("mssql");
        ASSERT_TRUE(d.send(prelogin(tds::kEncryptOff)));
        (void)read_message(d);
        ASSERT_TRUE(d.send(tds::packets(tds::kLogin7, login7({}))));
        d.expect_closed();
        const auto events = d.finish();
        EXPECT_EQ(field(first_event(events, "auth"), "password"), "secret");
        EXPECT_EQ(field(first_event(events, "auth"), "tls"), "False");
    }
    {
        // An unknown packet type ends the session at its header (MS-TDS 2.2.3.1.1), not
        // after the rest of a message: nmap's RPCCheck probe (0x80, no EOM) is one.
        Dialogue d("mssql");
        ASSERT_TRUE(d.send("\x80\x00\x00\x28\x72\xfe\x1d\x13"s + std::string(32, '\0')));
        d.expect_closed();
        EXPECT_EQ(field(first_event(d.finish(), "protocol_error"), "error"),
                  "unknown packet type 128");
    }
    {
        Dialogue d("mssql");  // LOGIN7 before PRELOGIN
        ASSERT_TRUE(d.send(tds::packets(tds::kLogin7, login7({}))));
        d.expect_closed();
        EXPECT_EQ(first_event(d.finish(), "protocol_error").event_type, "protocol_error");
    }
    {
        Dialogue d("mssql");  // a PRELOGIN bigger than the server takes, in many packets
        std::string many;
        for (int i = 0; i < 3; ++i)
            many += "\x12\x00\x07\xd0\x00\x00\x00\x00"s + std::string(2000 - 8, 'A');
        ASSERT_TRUE(d.send(many));
        d.expect_closed();
        EXPECT_EQ(field(first_event(d.finish(), "protocol_error"), "error"),
                  "message over 4096 bytes");
    }
}

}  // namespace
}  // namespace decnet::honeypot
