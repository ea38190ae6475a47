// The interpreter over a real world: lists, and-or, pipes, redirections into the overlay,
// expansions, loops, functions, scripts, unknown commands and files run as programs, the
// `command` event of each line, and hostile lines bounded in time and output.
#include <gtest/gtest.h>

#include "honeypot/shell/command.hpp"
#include "honeypot/world/decky_world.hpp"
#include "support/shell_session.hpp"

namespace decnet::honeypot::shell {
namespace {

using decnet::testing::field;
using decnet::testing::ShellSession;

TEST(ShellInterpreter, ListsAndOrsAndStatus) {
    ShellSession sh;
    EXPECT_EQ(sh.run("echo a; echo b"), "a\nb\n");
    EXPECT_EQ(sh.run("false && echo no || echo yes"), "yes\n");
    EXPECT_EQ(sh.run("true && echo $?"), "0\n");
    EXPECT_EQ(sh.run("false; echo $?"), "1\n");
    EXPECT_EQ(sh.run("nosuch; echo $?"), "bash: line 1: nosuch: command not found\n127\n");
    EXPECT_EQ(sh.status(), 0);
    sh.run("exit 3");
    EXPECT_EQ(sh.status(), 3);
}

TEST(ShellInterpreter, QuotingAndExpansion) {
    ShellSession sh;
    EXPECT_EQ(sh.run("X=hello; echo \"$X world\" '$X' ${X}s"), "hello world $X hellos\n");
    EXPECT_EQ(sh.run("echo $(echo inner) `echo back`"), "inner back\n");
    EXPECT_EQ(sh.run("echo ~ ~/x"), "/root /root/x\n");
    EXPECT_EQ(sh.run("echo $((2 + 3 * 4))"), "14\n");
    EXPECT_EQ(sh.run("A=\"1  2\"; echo $A; echo \"$A\""), "1 2\n1  2\n");
    EXPECT_EQ(sh.run("echo ${NOPE:-dflt} ${#HOME}"), "dflt 5\n");
    EXPECT_EQ(sh.run("echo $'a\\tb'"), "a\tb\n");
}

TEST(ShellInterpreter, PipesAndRedirectionsIntoTheOverlay) {
    ShellSession sh;
    EXPECT_EQ(sh.run("echo hi > /tmp/x; echo there >> /tmp/x; cat /tmp/x"), "hi\nthere\n");
    EXPECT_EQ(sh.fs().read("/tmp/x").value, "hi\nthere\n");
    EXPECT_FALSE(sh.world().fs->read("/tmp/x"));  // the shared world is untouched
    EXPECT_EQ(sh.run("cat /nope 2>/dev/null; echo $?"), "1\n");
    EXPECT_EQ(sh.run("cat /nope 2>&1 | cat"), "cat: /nope: No such file or directory\n");
    EXPECT_EQ(sh.run("cat < /tmp/x"), "hi\nthere\n");
    EXPECT_EQ(sh.run("cat <<< 'here string'"), "here string\n");
    EXPECT_EQ(sh.run("cat <<EOF > /tmp/s.sh\necho from script $HOME\nEOF\nsh /tmp/s.sh"),
              "from script /root\n");
    EXPECT_EQ(sh.run("echo x > /nodir/f"), "bash: line 1: /nodir/f: No such file or directory\n");
    EXPECT_EQ(sh.run("echo one | cat | cat"), "one\n");
}

TEST(ShellInterpreter, LoopsFunctionsAndScripts) {
    ShellSession sh;
    EXPECT_EQ(sh.run("for a in x86 arm mips; do echo $a; done"), "x86\narm\nmips\n");
    EXPECT_EQ(sh.run("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done"), "0\n1\n2\n");
    EXPECT_EQ(sh.run("if [ -d /etc ]; then echo dir; else echo no; fi"), "dir\n");
    EXPECT_EQ(sh.run("f() { echo \"arg $1\"; }; f one"), "arg one\n");
    EXPECT_EQ(sh.run("sh -c 'echo $0 $1' me you"), "me you\n");
    EXPECT_EQ(sh.run("bash -c \"cd /tmp; pwd\"; pwd"), "/tmp\n/root\n");
    EXPECT_EQ(sh.run("echo 'echo piped' | sh"), "piped\n");
    EXPECT_EQ(sh.run("for i in 1 2 3; do [ $i = 2 ] && break; echo $i; done"), "1\n");
}

TEST(ShellInterpreter, GlobsSeqAndBackgroundJobs) {
    ShellSession sh;
    EXPECT_EQ(sh.run("cd /srv/ftp; ls *.ini c*"), "config.ini\nconfig.ini\ncredentials.txt\n");
    EXPECT_EQ(sh.run("cd /srv; echo */"), "ftp/ tftp/\n");
    EXPECT_EQ(sh.run("echo /nope/*"), "/nope/*\n");  // no match: the pattern stays
    EXPECT_EQ(sh.run("echo '*'"), "*\n");
    EXPECT_EQ(sh.run("for i in $(seq 3); do echo -n $i; done; seq -s, 2 2 6"), "1232,4,6\n");
    ShellSession pty({.pty = true});
    const auto out = pty.type({"echo bg &\r", "exit\r"});
    EXPECT_NE(out.find("echo bg &\r\n[1] 2007\r\nbg\r\n"), std::string::npos) << out;
}

TEST(ShellInterpreter, FilesRunAsProgramsFailBelievably) {
    ShellSession sh;
    sh.run("printf '\\177ELF\\002\\001' > /tmp/bot");
    EXPECT_EQ(sh.run("/tmp/bot"), "bash: line 1: /tmp/bot: Permission denied\n");
    EXPECT_EQ(sh.status(), 126);
    sh.run("chmod +x /tmp/bot");
    EXPECT_EQ(sh.run("cd /tmp; ./bot"),
              "bash: line 1: ./bot: cannot execute binary file: Exec format error\n");
    EXPECT_EQ(sh.run("./nothere"), "bash: line 1: ./nothere: No such file or directory\n");
    EXPECT_EQ(sh.status(), 127);
    EXPECT_EQ(sh.run("/usr/bin/uname"), "Linux\n");  // the decky's own binaries work
}

TEST(ShellInterpreter, EveryLineIsOneCommandEvent) {
    ShellSession sh;
    sh.run("cd /tmp && ls /nope");
    const auto events = sh.events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].event_type, "command");
    EXPECT_EQ(field(events[0], "cmd"), "cd /tmp && ls /nope");
    EXPECT_EQ(field(events[0], "cwd"), "/root");
    EXPECT_EQ(field(events[0], "status"), "2");
    EXPECT_EQ(field(events[0], "user"), "root");
    EXPECT_EQ(field(events[0], "src_ip"), "203.0.113.7");
}

