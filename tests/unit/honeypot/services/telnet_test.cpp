// The telnet emulator's dialogue over an in-memory session: netkit telnetd's opening (its
// terminal questions, then nothing until the client answers), the negotiation and the
// decky's issue.net banner, the login (persona password and hostname, every attempt
// captured, three failures end it), the decky's motd, the line editor (echo, silent
// password, backspace, IAC stripping, bounded lines and subnegotiations) and the shared
// shell's commands, answered from the decky's world (its files and host facts).
#include <gtest/gtest.h>

#include <ctime>

#include "honeypot/services/registry.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;

// netkit telnetd's first words: DO TTYPE, DO TSPEED, DO XDISPLOC, DO NEW-ENVIRON.
const std::string kQuestions = "\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27"s;
// A client declining all four (WONT each): any answer lets telnetd go on.
const std::string kAnswers = "\xff\xfc\x18\xff\xfc\x20\xff\xfc\x23\xff\xfc\x27"s;
// WILL ECHO, WILL SGA, DO NAWS, then the ubuntu22 decky's /etc/issue.net.
const std::string kGreeting = "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x1f"s + "Ubuntu 22.04.5 LTS\r\n";

Dialogue telnet(PersonaConfig persona = {}, std::string distro = "ubuntu22") {
    return Dialogue("telnet",
                    DialogueOptions{.persona = std::move(persona), .distro = std::move(distro)});
}

// The terminal questions, the client's answers, then everything up to the first login
// prompt, which must be the negotiation, the banner and "<host> login: ".
void open(Dialogue& d, const std::string& host = "web-prod-03") {
    EXPECT_EQ(d.read_exact(kQuestions.size()), kQuestions);
    ASSERT_TRUE(d.send(kAnswers));
    EXPECT_EQ(d.read_until("login: "), kGreeting + host + " login: ");
}

// What an ubuntu22 decky prints after a root login: Ubuntu's welcome with the world's
// kernel, then root's last login (the mtime of its .bash_history, from the LAN's jenkins).
std::string expected_motd(const DeckyWorld& world) {
    const auto& h = world.host;
    std::string out = "Welcome to Ubuntu 22.04.5 LTS (GNU/Linux " + h.kernel_release + " " +
                      h.machine +
                      ")\r\n\r\n"
                      " * Documentation:  https://help.ubuntu.com\r\n"
                      " * Management:     https://landscape.canonical.com\r\n"
                      " * Support:        https://ubuntu.com/pro\r\n";
    const auto history = world.fs->stat("/root/.bash_history");
    EXPECT_TRUE(history) << "the world has no /root/.bash_history";
    if (history) {
        const std::time_t t = history.value.meta.mtime;
        std::tm tm{};
        gmtime_r(&t, &tm);
        char when[64];
        std::strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", &tm);
        out +=
            "\r\nLast login: " + std::string(when) + " from " + h.neighbour("jenkins").ip + "\r\n";
    }
    return out;
}

// Logs in as root with `password` (the default persona's is "admin") and reads up to the
// first shell prompt.
void log_in(Dialogue& d, const std::string& password = "admin",
            const std::string& host = "web-prod-03") {
    open(d, host);
    ASSERT_TRUE(d.send("root\r\n"));
    EXPECT_EQ(d.read_until("Password: "), "root\r\nPassword: ");  // the name is echoed
    ASSERT_TRUE(d.send(password + "\r\n"));
    // The password is not echoed: only the line end, the motd and the prompt.
    const std::string prompt = "root@" + host + ":~# ";
    EXPECT_EQ(d.read_until(prompt), "\r\n" + expected_motd(d.world()) + prompt);
}

TEST(TelnetDialogue, AsksTheTerminalQuestionsAndWaitsForAnAnswer) {
    auto d = telnet();
    EXPECT_EQ(d.read_exact(kQuestions.size()), kQuestions);
    // Nothing more until the client says something.
    EXPECT_EQ(d.read_for(std::chrono::milliseconds(300)), "");
    // Any answer will do: a client agreeing to all four (WILL each) gets no reply to them.
    ASSERT_TRUE(d.send("\xff\xfb\x18\xff\xfb\x20\xff\xfb\x23\xff\xfb\x27"s));
    EXPECT_EQ(d.read_until("login: "), kGreeting + "web-prod-03 login: ");
    EXPECT_EQ(d.read_for(std::chrono::milliseconds(200)), "");
    const auto events = d.finish();
    EXPECT_EQ(event_types(events), (std::vector<std::string>{"connect", "disconnect"}));
}

