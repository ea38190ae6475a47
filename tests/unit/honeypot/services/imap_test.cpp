// The imap dialogue over an in-memory session: Dovecot's (or Exchange's) greeting and
// capabilities, LOGIN and AUTHENTICATE captured and refused by default, literals with their
// continuation and bounds, and with an accepting persona the bait mailbox listed, selected,
// searched and fetched as clients do. Also the pure command parser.
#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "honeypot/services/imap/imap_parser.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::field;

// Sends a tagged command; returns every line up to and including its tagged answer.
std::string command(Dialogue& d, const std::string& tag, const std::string& rest) {
    EXPECT_TRUE(d.send(tag + " " + rest + "\r\n"));
    std::string all;
    for (int i = 0; i < 500; ++i) {
        const auto line = d.read_until("\r\n");
        all += line;
        if (line.empty() || line.starts_with(tag + " ")) break;
    }
    return all;
}

DialogueOptions accepting() {
    DialogueOptions o;
    o.persona = {{"accept", "any"}};
    o.distro = "debian";
    return o;
}

TEST(Imap, GreetsAsDovecotAndCapturesARefusedLogin) {
    Dialogue d("imap");
    EXPECT_EQ(d.read_until("\r\n"),
              "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
              "AUTH=PLAIN AUTH=LOGIN] Dovecot (Ubuntu) ready.\r\n");
    EXPECT_EQ(command(d, "a", "CAPABILITY"),
              "* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
              "AUTH=PLAIN AUTH=LOGIN\r\na OK Pre-login capabilities listed, post-login "
              "capabilities have more.\r\n");
    EXPECT_EQ(command(d, "b", "LOGIN admin \"pa ss\""),
              "b NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
    EXPECT_EQ(command(d, "c", "SELECT INBOX"),
              "c BAD Error in IMAP command received by server.\r\n");
    // A literal: the server asks for it, then takes it as the password.
    EXPECT_TRUE(d.send("d LOGIN root {5}\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "+ OK\r\n");
    EXPECT_TRUE(d.send("p\"w d\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "d NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
    EXPECT_TRUE(d.send("e AUTHENTICATE PLAIN\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "+ \r\n");
    EXPECT_TRUE(d.send(base64_encode(std::string("\0eve\0pw3", 8)) + "\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "e NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
    EXPECT_EQ(command(d, "z", "LOGOUT"),
              "* BYE Logging out\r\nz OK Logout completed (0.001 + 0.000 secs).\r\n");
    const auto events = d.finish();
    std::vector<std::string> creds;
    for (const auto& e : events)
        if (e.event_type == "auth")
            creds.push_back(field(e, "username") + ":" + field(e, "password") + ":" +
                            field(e, "status"));
    EXPECT_EQ(creds[0], "admin:pa ss:failed");
    ASSERT_EQ(creds.size(), 3u);
    EXPECT_EQ(creds[1], "root:p\"w d:failed");
    EXPECT_EQ(creds[2], "eve:pw3:failed");
}

TEST(Imap, AcceptedLoginBrowsesTheBaitMailbox) {
    Dialogue d("imap", accepting());
    EXPECT_EQ(d.read_until("\r\n").find("Dovecot ready.\r\n") != std::string::npos, true);
    EXPECT_TRUE(command(d, "a", "LOGIN bob secret").starts_with("a OK [CAPABILITY IMAP4rev1 "));
    EXPECT_EQ(
        command(d, "b", "LIST \"\" *"),
        "* LIST (\\HasNoChildren) \"/\" INBOX\r\n* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\r\n"
        "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n* LIST (\\HasNoChildren \\Trash) \"/\" "
        "Trash\r\n"
        "* LIST (\\HasNoChildren \\Junk) \"/\" Junk\r\nb OK List completed (0.001 + 0.000 "
        "secs).\r\n");
    EXPECT_EQ(command(d, "c", "STATUS INBOX (MESSAGES UNSEEN UIDNEXT)"),
              "* STATUS INBOX (MESSAGES 5 UNSEEN 1 UIDNEXT 6)\r\nc OK Status completed (0.001 + "
              "0.000 secs).\r\n");
    const auto select = command(d, "d", "SELECT INBOX");
    EXPECT_NE(select.find("* 5 EXISTS\r\n"), std::string::npos) << select;
    EXPECT_NE(select.find("* OK [UNSEEN 5] First unseen.\r\n"), std::string::npos) << select;
    EXPECT_NE(select.find("d OK [READ-WRITE] Select completed"), std::string::npos);
    EXPECT_EQ(command(d, "e", "SEARCH UNSEEN"),
              "* SEARCH 5\r\ne OK Search completed (0.001 + 0.000 secs).\r\n");
    const auto envelope = command(d, "f", "FETCH 1:2 (UID FLAGS RFC822.SIZE ENVELOPE)");
    EXPECT_NE(envelope.find("* 1 FETCH (UID 1 FLAGS (\\Seen) RFC822.SIZE "), std::string::npos)
        << envelope;
    EXPECT_NE(envelope.find("\"Invoice INV-"), std::string::npos) << envelope;
    // The password reset: fetched whole, it becomes \Seen.
    const auto body = command(d, "g", "UID FETCH 5 BODY[]");
    EXPECT_NE(body.find("* 5 FETCH (UID 5 BODY[] {"), std::string::npos) << body;
    EXPECT_NE(body.find("Your temporary password is: "), std::string::npos) << body;
    EXPECT_NE(body.find(" FLAGS (\\Seen))\r\n"), std::string::npos) << body;
    const auto header = command(d, "h", "FETCH 3 (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])");
    EXPECT_NE(header.find("BODY[HEADER.FIELDS (SUBJECT FROM)] {"), std::string::npos) << header;
    EXPECT_NE(header.find("Subject: Re: "), std::string::npos) << header;
    EXPECT_EQ(header.find("Message-ID"), std::string::npos);
    EXPECT_TRUE(command(d, "i", "FETCH 1 BODYSTRUCTURE").find("\"application\" \"pdf\"") !=
                std::string::npos);
    EXPECT_EQ(command(d, "j", "FETCH x:y FLAGS"),
              "j BAD Error in IMAP command FETCH: Invalid messageset.\r\n");
    EXPECT_EQ(
        command(d, "k", "STORE 1 +FLAGS (\\Deleted)"),
        "* 1 FETCH (FLAGS (\\Deleted \\Seen))\r\nk OK Store completed (0.001 + 0.000 secs).\r\n");
    EXPECT_TRUE(command(d, "l", "SELECT Nope").starts_with("l NO Mailbox doesn't exist: Nope"));
    EXPECT_EQ(command(d, "m", "FETCH 1 FLAGS"), "m BAD No mailbox selected.\r\n");
    const auto events = d.finish();
    EXPECT_EQ(field(decnet::testing::first_event(events, "auth"), "status"), "success");
    EXPECT_EQ(field(decnet::testing::first_event(events, "fetch"), "messages"), "1,2");
}

TEST(Imap, LiteralsAreBounded) {
    Dialogue d("imap");
    d.read_until("\r\n");
    EXPECT_TRUE(d.send("a LOGIN {99999999}\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "* BYE Too long argument.\r\n");
    d.expect_closed();
    EXPECT_EQ(field(d.event("protocol_error"), "error"), "literal too large");
}

TEST(Imap, ExchangePersona) {
    DialogueOptions o;
    o.persona = {{"product", "exchange"}};
    Dialogue d("imap", o);
    EXPECT_EQ(d.read_until("\r\n"), "* OK The Microsoft Exchange IMAP4 service is ready.\r\n");
    EXPECT_EQ(command(d, "a", "LOGIN u p"), "a NO LOGIN failed.\r\n");
    EXPECT_EQ(command(d, "b", "FOO"), "b BAD Command Error. 12\r\n");
}

TEST(ImapParser, CommandsLiteralsAndSets) {
    std::string error;
    const auto c = imap::parse_command(
        "a1 uid fetch 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>)", error);
    ASSERT_TRUE(c);
    EXPECT_EQ(error, "");
    EXPECT_EQ(c->name, "UID FETCH");
    ASSERT_EQ(c->args.size(), 2u);
    ASSERT_EQ(c->args[1].items.size(), 2u);
    EXPECT_EQ(c->args[1].items[1].text, "BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>");
    const auto l = imap::parse_command("t LOGIN {3}\r\nbob \"p\\\"w\"", error);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->args[0].text, "bob");
    EXPECT_EQ(l->args[1].text, "p\"w");
    imap::parse_command("t LOGIN {30}\r\nshort", error);
    EXPECT_EQ(error, "literal shorter than announced");
    imap::parse_command("t X " + std::string(100, '('), error);
    EXPECT_EQ(error, "lists nested too deep");
    EXPECT_FALSE(imap::parse_command("", error));
    const auto m = imap::literal_at_end("a APPEND INBOX {12+}");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->size, 12u);
    EXPECT_TRUE(m->non_synchronizing);
    EXPECT_FALSE(imap::literal_at_end("a {x}"));
    EXPECT_EQ(*imap::sequence_set("2,4:*,1", 5), (std::vector<std::uint32_t>{1, 2, 4, 5}));
    EXPECT_EQ(*imap::sequence_set("9:7", 5), (std::vector<std::uint32_t>{}));
    EXPECT_FALSE(imap::sequence_set("1:x", 5));
    EXPECT_FALSE(imap::sequence_set("0", 5));
    EXPECT_EQ(imap::quote("a\"b"), "\"a\\\"b\"");
    EXPECT_EQ(imap::quote("a\r\nb"), "{4}\r\na\r\nb");
}

}  // namespace
}  // namespace decnet::honeypot