TEST(ShellInterpreter, HostileLinesEndWithinTheBudget) {
    ShellSession sh;
    sh.run("while true; do :; done");
    EXPECT_TRUE(sh.finished());
    EXPECT_LT(sh.took().count(), 12000);
    auto out = sh.run(":(){ :|:& };:");
    EXPECT_EQ(out, "bash: line 1: fork: retry: Resource temporarily unavailable\n");
    EXPECT_LT(sh.took().count(), 12000);
    out = sh.run("yes | head -3");
    EXPECT_EQ(out, "y\ny\ny\n");
    out = sh.run("cat /dev/zero");
    EXPECT_EQ(out.size(), kMaxCommandOutput);
    out = sh.run("echo " + std::string(1 << 20, 'A'));
    EXPECT_EQ(out.size(), kMaxCommandOutput);  // the 1 MiB word, its newline past the cap
    // Doubling a variable in a loop stops at ARG_MAX, not at the host's memory.
    sh.run("X=aaaaaaaaaaaaaaaa; while true; do X=$X$X; done");
    EXPECT_LT(sh.took().count(), 12000);
    out = sh.run("echo ${#X}");
    EXPECT_LE(std::stoul(out), 2u << 20) << out.substr(0, 200);
    EXPECT_EQ(ShellSession().run("for i in 1 2 3; do export W$i=x; done; n=0; for i in 1 2 3; do "
                                 "eval \"[ -n \\\"\\$W$i\\\" ]\" && n=$((n+1)); done; echo $n"),
              "3\n");
    // Many big variables: the login's variables stay bounded.
    sh.run("X=$(yes | head -c 1000000); for i in $(seq 100); do export V$i=\"$X\"; done");
    out = sh.run(
        "n=0; for i in $(seq 100); do eval \"[ -n \\\"\\$V$i\\\" ]\" && n=$((n+1)); done; echo $n");
    EXPECT_LE(std::stoul(out), 8u) << out;  // 8 MiB of variables at most
    out = sh.run("X=$(yes | head -c 1000000); echo \"$X\" \"$X\" \"$X\" > /dev/null");
    EXPECT_EQ(out, "bash: line 1: echo: Argument list too long\n");
    out = sh.run(std::string("\x00\x01\xff\xfe;|&&", 9));
    EXPECT_TRUE(sh.finished());
    bool limited = false;
    for (const auto& e : sh.events())
        if (e.event_type == "shell_limit") limited = true;
    EXPECT_TRUE(limited);
}

}  // namespace
}  // namespace decnet::honeypot::shell