TEST(TelnetDialogue, AClientThatNeverAnswersTimesOut) {
    DialogueOptions options;
    options.limits.idle_timeout = std::chrono::seconds(1);
    Dialogue d("telnet", std::move(options));
    EXPECT_EQ(d.read_exact(kQuestions.size()), kQuestions);
    EXPECT_EQ(d.expect_closed(), "");  // no banner, no prompt: the idle timeout ends it
    ASSERT_TRUE(d.wait_ended());
    EXPECT_EQ(event_types(d.events()), (std::vector<std::string>{"connect", "disconnect"}));
}

TEST(TelnetDialogue, TheBannerIsTheDistrosIssueNet) {
    {
        auto d = telnet({}, "debian");
        EXPECT_EQ(d.read_exact(kQuestions.size()), kQuestions);
        ASSERT_TRUE(d.send(kAnswers));
        EXPECT_EQ(d.read_until("login: "), "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x1f"s +
                                               "Debian GNU/Linux 12\r\nweb-prod-03 login: ");
    }
    {
        // Rocky's issue.net has escapes: \S (pretty name), \r (kernel), \m (machine).
        auto d = telnet({}, "rocky9");
        EXPECT_EQ(d.read_exact(kQuestions.size()), kQuestions);
        ASSERT_TRUE(d.send(kAnswers));
        const auto& host = d.world().host;
        EXPECT_EQ(d.read_until("login: "), "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x1f"s +
                                               "Rocky Linux 9.4 (Blue Onyx)\r\nKernel " +
                                               host.kernel_release + " on an " + host.machine +
                                               "\r\nweb-prod-03 login: ");
    }
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
    open(d, "nas01");
    ASSERT_TRUE(d.send("root\r\n"));
    d.read_until("Password: ");
    ASSERT_TRUE(d.send("hunter2\r\n"));  // not the persona's, nor a default weak one
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

TEST(TelnetDialogue, TheAcceptPolicyDecidesWhoGetsIn) {
    // accept = never: even the persona's password is refused.
    auto d = telnet({{"accept", "never"}});
    open(d);
    ASSERT_TRUE(d.send("root\r\n"));
    d.read_until("Password: ");
    ASSERT_TRUE(d.send("admin\r\n"));
    EXPECT_EQ(d.read_until("login: "), "\r\nLogin incorrect\r\nweb-prod-03 login: ");
    // A weak root password of the default list gets in.
    auto weak = telnet();
    open(weak);
    ASSERT_TRUE(weak.send("root\r\n123456\r\n"));
    weak.read_until("root@web-prod-03:~# ");
    ASSERT_TRUE(weak.send("echo $USER\r\n"));
    EXPECT_EQ(weak.read_until("# "), "echo $USER\r\nroot\r\nroot@web-prod-03:~# ");
}

TEST(TelnetDialogue, TheWindowSizeShapesLsColumns) {
    auto d = telnet();
    log_in(d);
    // NAWS: 40 columns, 24 rows.
    ASSERT_TRUE(d.send("\xff\xfa\x1f\x00\x28\x00\x18\xff\xf0ls /srv/ftp\r\n"s));
    EXPECT_EQ(d.read_until("# "),
              "ls /srv/ftp\r\nbackup.tar.gz  credentials.txt\r\nconfig.ini     "
              "db_dump.sql\r\nroot@web-prod-03:~# ");
}

TEST(TelnetDialogue, ThreeFailuresEndTheSessionAndEachIsCaptured) {
    auto d = telnet();
    open(d);
    for (const std::string user : {"admin", "root", "ubnt"}) {
        ASSERT_TRUE(d.send(user + "\r\n"));
        EXPECT_EQ(d.read_until("Password: "), user + "\r\nPassword: ");
        ASSERT_TRUE(d.send(user + "-pw\r\n"));
        EXPECT_EQ(d.read_until("Login incorrect\r\n"), "\r\nLogin incorrect\r\n");
        if (user != "ubnt") {
            EXPECT_EQ(d.read_until("login: "), "web-prod-03 login: ");
        }
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
    open(d);
    ASSERT_TRUE(d.send("\r\n"));
    EXPECT_EQ(d.read_until("login: "), "\r\nweb-prod-03 login: ");
    ASSERT_TRUE(d.send("  \r\n"));
    EXPECT_EQ(d.read_until("login: "), "  \r\nweb-prod-03 login: ");
    const auto events = d.finish();
    EXPECT_EQ(event_types(events), (std::vector<std::string>{"connect", "disconnect"}));
}

TEST(TelnetDialogue, APasswordTypedAheadIsNotEchoed) {
    auto d = telnet();
    open(d);
    ASSERT_TRUE(d.send("root\r\nadmin\r\n"));
    EXPECT_EQ(d.read_until("Password: "), "root\r\nPassword: ");
    EXPECT_EQ(d.read_until("root@web-prod-03:~# "),
              "\r\n" + expected_motd(d.world()) + "root@web-prod-03:~# ");
}

TEST(TelnetDialogue, NameAndPasswordSentWithTheAnswersAreEditedLikeTypedAhead) {
    // A scripted client answers the questions and types its login in one write: the
    // name is echoed after the banner, the password is not.
    auto d = telnet();
    EXPECT_EQ(d.read_exact(kQuestions.size()), kQuestions);
    ASSERT_TRUE(d.send(kAnswers + "root\r\nadmin\r\n"));
    EXPECT_EQ(d.read_until("Password: "), kGreeting + "web-prod-03 login: root\r\nPassword: ");
    EXPECT_EQ(d.read_until("root@web-prod-03:~# "),
              "\r\n" + expected_motd(d.world()) + "root@web-prod-03:~# ");
    const auto events = d.finish();
    EXPECT_EQ(field(decnet::testing::first_event(events, "auth"), "status"), "success");
}

TEST(TelnetDialogue, LineEditorHandlesBackspaceAndLineEndings) {
    auto d = telnet();
    open(d);
    // Backspace (DEL) erases on screen too; CR NUL ends a line like CR LF.
    ASSERT_TRUE(d.send("roox\x7ft\r\0"s));
    EXPECT_EQ(d.read_until("Password: "), "roox\b \bt\r\nPassword: ");
    ASSERT_TRUE(d.send("adm\bmin\n"));  // ^H, then a bare LF
    d.read_until("root@web-prod-03:~# ");
    ASSERT_TRUE(d.send("  id  \r\n"));  // trimmed
    EXPECT_EQ(d.read_until("root@web-prod-03:~# "),
              "  id  \r\nuid=0(root) gid=0(root) groups=0(root)\r\nroot@web-prod-03:~# ");
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
    open(d);
    // DO TERMINAL-TYPE (we only asked for the client's) → WONT; WILL LINEMODE (not asked)
    // → DONT; WILL TERMINAL-SPEED and WILL NAWS (asked for) and DO ECHO (offered) →
    // nothing; a NAWS subnegotiation is swallowed; IAC NOP ignored.
    ASSERT_TRUE(
        d.send("\xff\xfd\x18\xff\xfb\x22\xff\xfb\x20\xff\xfb\x1f\xff\xfd\x01"
               "\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0\xff\xf1r\xff\xf1oot\r\n"s));
    EXPECT_EQ(d.read_until("Password: "), "\xff\xfc\x18\xff\xfe\x22root\r\nPassword: "s);
    ASSERT_TRUE(d.send("admin\r\n"));
    d.read_until("# ");
    // An escaped 0xFF is data (echoed as typed).
    ASSERT_TRUE(d.send("echo \xff\xff\r\n"s));
    EXPECT_EQ(d.read_until("# "), "echo \xff\r\n\xff\r\nroot@web-prod-03:~# "s);
    const auto events = d.finish();
    EXPECT_EQ(field(decnet::testing::first_event(events, "auth"), "username"), "root");
    EXPECT_EQ(field(decnet::testing::first_event(events, "command"), "cmd"), "echo \xff"s);
}

TEST(TelnetDialogue, AnEndlessSubnegotiationIsNotBuffered) {
    auto d = telnet();
    open(d);
    ASSERT_TRUE(d.send("\xff\xfa\x18"s + std::string(200000, 'x') + "\xff\xf0root\r\n"s));
    EXPECT_EQ(d.read_until("Password: "), "root\r\nPassword: ");
}

TEST(TelnetDialogue, AnOverlongLineEndsTheSession) {
    auto d = telnet();
    open(d);
    ASSERT_TRUE(d.send(std::string(3000, 'A')));  // no line end, past 1024
    const auto echoed = d.expect_closed();
    // The line was echoed as it came until the editor gave up past 1024 bytes (how far
    // past depends on how the bytes were split into reads).
    EXPECT_EQ(echoed.find_first_not_of('A'), std::string::npos);
    EXPECT_GT(echoed.size(), 1024u);
    EXPECT_LE(echoed.size(), 3000u);
    ASSERT_TRUE(d.wait_ended());
    EXPECT_EQ(event_types(d.events()), (std::vector<std::string>{"connect", "disconnect"}));
}

TEST(TelnetDialogue, BinaryGarbageIsOnlyAFailedLogin) {
    auto d = telnet();
    open(d);
    ASSERT_TRUE(d.send("\x01\x02\x03\x80\xfe\r\n\x00\x00\x1b[A\r\n"s));
    // Control bytes are not echoed; the password is not echoed at all.
    EXPECT_EQ(d.read_until("Password: "), "\x80\xfe\r\nPassword: "s);
    EXPECT_EQ(d.read_until("login: "), "\r\nLogin incorrect\r\nweb-prod-03 login: ");
    const auto events = d.finish();
    const auto& auth = decnet::testing::first_event(events, "auth");
    EXPECT_EQ(field(auth, "username"), "\x01\x02\x03\x80\xfe"s);
    EXPECT_EQ(field(auth, "password"), "\x1b[A");  // NULs after CR are not data
    EXPECT_EQ(field(auth, "status"), "failed");
}

TEST(TelnetDialogue, LeavingAtThePasswordPromptIsJustADisconnect) {
    auto d = telnet();
    open(d);
    ASSERT_TRUE(d.send("root\r\n"));
    d.read_until("Password: ");
    const auto events = d.finish();
    EXPECT_EQ(event_types(events), (std::vector<std::string>{"connect", "disconnect"}));
}

TEST(TelnetDialogue, ShellCommandsAreCapturedAndAnsweredFromTheWorld) {
    auto d = telnet();
    log_in(d);
    const auto& world = d.world();
    const auto& host = world.host;
    const auto env = world.fs->read("/root/.env");
    ASSERT_TRUE(env);
    std::string env_crlf;
    for (const char c : env.value) {
        if (c == '\n') env_crlf += '\r';
        env_crlf += c;
    }
    const std::string home = "root@web-prod-03:~# ";
    const std::string ftp = "root@web-prod-03:/srv/ftp# ";
    const std::vector<std::pair<std::string, std::string>> dialogue = {
        // Ubuntu's coreutils name the processor and platform too.
        {"uname -a", "Linux web-prod-03 " + host.kernel_release + " " + host.kernel_version + " " +
                         host.machine + " " + host.machine + " " + host.machine + " " +
                         host.os_name + "\r\n" + home},
        {"uname -r", host.kernel_release + "\r\n" + home},
        {"cat /root/.env", env_crlf + home},
        {"cat /nope", "cat: /nope: No such file or directory\r\n" + home},
        {"ls /srv/ftp", "backup.tar.gz  config.ini  credentials.txt  db_dump.sql\r\n" + home},
        {"cd /srv/ftp", ftp},
        {"pwd", "/srv/ftp\r\n" + ftp},
        {"cd /nope", "-bash: cd: /nope: No such file or directory\r\n" + ftp},
        {"cd config.ini", "-bash: cd: config.ini: Not a directory\r\n" + ftp},
        // bash names the directory cd was given: `~` already expanded.
        {"cd ~/nope", "-bash: cd: /root/nope: No such file or directory\r\n" + ftp},
        {"cd", home},
        {"nmap -sS 10.0.0.0/24", "-bash: nmap: command not found\r\n" + home},
    };
    for (const auto& [cmd, answer] : dialogue) {
        ASSERT_TRUE(d.send(cmd + "\r\n"));
        EXPECT_EQ(d.read_until("# "), cmd + "\r\n" + answer);  // echoed, then answered
    }
    ASSERT_TRUE(d.send("logout\r\n"));
    EXPECT_EQ(d.expect_closed(), "logout\r\nlogout\r\n");
    ASSERT_TRUE(d.wait_ended());
    std::vector<std::string> commands, expected;
    for (const auto& e : d.events())
        if (e.event_type == "command") {
            commands.push_back(field(e, "cmd"));
            EXPECT_EQ(field(e, "src_ip"), "203.0.113.7");
        }
    for (const auto& [cmd, answer] : dialogue) expected.push_back(cmd);
    expected.push_back("logout");
    EXPECT_EQ(commands, expected);
}

}  // namespace
}  // namespace decnet::honeypot
