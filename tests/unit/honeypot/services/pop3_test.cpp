// The pop3 dialogue over an in-memory session (Dovecot's greeting and CAPA, USER/PASS and
// AUTH captured and refused by default, the bait mailbox after an accepted login) and the
// pure state machine (APOP, SASL, deletions, the bad-command limit).
#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "honeypot/services/pop3/pop3_protocol.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::field;

std::string command(Dialogue& d, const std::string& line, std::string_view until = "\r\n") {
    EXPECT_TRUE(d.send(line + "\r\n"));
    return d.read_until(until);
}

TEST(Pop3, DovecotRefusesAndCapturesByDefault) {
    Dialogue d("pop3");
    EXPECT_EQ(d.read_until("\r\n"), "+OK Dovecot ready.\r\n");
    EXPECT_EQ(command(d, "CAPA", "\r\n.\r\n"),
              "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\n"
              "USER\r\nSASL PLAIN LOGIN\r\n.\r\n");
    EXPECT_EQ(command(d, "PASS x"), "-ERR No username given.\r\n");
    EXPECT_EQ(command(d, "USER root"), "+OK\r\n");
    EXPECT_EQ(command(d, "PASS toor"), "-ERR [AUTH] Authentication failed.\r\n");
    EXPECT_EQ(command(d, "STAT"), "-ERR Unknown command.\r\n");
    EXPECT_EQ(command(d, "AUTH LOGIN"), "+ VXNlcm5hbWU6\r\n");
    EXPECT_EQ(command(d, base64_encode("admin")), "+ UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(command(d, base64_encode("letmein")), "-ERR [AUTH] Authentication failed.\r\n");
    EXPECT_EQ(command(d, "QUIT"), "+OK Logging out\r\n");
    d.expect_closed();
    const auto events = d.finish();
    std::vector<std::string> creds;
    for (const auto& e : events)
        if (e.event_type == "auth")
            creds.push_back(field(e, "mechanism") + " " + field(e, "username") + ":" +
                            field(e, "password") + " " + field(e, "status"));
    EXPECT_EQ(creds,
              (std::vector<std::string>{"USER root:toor failed", "LOGIN admin:letmein failed"}));
}

TEST(Pop3, AcceptedLoginReadsTheBaitMailbox) {
    DialogueOptions o;
    o.persona = {{"accept", "list"}, {"logins", "alice:Winter2024!"}};
    Dialogue d("pop3", o);
    d.read_until("\r\n");
    command(d, "USER alice");
    EXPECT_EQ(command(d, "PASS Winter2024!"), "+OK Logged in.\r\n");
    const auto stat = command(d, "STAT");
    EXPECT_TRUE(stat.starts_with("+OK 5 ")) << stat;
    const auto list = command(d, "LIST", "\r\n.\r\n");
    EXPECT_TRUE(list.starts_with("+OK 5 messages:\r\n1 ")) << list;
    const auto retr = command(d, "RETR 5", "\r\n.\r\n");
    EXPECT_NE(retr.find("Subject: Password reset for your account\r\n"), std::string::npos) << retr;
    EXPECT_NE(retr.find("To: \"alice\" <alice@"), std::string::npos) << retr;
    const auto top = command(d, "TOP 2 1", "\r\n.\r\n");
    EXPECT_NE(top.find("Subject: Your new VPN profile\r\n"), std::string::npos) << top;
    EXPECT_TRUE(top.ends_with("\r\n\r\nHi alice,\r\n.\r\n")) << top;
    EXPECT_EQ(command(d, "DELE 2"), "+OK Marked to be deleted.\r\n");
    EXPECT_EQ(command(d, "RETR 2"), "-ERR Message is deleted.\r\n");
    EXPECT_EQ(command(d, "RETR 9"), "-ERR There's no message 9.\r\n");
    EXPECT_TRUE(command(d, "UIDL 1").starts_with("+OK 1 "));
    EXPECT_EQ(command(d, "QUIT"), "+OK Logging out, messages deleted.\r\n");
    const auto events = d.finish();
    EXPECT_EQ(field(decnet::testing::first_event(events, "auth"), "status"), "success");
    EXPECT_EQ(field(decnet::testing::first_event(events, "retr"), "message_num"), "5");
    EXPECT_EQ(field(decnet::testing::first_event(events, "delete"), "message_num"), "2");
}

TEST(Pop3Machine, ApopSaslAndLimits) {
    pop3::Machine m({false, true, "<1.2@host>"});
    EXPECT_EQ(m.greeting(), "+OK Dovecot ready. <1.2@host>\r\n");
    auto step = m.handle("APOP bob c4c9334bac560ecc979e58001b3e22fb");
    ASSERT_TRUE(step.login);
    EXPECT_EQ(step.login->password, "c4c9334bac560ecc979e58001b3e22fb:<1.2@host>");
    EXPECT_EQ(step.login->credential_type, "apop");
    EXPECT_EQ(m.login_result(false, {}), "-ERR [AUTH] Authentication failed.\r\n");
    step = m.handle("AUTH PLAIN " + base64_encode(std::string("\0u\0p", 4)));
    ASSERT_TRUE(step.login);
    EXPECT_EQ(step.login->user, "u");
    step = m.handle("AUTH PLAIN");
    EXPECT_EQ(step.reply, "+ \r\n");
    EXPECT_EQ(m.handle("*").reply, "-ERR Authentication aborted by client.\r\n");
    for (int i = 0; i < 9; ++i) step = m.handle("BOGUS");
    EXPECT_TRUE(step.close);
    EXPECT_EQ(pop3::dot_stuff(".a\r\nb\r\n.\r\n"), "..a\r\nb\r\n..\r\n");
    pop3::Machine exchange({true, false, ""});
    EXPECT_EQ(exchange.greeting(), "+OK The Microsoft Exchange POP3 service is ready.\r\n");
    EXPECT_EQ(exchange.handle("XYZ").reply, "-ERR Protocol error. 14\r\n");
}

}  // namespace
}  // namespace decnet::honeypot
