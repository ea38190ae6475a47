// The smtp and smtp_relay dialogue over an in-memory session: the persona MTA's greeting and
// EHLO (Postfix, Exim, Exchange), AUTH PLAIN/LOGIN/CRAM-MD5 captured (and let in by the
// accept policy), relaying refused or accepted, mail for local users kept with its
// attachments, VRFY/EXPN logged, and the bounds: line length, message size, hard error
// limit, pipelining. Also the pure parts (paths, SASL, MIME).
#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "honeypot/auth/ntlm_crypto.hpp"
#include "honeypot/services/smtp/smtp_protocol.hpp"
#include "support/dialogue.hpp"
#include "wire/ntlm.hpp"

namespace decnet::honeypot {
namespace {

using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;

std::string command(Dialogue& d, const std::string& line, std::string_view until = "\r\n") {
    EXPECT_TRUE(d.send(line + "\r\n"));
    return d.read_until(until);
}

// The last line of a multi-line reply (EHLO) ends with "250 " + keyword.
std::string ehlo(Dialogue& d) {
    EXPECT_TRUE(d.send("EHLO attacker.example\r\n"));
    std::string all;
    for (int i = 0; i < 20; ++i) {
        const auto line = d.read_until("\r\n");
        all += line;
        if (line.size() < 4 || line[3] == ' ') break;
    }
    return all;
}

DialogueOptions with(PersonaConfig persona, std::string distro = "ubuntu22") {
    DialogueOptions o;
    o.persona = std::move(persona);
    o.distro = std::move(distro);
    return o;
}

TEST(Smtp, GreetsAndAnswersEhloAsPostfix) {
    Dialogue d("smtp", with({}, "debian"));
    EXPECT_EQ(d.read_until("\r\n"), "220 web-prod-03 ESMTP Postfix (Debian/GNU)\r\n");
    EXPECT_EQ(ehlo(d),
              "250-web-prod-03\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n"
              "250-STARTTLS\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-ENHANCEDSTATUSCODES\r\n"
              "250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n");
    EXPECT_EQ(command(d, "HELO x"), "250 web-prod-03\r\n");
    EXPECT_EQ(command(d, "EHLO"), "501 Syntax: EHLO hostname\r\n");
    EXPECT_EQ(command(d, "XYZZY"), "502 5.5.2 Error: command not recognized\r\n");
    EXPECT_EQ(command(d, "QUIT"), "221 2.0.0 Bye\r\n");
    d.expect_closed();
    const auto events = d.finish();
    EXPECT_EQ(field(events[1], "domain"), "attacker.example");
    EXPECT_EQ(field(d.event("unknown_command"), "command"), "XYZZY");
}

TEST(Smtp, UbuntuEximAndExchangePersonas) {
    {
        Dialogue d("smtp");
        EXPECT_EQ(d.read_until("\r\n"), "220 web-prod-03 ESMTP Postfix (Ubuntu)\r\n");
    }
    {
        Dialogue d("smtp", with({{"product", "exim"}}, "debian"));
        EXPECT_TRUE(d.read_until("\r\n").starts_with("220 web-prod-03 ESMTP Exim 4.96 "));
        const auto caps = ehlo(d);
        EXPECT_TRUE(caps.starts_with("250-web-prod-03 Hello attacker.example [203.0.113.7]\r\n"))
            << caps;
        EXPECT_NE(caps.find("250-SIZE 52428800\r\n"), std::string::npos);
        EXPECT_NE(caps.find("250 HELP\r\n"), std::string::npos);
        EXPECT_EQ(command(d, "MAIL FROM:<a@b.c>"), "250 OK\r\n");
        EXPECT_EQ(command(d, "RCPT TO:<x@gmail.com>"), "550 relay not permitted\r\n");
    }
    {
        Dialogue d("smtp", with({{"product", "exchange"}, {"mta", "EXCH01.corp.local"}}));
        EXPECT_TRUE(d.read_until("\r\n").starts_with(
            "220 EXCH01.corp.local Microsoft ESMTP MAIL Service ready at "));
        const auto caps = ehlo(d);
        EXPECT_NE(caps.find("250-X-ANONYMOUSTLS\r\n"), std::string::npos) << caps;
        EXPECT_EQ(command(d, "FOO"), "500 5.3.3 Unrecognized command 'FOO'\r\n");
    }
}

TEST(Smtp, AuthLoginAndPlainAreCapturedAndRefused) {
    Dialogue d("smtp");
    d.read_until("\r\n");
    ehlo(d);
    EXPECT_EQ(command(d, "AUTH LOGIN"), "334 VXNlcm5hbWU6\r\n");
    EXPECT_EQ(command(d, base64_encode("admin")), "334 UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(command(d, base64_encode("hunter2")),
              "535 5.7.8 Error: authentication failed: authentication failure\r\n");
    EXPECT_EQ(command(d, "AUTH PLAIN " + base64_encode(std::string("\0bob\0s3cret", 11))),
              "535 5.7.8 Error: authentication failed: authentication failure\r\n");
    EXPECT_EQ(command(d, "AUTH PLAIN"), "334 \r\n");
    EXPECT_EQ(command(d, "*"), "501 5.7.0 Authentication aborted\r\n");
    EXPECT_EQ(command(d, "AUTH PLAIN !!!"),
              "535 5.7.8 Error: authentication failed: Invalid base64 data in response\r\n");
    EXPECT_EQ(command(d, "AUTH GSSAPI"),
              "535 5.7.8 Error: authentication failed: Invalid authentication mechanism\r\n");
    const auto events = d.finish();
    std::vector<std::string> creds;
    for (const auto& e : events)
        if (e.event_type == "auth_attempt") {
            EXPECT_EQ(e.severity, Severity::warning);
            EXPECT_EQ(field(e, "status"), "failed");
            creds.push_back(field(e, "mechanism") + " " + field(e, "username") + ":" +
                            field(e, "password"));
        }
    EXPECT_EQ(creds, (std::vector<std::string>{"LOGIN admin:hunter2", "PLAIN bob:s3cret"}));
}

TEST(Smtp, CramMd5IsCapturedCrackableAndLetInWithAListedPassword) {
    Dialogue d("smtp", with({{"accept", "list"}, {"logins", "tim:tanstaaftanstaaf"}}));
    d.read_until("\r\n");
    ehlo(d);
    const auto challenge_line = command(d, "AUTH CRAM-MD5");
    ASSERT_TRUE(challenge_line.starts_with("334 "));
    const auto challenge = *base64_decode(challenge_line.substr(4, challenge_line.size() - 6));
    EXPECT_TRUE(challenge.starts_with("<") && challenge.ends_with("@web-prod-03>")) << challenge;
    const auto answer = base64_encode("tim " + smtp::cram_digest("tanstaaftanstaaf", challenge));
    EXPECT_EQ(command(d, answer), "235 2.7.0 Authentication successful\r\n");
    EXPECT_EQ(command(d, "AUTH PLAIN x"), "503 5.5.1 Error: already authenticated\r\n");
    // Authenticated clients may relay (permit_sasl_authenticated): kept, never delivered.
    EXPECT_EQ(command(d, "MAIL FROM:<tim@web-prod-03>"), "250 2.1.0 Ok\r\n");
    EXPECT_EQ(command(d, "RCPT TO:<someone@gmail.com>"), "250 2.1.5 Ok\r\n");
    const auto auth = d.event("auth_attempt");
    EXPECT_EQ(field(auth, "username"), "tim");
    EXPECT_EQ(field(auth, "credential_type"), "cram_md5");
    EXPECT_EQ(field(auth, "password"), "$cram_md5$" + base64_encode(challenge) + "$" + answer);
    EXPECT_EQ(field(auth, "status"), "success");
}

TEST(Smtp, RelayIsRefusedAndLocalMailIsKeptWithItsAttachment) {
    Dialogue d("smtp");
    d.read_until("\r\n");
    EXPECT_EQ(command(d, "MAIL FROM:<a@b.c>"), "503 5.5.1 Error: send HELO/EHLO first\r\n");
    ehlo(d);
    EXPECT_EQ(command(d, "RCPT TO:<root@web-prod-03>"), "503 5.5.1 Error: need MAIL command\r\n");
    EXPECT_EQ(command(d, "MAIL FROM:<spammer@evil.example> SIZE=1200"), "250 2.1.0 Ok\r\n");
    EXPECT_EQ(command(d, "MAIL FROM:<x@y>"), "503 5.5.1 Error: nested MAIL command\r\n");
    EXPECT_EQ(command(d, "DATA"), "503 5.5.1 Error: need RCPT command\r\n");
    EXPECT_EQ(command(d, "RCPT TO:<victim@gmail.com>"),
              "554 5.7.1 <victim@gmail.com>: Relay access denied\r\n");
    EXPECT_EQ(command(d, "RCPT TO:<nosuchuser@web-prod-03>"),
              "550 5.1.1 <nosuchuser@web-prod-03>: Recipient address rejected: User unknown in "
              "local recipient table\r\n");
    EXPECT_EQ(command(d, "RCPT TO:<root@web-prod-03>"), "250 2.1.5 Ok\r\n");
    EXPECT_EQ(command(d, "RCPT TO:<postmaster>"), "250 2.1.5 Ok\r\n");
    EXPECT_EQ(command(d, "DATA"), "354 End data with <CR><LF>.<CR><LF>\r\n");
    const std::string message =
        "From: a@b\r\nSubject: invoice\r\nMessage-ID: <m1@b>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n"
        "\r\n..dotted line\r\n--XX\r\nContent-Type: application/x-sh; name=\"run.sh\"\r\n"
        "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; "
        "filename=\"run.sh\"\r\n\r\n" +
        base64_encode("#!/bin/sh\nid\n") + "\r\n--XX--\r\n.\r\n";
    const auto queued = command(d, message);
    EXPECT_TRUE(queued.starts_with("250 2.0.0 Ok: queued as ")) << queued;
    const auto id = queued.substr(24, 10);
    const auto events = d.finish();
    const auto& denied = decnet::testing::first_event(events, "rcpt_denied");
    EXPECT_EQ(field(denied, "reason"), "relay");
    EXPECT_EQ(denied.severity, Severity::warning);
    const auto accepted = d.event("message_accepted");
    EXPECT_EQ(field(accepted, "mail_from"), "spammer@evil.example");
    EXPECT_EQ(field(accepted, "rcpt_to"), "root@web-prod-03,postmaster");
    EXPECT_EQ(field(accepted, "queue_id"), id);
    EXPECT_EQ(field(accepted, "subject"), "invoice");
    EXPECT_EQ(field(accepted, "attachments"), "1");
    EXPECT_EQ(field(accepted, "relay_test"), "False");
    const auto file = d.event("file_captured");
    EXPECT_EQ(field(file, "filename"), "run.sh");
    EXPECT_EQ(field(file, "size"), "13");
    EXPECT_EQ(field(file, "origin"), "smtp:" + id);
    EXPECT_EQ(field(file, "mime"), "text/x-shellscript");
}

TEST(Smtp, VrfyAndExpnAreLoggedAsEnumeration) {
    Dialogue d("smtp");
    d.read_until("\r\n");
    ehlo(d);
    EXPECT_EQ(command(d, "VRFY root"), "252 2.0.0 root\r\n");
    EXPECT_EQ(command(d, "VRFY <ghost@web-prod-03>"),
              "550 5.1.1 <ghost@web-prod-03>: Recipient address rejected: User unknown in local "
              "recipient table\r\n");
    EXPECT_EQ(command(d, "VRFY"), "501 5.5.4 Syntax: VRFY address\r\n");
    EXPECT_EQ(command(d, "EXPN staff"), "502 5.5.2 Error: command not recognized\r\n");
    const auto events = d.finish();
    std::vector<std::string> probes;
    for (const auto& e : events)
        if (e.event_type == "vrfy" || e.event_type == "expn")
            probes.push_back(e.event_type + ":" + field(e, "value") + ":" + field(e, "exists"));
    EXPECT_EQ(probes, (std::vector<std::string>{"vrfy:root:True", "vrfy:ghost@web-prod-03:False",
                                                "expn:staff:<absent>"}));
}

TEST(Smtp, SizeLimitsLongLinesAndErrorsAreBounded) {
    Dialogue d("smtp", with({{"message_size_limit", "2048"}}));
    d.read_until("\r\n");
    ehlo(d);
    EXPECT_EQ(command(d, "MAIL FROM:<a@b> SIZE=99999999"),
              "552 5.3.4 Message size exceeds fixed limit\r\n");
    EXPECT_EQ(command(d, "MAIL FROM:<a@b>"), "250 2.1.0 Ok\r\n");
    EXPECT_EQ(command(d, "RCPT TO:<root@localhost>"), "250 2.1.5 Ok\r\n");
    EXPECT_EQ(command(d, "DATA"), "354 End data with <CR><LF>.<CR><LF>\r\n");
    // 200 KB of one line without CRLF, then the end: cut, discarded, refused.
    EXPECT_TRUE(d.send(std::string(200000, 'A')));
    EXPECT_EQ(command(d, "\r\n."), "552 5.3.4 Message size exceeds fixed limit\r\n");
    EXPECT_EQ(field(d.event("message_rejected"), "reason"), "size_limit");
    // A command line over 2048 bytes is refused, and the session goes on.
    EXPECT_EQ(command(d, "NOOP " + std::string(5000, 'x')), "500 5.5.0 Error: line too long\r\n");
    EXPECT_EQ(command(d, "NOOP"), "250 2.0.0 Ok\r\n");
    // Postfix's hard error limit (20) ends the session.
    std::string junk;
    for (int i = 0; i < 25; ++i) junk += "BOGUS\r\n";
    EXPECT_TRUE(d.send(junk));
    const auto rest = d.expect_closed();
    EXPECT_NE(rest.find("421 4.7.0 web-prod-03 Error: too many errors\r\n"), std::string::npos);
}

TEST(Smtp, PipelinedCommandsAreAnsweredInOrderAndImproperPipeliningIsLogged) {
    Dialogue d("smtp");
    d.read_until("\r\n");
    EXPECT_TRUE(d.send("EHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<root@localhost>\r\nDATA\r\n"));
    d.read_until("250 CHUNKING\r\n");
    EXPECT_EQ(d.read_until("\r\n"), "250 2.1.0 Ok\r\n");
    EXPECT_EQ(d.read_until("\r\n"), "250 2.1.5 Ok\r\n");
    EXPECT_EQ(d.read_until("\r\n"), "354 End data with <CR><LF>.<CR><LF>\r\n");
    EXPECT_TRUE(command(d, "hi\r\n.").starts_with("250 2.0.0 Ok: queued as "));
    // A GET is a web client: Postfix says goodbye.
    EXPECT_EQ(command(d, "GET / HTTP/1.0"),
              "221 2.7.0 Error: I can break rules, too. Goodbye.\r\n");
    d.expect_closed();
    EXPECT_EQ(field(d.event("improper_pipelining"), "after"), "EHLO");
}

TEST(Smtp, BdatChunksMakeAMessage) {
    Dialogue d("smtp");
    d.read_until("\r\n");
    ehlo(d);
    command(d, "MAIL FROM:<a@b>");
    command(d, "RCPT TO:<root@localhost>");
    EXPECT_TRUE(d.send("BDAT 10\r\nSubject: h"));
    EXPECT_EQ(d.read_until("\r\n"), "250 2.0.0 Ok: 10 bytes\r\n");
    EXPECT_TRUE(d.send("BDAT 7 LAST\r\ni\r\n\r\nyo"));
    EXPECT_TRUE(d.read_until("\r\n").starts_with("250 2.0.0 Ok: queued as "));
    EXPECT_EQ(field(d.event("message_accepted"), "subject"), "hi");
}

TEST(SmtpRelay, AcceptsAndKeepsEveryMessageAndLetsAnyLoginIn) {
    Dialogue d("smtp_relay");
    d.read_until("\r\n");
    ehlo(d);
    EXPECT_EQ(command(d, "AUTH PLAIN " + base64_encode(std::string("\0u\0p", 4))),
              "235 2.7.0 Authentication successful\r\n");
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(command(d, "MAIL FROM:<spam@evil.example>"), "250 2.1.0 Ok\r\n");
        EXPECT_EQ(command(d, "RCPT TO:<a@gmail.com>"), "250 2.1.5 Ok\r\n");
        EXPECT_EQ(command(d, "RCPT TO:<b@yahoo.com>"), "250 2.1.5 Ok\r\n");
        EXPECT_EQ(command(d, "DATA"), "354 End data with <CR><LF>.<CR><LF>\r\n");
        EXPECT_TRUE(command(d, "Subject: relay test 203.0.113.7\r\n\r\nok\r\n.")
                        .starts_with("250 2.0.0 Ok: queued as "));
    }
    const auto events = d.finish();
    std::vector<std::string> tests;
    for (const auto& e : events)
        if (e.event_type == "message_accepted") {
            EXPECT_EQ(field(e, "rcpt_to"), "a@gmail.com,b@yahoo.com");
            EXPECT_EQ(field(e, "authenticated"), "True");
            tests.push_back(field(e, "relay_test"));
        }
    // Only the source's first message is its relay test (203.0.113.7 never sent one before).
    ASSERT_EQ(tests.size(), 2u);
    EXPECT_EQ(tests[1], "False");
    EXPECT_EQ(field(decnet::testing::first_event(events, "auth_attempt"), "status"), "success");
}

// A client's NTLMv2 AUTHENTICATE for `challenge` (as ntlm_acceptor_test builds it).
std::string ntlm_authenticate(std::string_view challenge_message, std::string_view user,
                              std::string_view domain, std::string_view password) {
    namespace ntlm = wire::ntlm;
    namespace crypto = ntlm_crypto;
    using namespace std::string_literals;
    const auto c = ntlm::parse_challenge(challenge_message);
    EXPECT_TRUE(c);
    const std::string info = ntlm::build_av_pairs(c->target_info);
    const std::string blob = "\x01\x01"s + std::string(6, '\0') + std::string(8, '\x01') +
                             "CLIENTCH"s + std::string(4, '\0') + info + std::string(4, '\0');
    const std::string server(reinterpret_cast<const char*>(c->server_challenge.data()), 8);
    const auto key = crypto::ntlmv2_response_key(crypto::nt_hash(password), user, domain);
    const auto proof = crypto::ntproofstr(key, server, blob);
    ntlm::Authenticate a;
    a.flags = ntlm::kUnicode | ntlm::kNtlm | ntlm::kExtendedSessionSecurity;
    a.user = std::string(user);
    a.domain = std::string(domain);
    a.workstation = "KALI";
    a.nt_response = std::string(crypto::view(proof)) + blob;
    a.lm_response = std::string(24, '\0');
    return ntlm::build_authenticate(a);
}

TEST(Smtp, ExchangeAuthNtlmIsCapturedAsNetNtlmv2) {
    Dialogue d("smtp",
               with({{"product", "exchange"}, {"accept", "list"}, {"logins", "jdoe:Spring2026"}}));
    d.read_until("\r\n");
    EXPECT_NE(ehlo(d).find("250-AUTH NTLM LOGIN\r\n"), std::string::npos);
    EXPECT_EQ(command(d, "AUTH NTLM"), "334 NTLM supported\r\n");
    wire::ntlm::Negotiate n;
    n.flags = wire::ntlm::kUnicode | wire::ntlm::kNtlm | wire::ntlm::kExtendedSessionSecurity;
    const auto challenge = command(d, base64_encode(wire::ntlm::build_negotiate(n)));
    ASSERT_TRUE(challenge.starts_with("334 ")) << challenge;
    const auto message = *base64_decode(challenge.substr(4, challenge.size() - 6));
    EXPECT_EQ(command(d, base64_encode(ntlm_authenticate(message, "jdoe", "CORP", "Spring2026"))),
              "235 2.7.0 Authentication successful\r\n");
    const auto auth = d.event("auth_attempt");
    EXPECT_EQ(field(auth, "mechanism"), "NTLM");
    EXPECT_EQ(field(auth, "username"), "jdoe");
    EXPECT_EQ(field(auth, "credential_type"), "netntlmv2");
    EXPECT_EQ(field(auth, "hashcat_mode"), "5600");
    EXPECT_TRUE(field(auth, "password").starts_with("jdoe::CORP:")) << field(auth, "password");
    EXPECT_EQ(field(auth, "status"), "success");
}

TEST(SmtpProtocol, PathsSaslAndMime) {
    const auto p = smtp::parse_path("FROM: <a@b.c> SIZE=100 BODY=8BITMIME", "FROM");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.address, "a@b.c");
    ASSERT_NE(p.param("SIZE"), nullptr);
    EXPECT_EQ(*p.param("SIZE"), "100");
    EXPECT_TRUE(smtp::parse_path("from:<>", "FROM").ok);
    EXPECT_TRUE(smtp::parse_path("TO:bare@x", "TO").ok);
    EXPECT_FALSE(smtp::parse_path("TO <x>", "TO").ok);
    EXPECT_FALSE(smtp::parse_path("TO:<x", "TO").ok);
    EXPECT_EQ(smtp::split_address("@r1,@r2:u@Dom.COM"),
              (std::pair<std::string, std::string>{"u", "dom.com"}));
    const auto plain = smtp::decode_plain(base64_encode(std::string("z\0u\0p", 5)));
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->user, "u");
    EXPECT_EQ(plain->password, "p");
    EXPECT_FALSE(smtp::decode_plain(base64_encode("nonul")));
    // RFC 2195's example.
    EXPECT_EQ(smtp::cram_digest("tanstaaftanstaaf", "<1896.697170952@postoffice.reston.mci.net>"),
              "b913a602c7eda7a495b4e6e7334d3890");
    const auto summary = smtp::summarize_message(
        "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: "
        "multipart/alternative; boundary=c\n\n--c\n\ntext\n--c--\n--b\nContent-Type: "
        "application/pdf; name=a.pdf\nContent-Transfer-Encoding: "
        "quoted-printable\n\n%PDF=3D1\n--b--\n");
    EXPECT_EQ(summary.subject, "x");
    ASSERT_EQ(summary.attachments.size(), 1u);
    EXPECT_EQ(summary.attachments[0].filename, "a.pdf");
    EXPECT_EQ(summary.attachments[0].data, "%PDF=1");
    // Nesting deeper than the limit stops the walk.
    std::string deep = "Content-Type: multipart/mixed; boundary=b0\n\n";
    for (int i = 0; i < 20; ++i)
        deep += "--b" + std::to_string(i) + "\nContent-Type: multipart/mixed; boundary=b" +
                std::to_string(i + 1) + "\n\n";
    EXPECT_TRUE(smtp::summarize_message(deep).truncated);
}

}  // namespace
}  // namespace decnet::honeypot
