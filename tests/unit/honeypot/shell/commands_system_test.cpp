// Identity, host and system commands against real worlds of several distros: what id, uname,
// hostname, which, env and history say agrees with the world (accounts, host profile,
// dotfiles); sudo/su/passwd/crontab/systemctl and the package tools fail or succeed as the
// distro's own would.
#include <gtest/gtest.h>

#include "honeypot/world/decky_world.hpp"
#include "support/shell_session.hpp"

namespace decnet::honeypot::shell {
namespace {

using decnet::testing::ShellSession;

TEST(ShellSystemCommands, IdentityAndHost) {
    ShellSession sh;
    EXPECT_EQ(sh.run("id"), "uid=0(root) gid=0(root) groups=0(root)\n");
    EXPECT_EQ(sh.run("whoami; hostname; id -un"), "root\nweb-prod-03\nroot\n");
    const auto& admin = sh.world().accounts.admin_user();
    const auto id = sh.run("id " + admin.name);
    EXPECT_TRUE(id.starts_with("uid=" + std::to_string(admin.uid) + "(" + admin.name + ")")) << id;
    EXPECT_NE(id.find("(sudo)"), std::string::npos) << id;  // ubuntu's admin group
    EXPECT_EQ(sh.run("id nobody2"), "id: 'nobody2': no such user\n");
    EXPECT_EQ(sh.run("hostname -i"), "127.0.0.1\n");
}

TEST(ShellSystemCommands, UnameMatchesTheDistro) {
    ShellSession ubuntu;
    const auto& h = ubuntu.world().host;
    EXPECT_EQ(ubuntu.run("uname -a"), "Linux web-prod-03 " + h.kernel_release + " " +
                                          h.kernel_version + " x86_64 x86_64 x86_64 GNU/Linux\n");
    EXPECT_EQ(ubuntu.run("uname"), "Linux\n");
    EXPECT_EQ(ubuntu.run("uname -rm"), h.kernel_release + " x86_64\n");
    EXPECT_EQ(ubuntu.run("uname -x"),
              "uname: invalid option -- 'x'\nTry 'uname --help' for more information.\n");
    ShellSession debian({.distro = "debian"});
    const auto& d = debian.world().host;
    EXPECT_EQ(debian.run("uname -a"), "Linux web-prod-03 " + d.kernel_release + " " +
                                          d.kernel_version + " x86_64 GNU/Linux\n");
    EXPECT_EQ(debian.run("uname -p"), "unknown\n");
}

TEST(ShellSystemCommands, WhichEnvHistoryAliases) {
    ShellSession sh;
    EXPECT_EQ(sh.run("which ls python3 yum cd"), "/usr/bin/ls\n/usr/bin/python3\n");
    EXPECT_EQ(sh.status(), 1);
    EXPECT_NE(sh.run("env").find("HOME=/root\n"), std::string::npos);
    EXPECT_EQ(sh.run("export FOO=bar; env | grep FOO; unset FOO; echo \"[$FOO]\""),
              "FOO=bar\n[]\n");
    EXPECT_EQ(sh.run("export 1x=2"), "bash: line 1: export: `1x=2': not a valid identifier\n");
    // The login loaded root's .bash_history; this session's lines follow it.
    const auto loaded = sh.world().fs->read("/root/.bash_history").value;
    const auto first = loaded.substr(0, loaded.find('\n'));
    EXPECT_EQ(sh.run("history | head -1"), "    1  " + first + "\n");
    EXPECT_NE(sh.run("history | tail -1").find("history | tail -1"), std::string::npos);
    EXPECT_EQ(sh.run("alias ll"), "bash: line 1: alias: ll: not found\n");  // bash -c: no .bashrc
    ShellSession interactive({.pty = true});
    const auto out = interactive.type({"alias ll\r", "ll -d /etc\r", "exit\r"});
    EXPECT_NE(out.find("alias ll='ls -alF'\r\n"), std::string::npos) << out;  // ubuntu's .bashrc
    EXPECT_NE(out.find("\r\ndrwxr-xr-x"), std::string::npos) << out;
}

TEST(ShellSystemCommands, BuiltinsBotsProbeWith) {
    ShellSession sh;
    EXPECT_EQ(sh.run("command -v ls cd nosuch"), "/usr/bin/ls\ncd\n");
    EXPECT_EQ(sh.status(), 1);
    EXPECT_EQ(sh.run("type ls cd"), "ls is /usr/bin/ls\ncd is a shell builtin\n");
    EXPECT_EQ(sh.run("type nosuch"), "bash: line 1: type: nosuch: not found\n");
    EXPECT_EQ(sh.run("ulimit -n; umask; ulimit -n 65535; echo $?"), "1024\n0022\n0\n");
    EXPECT_EQ(sh.run("unset HISTFILE; set +o history; shopt -s expand_aliases; echo $?"), "0\n");
    EXPECT_EQ(sh.run("read a b; echo \"$b-$a\"", "one two three\n"), "two three-one\n");
    EXPECT_EQ(sh.run("exec echo replaced"), "replaced\n");
}

TEST(ShellSystemCommands, PrivilegeAndAccounts) {
    ShellSession sh;
    const auto admin = sh.world().accounts.admin_user().name;
    EXPECT_EQ(sh.run("sudo id -u"), "0\n");
    EXPECT_NE(sh.run("sudo -l").find("(ALL : ALL) ALL"), std::string::npos);
    EXPECT_EQ(sh.run("su " + admin + "; whoami"), admin + "\n");
    EXPECT_EQ(sh.run("su root"), "Password: \nsu: Authentication failure\n");
    ShellSession root;
    EXPECT_EQ(root.run("passwd", "new\nnew\n"),
              "New password: \nRetype new password: \npasswd: password updated successfully\n");
    EXPECT_EQ(root.run("passwd", "a\nb\n"),
              "New password: \nRetype new password: \nSorry, passwords do not match.\npasswd: "
              "Authentication token manipulation error\npasswd: password unchanged\n");
    EXPECT_EQ(root.run("echo 'root:x' | chpasswd; echo $?"), "0\n");
}

TEST(ShellSystemCommands, CronServicesAndPackages) {
    ShellSession sh;
    const auto table = sh.world().fs->read("/var/spool/cron/crontabs/root");
    if (table) {
        EXPECT_EQ(sh.run("crontab -l"), table.value);
        sh.run("crontab -r");
    }
    EXPECT_EQ(sh.run("crontab -l"), "no crontab for root\n");
    EXPECT_EQ(sh.run("(crontab -l 2>/dev/null; echo '* * * * * /tmp/.x') | crontab -; crontab -l"),
              "* * * * * /tmp/.x\n");
    EXPECT_EQ(sh.run("systemctl status nginx"), "Unit nginx.service could not be found.\n");
    EXPECT_EQ(sh.status(), 4);
    EXPECT_EQ(sh.run("systemctl stop ufw"),
              "Failed to stop ufw.service: Unit ufw.service not found.\n");
    EXPECT_EQ(sh.run("systemctl restart ssh; echo $?"), "0\n");
    EXPECT_EQ(sh.run("service foo start"), "foo: unrecognized service\n");
    const auto update = sh.run("apt-get update");
    EXPECT_TRUE(update.starts_with("Err:1 http://archive.ubuntu.com/ubuntu jammy InRelease\n"))
        << update;
    EXPECT_EQ(sh.run("apt install xmrig"),
              "Reading package lists... Done\nBuilding dependency tree... Done\nReading state "
              "information... Done\nE: Unable to locate package xmrig\n");
    EXPECT_EQ(sh.status(), 100);
    EXPECT_EQ(sh.run("yum install gcc"), "bash: line 1: yum: command not found\n");
    ShellSession rocky({.distro = "rocky9"});
    EXPECT_NE(rocky.run("yum install gcc").find("Failed to download metadata"), std::string::npos);
    EXPECT_EQ(rocky.run("apt-get update"), "bash: line 1: apt-get: command not found\n");
}

TEST(ShellSystemCommands, ProcessesInterpretersAndBusybox) {
    ShellSession sh;
    EXPECT_EQ(sh.run("kill -9 1234; echo $?"), "0\n");
    EXPECT_EQ(sh.run("kill abc"),
              "bash: line 1: kill: abc: arguments must be process or job IDs\n");
    EXPECT_EQ(sh.run("nohup echo hi"), "hi\n");  // stdout is not a terminal here
    EXPECT_EQ(sh.run("sleep 0.05; echo $?"), "0\n");
    EXPECT_EQ(sh.run("sleep x"),
              "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n");
    sh.run("sleep 100");
    EXPECT_LT(sh.took().count(), 7000);  // bounded
    EXPECT_EQ(sh.run("python3 --version"), "Python 3.11.2\n");
    EXPECT_EQ(sh.run("python -V"), "bash: line 1: python: command not found\n");
    EXPECT_EQ(sh.run("python3 -c 'import os'; echo $?"), "0\n");
    EXPECT_NE(sh.run("perl -v").find("This is perl 5, version 36"), std::string::npos);
    EXPECT_EQ(sh.run("busybox MIRAI"), "MIRAI: applet not found\n");
    EXPECT_EQ(sh.status(), 127);
    EXPECT_EQ(sh.run("busybox echo ok"), "ok\n");
    EXPECT_TRUE(sh.run("busybox").starts_with("BusyBox v1.36.1"));
    EXPECT_EQ(sh.run("[ 1 -lt 2 ] && test -f /etc/passwd && [ ! -d /nope ] && echo yes"), "yes\n");
    EXPECT_EQ(sh.run("[ 1 -lt 2"), "bash: line 1: [: missing `]'\n");
    EXPECT_EQ(sh.run("[ a -lt 2 ]"), "bash: line 1: [: a: integer expression expected\n");
}

}  // namespace
}  // namespace decnet::honeypot::shell
