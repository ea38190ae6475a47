// The interactive shell as a pty user sees it: the prompt (root's # and a user's $, ~ for
// home), echo, backspace, ^C, ^D, ^U, arrows over the history, escape sequences swallowed,
// continuation lines, CRLF output, and `exit` printing bash's "logout".
#include <gtest/gtest.h>

#include "honeypot/world/decky_world.hpp"
#include "support/shell_session.hpp"

namespace decnet::honeypot::shell {
namespace {

using decnet::testing::ShellSession;

const std::string kPrompt = "root@web-prod-03:~# ";

TEST(ShellLineEditor, PromptEchoAndCrlf) {
    ShellSession sh({.pty = true});
    const auto out = sh.type({"echo a\r", "cd /tmp\r", "exit\r"});
    EXPECT_EQ(out, kPrompt + "echo a\r\na\r\n" + kPrompt +
                       "cd /tmp\r\nroot@web-prod-03:/tmp# exit\r\nlogout\r\n");
}

TEST(ShellLineEditor, EditingKeys) {
    ShellSession sh({.pty = true});
    // backspace, ^U, left arrow then insert, an unknown escape sequence swallowed
    const auto out = sh.type({"echx\x7fo ok\r",
                              "garbage\x15"
                              "echo u\r",
                              "echo ac\x1b[Db\r", "\x1b[15~echo f\r", "exit\r"});
    EXPECT_NE(out.find("echx\b \bo ok\r\nok\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("\r\nu\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("\r\nabc\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("\r\nf\r\n"), std::string::npos) << out;
}

TEST(ShellLineEditor, InterruptAndEndOfInput) {
    ShellSession sh({.pty = true});
    const auto out = sh.type({"sleep 1\x03", "\x04"});
    EXPECT_EQ(out, kPrompt + "sleep 1^C\r\n" + kPrompt + "logout\r\n");
    EXPECT_EQ(sh.events().size(), 0u);  // neither line ran
}

TEST(ShellLineEditor, HistoryWithArrows) {
    ShellSession sh({.pty = true});
    const auto out = sh.type({"echo first\r", "\x1b[A\r", "exit\r"});
    // Up recalls the last line (drawn after clearing to the end of the line); it runs again.
    EXPECT_NE(out.find("first\r\n" + kPrompt + "\x1b[Kecho first\r\nfirst\r\n"), std::string::npos)
        << out;
}

TEST(ShellLineEditor, ContinuationLines) {
    ShellSession sh({.pty = true});
    const auto out =
        sh.type({"for i in 1 2\r", "do echo $i; done\r", "echo 'a\r", "b'\r", "exit\r"});
    EXPECT_NE(out.find("for i in 1 2\r\n> do echo $i; done\r\n1\r\n2\r\n"), std::string::npos)
        << out;
    EXPECT_NE(out.find("echo 'a\r\n> b'\r\na\r\nb\r\n"), std::string::npos) << out;
}

TEST(ShellLineEditor, AUsersPromptAndUnknownCommands) {
    ShellSession root;
    const auto admin = root.world().accounts.admin_user().name;
    ShellSession sh({.user = admin, .pty = true});
    const auto prompt = admin + "@web-prod-03:~$ ";
    const auto out = sh.type({"foo\r", "cd /etc\r", "exit\r"});
    EXPECT_EQ(out, prompt + "foo\r\n-bash: foo: command not found\r\n" + prompt + "cd /etc\r\n" +
                       admin + "@web-prod-03:/etc$ exit\r\nlogout\r\n");
}

TEST(ShellLineEditor, AlpineIsBusyboxAsh) {
    ShellSession sh({.distro = "alpine", .pty = true});
    const auto out = sh.type({"foo\r", "cd /nope\r", "exit\r"});
    EXPECT_EQ(out,
              "web-prod-03:~# foo\r\n-ash: foo: not found\r\nweb-prod-03:~# cd /nope\r\n"
              "-ash: cd: can't cd to /nope: No such file or directory\r\nweb-prod-03:~# "
              "exit\r\n");  // ash says nothing on the way out
}

TEST(ShellLineEditor, WithoutAPtyLinesRunSilently) {
    ShellSession sh;
    const auto out = sh.type({"echo one\nech", "o two\n", "echo three"});
    EXPECT_EQ(out, "one\ntwo\nthree\n");
}

TEST(ShellLineEditor, BinaryGarbageAndAHugeLine) {
    ShellSession sh({.pty = true});
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 37) % 256);
    sh.type({garbage, "\rexit\r"});
    EXPECT_TRUE(sh.finished());
    ShellSession big;
    const auto out = big.type({"echo " + std::string(2 << 20, 'x') + "\n"});
    EXPECT_TRUE(big.finished());
    EXPECT_LE(out.size(), (1u << 20) + 2);
}

}  // namespace
}  // namespace decnet::honeypot::shell
