// File commands against a real ubuntu22 world through the session's overlay: ls's formats,
// cat/head/tail/grep/wc over the world's files, and the changes (mkdir, rm, cp, mv, touch,
// chmod) that stay in the overlay, with coreutils' wording for every failure.
#include <gtest/gtest.h>

#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fs_overlay.hpp"
#include "support/shell_session.hpp"

namespace decnet::honeypot::shell {
namespace {

using decnet::testing::ShellSession;

TEST(ShellFileCommands, LsFormats) {
    ShellSession sh;
    EXPECT_EQ(sh.run("ls /srv/ftp"), "backup.tar.gz\nconfig.ini\ncredentials.txt\ndb_dump.sql\n");
    const auto long_form = sh.run("ls -la ~");
    EXPECT_TRUE(long_form.starts_with("total ")) << long_form;
    EXPECT_NE(long_form.find(" root root "), std::string::npos);
    EXPECT_NE(long_form.find(" .bash_history\n"), std::string::npos);
    EXPECT_NE(long_form.find("drwx------"), std::string::npos);  // /root itself, as "."
    EXPECT_NE(sh.run("ls -lh /boot").find(" 7.9M "), std::string::npos);
    EXPECT_EQ(sh.run("ls nope"), "ls: cannot access 'nope': No such file or directory\n");
    EXPECT_EQ(sh.status(), 2);
    EXPECT_EQ(sh.run("ls -z"),
              "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n");
    EXPECT_EQ(sh.run("ls -d /etc /nope"),
              "ls: cannot access '/nope': No such file or directory\n/etc\n");
    EXPECT_EQ(sh.run("cd /srv; ls -F"), "ftp/\ntftp/\n");
}

TEST(ShellFileCommands, LsInColumnsOnATerminal) {
    ShellSession sh({.pty = true});
    const auto out = sh.type({"ls /srv/ftp\r", "exit\r"});
    EXPECT_NE(out.find("backup.tar.gz  config.ini  credentials.txt  db_dump.sql\r\n"),
              std::string::npos)
        << out;
}

TEST(ShellFileCommands, ReadingCommands) {
    ShellSession sh;
    const auto passwd = sh.world().fs->read("/etc/passwd").value;
    EXPECT_EQ(sh.run("cat /etc/passwd"), passwd);
    EXPECT_EQ(sh.run("cat /etc"), "cat: /etc: Is a directory\n");
    EXPECT_EQ(sh.run("cat /nope /etc/hostname"), "cat: /nope: No such file or directory\n" +
                                                     sh.world().fs->read("/etc/hostname").value);
    EXPECT_EQ(sh.run("head -1 /etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    EXPECT_EQ(sh.run("head -n 2 /etc/passwd | tail -n 1"),
              passwd.substr(passwd.find('\n') + 1,
                            passwd.find('\n', passwd.find('\n') + 1) - passwd.find('\n')));
    EXPECT_EQ(sh.run("printf 'a\\nb\\nc\\n' | tail -2"), "b\nc\n");
    EXPECT_EQ(sh.run("printf 'a\\nb\\nc\\n' | tail -n +2"), "b\nc\n");
    EXPECT_EQ(sh.run("grep -n ^root /etc/passwd"), "1:root:x:0:0:root:/root:/bin/bash\n");
    EXPECT_EQ(sh.run("grep -c root /etc/passwd"), "1\n");
    EXPECT_EQ(sh.run("grep -i ROOT: /etc/passwd | wc -l"), "1\n");
    EXPECT_EQ(sh.run("printf 'ab\\ncd\\n' | grep -v a"), "cd\n");
    EXPECT_EQ(sh.run("printf 'a+b\\n' | grep 'a+b'"), "a+b\n");  // + is literal in a BRE
    EXPECT_EQ(sh.run("printf 'aab\\n' | grep -E 'a+b'"), "aab\n");
    EXPECT_EQ(sh.run("grep x /nope"), "grep: /nope: No such file or directory\n");
    EXPECT_EQ(sh.status(), 2);
    EXPECT_EQ(sh.run("grep -r DB_PASS /root | head -1").substr(0, 10), "/root/.env");
    EXPECT_EQ(sh.run("printf 'one two\\nthree\\n' | wc"), "      2       3      14\n");
    EXPECT_EQ(sh.run("printf 'x\\n' > /tmp/f; wc -l /tmp/f"), "1 /tmp/f\n");
    EXPECT_EQ(sh.run("echo hi | base64"), "aGkK\n");
    EXPECT_EQ(sh.run("echo aGkK | base64 -d"), "hi\n");
    EXPECT_EQ(sh.run("echo '!!' | base64 -d"), "base64: invalid input\n");
    EXPECT_EQ(sh.run("printf abc | md5sum"), "900150983cd24fb0d6963f7d28e17f72  -\n");
    EXPECT_EQ(sh.run("printf abc | sha256sum"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n");
}

TEST(ShellFileCommands, GrepOnHostilePatternsStaysFast) {
    ShellSession sh;
    sh.run("yes aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | head -2000 > /tmp/many");
    sh.run("grep -E '(a*)*b' /tmp/many; grep -E '(a|aa)+$' /tmp/many");
    EXPECT_LT(sh.took().count(), 8000);
    EXPECT_EQ(sh.run("grep -E 'a{1000}{1000}' /tmp/many"), "grep: regular expression too big\n");
    EXPECT_EQ(sh.run("grep '(' /tmp/many; echo $?"), "1\n");  // a literal ( in a BRE
    EXPECT_EQ(sh.run("grep -E '(' /tmp/many"), "grep: Unmatched ( or \\(\n");
}

// A pattern with no operator is searched as a string: the whole line, however long (a
// regular expression sees its first 4096 bytes), with -i and -o as grep has them.
TEST(ShellFileCommands, GrepFindsALiteralAnywhereInALongLine) {
    ShellSession sh;
    sh.run(
        "yes aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | "
        "head -100 > /tmp/rows");
    sh.run("echo $(cat /tmp/rows) Secret=42 > /tmp/long");
    ASSERT_GT(std::stoi(sh.run("wc -c < /tmp/long")), 4096);
    EXPECT_EQ(sh.run("grep -c Secret= /tmp/long"), "1\n");
    EXPECT_EQ(sh.run("grep -o -i SECRET=42 /tmp/long"), "Secret=42\n");
    EXPECT_EQ(sh.run("printf 'ab\\nAB\\n' | grep -ic ab"), "2\n");
    EXPECT_EQ(sh.run("printf 'x\\n' | grep ''"), "x\n");
    // -w and -x hold for strings too, -F ones included.
    EXPECT_EQ(sh.run("printf 'root\\nrooted\\nx root_y\\nmy root.\\n' | grep -w root"),
              "root\nmy root.\n");
    EXPECT_EQ(sh.run("printf 'root\\nrooted\\n' | grep -Fx root"), "root\n");
    EXPECT_EQ(sh.run("printf 'a.b\\naxb\\n' | grep -Fw a.b"), "a.b\n");
}

TEST(ShellFileCommands, ChangesStayInTheOverlay) {
    ShellSession sh;
    EXPECT_EQ(sh.run("mkdir /tmp/.x && cd /tmp/.x && pwd"), "/tmp/.x\n");
    EXPECT_EQ(sh.run("mkdir /tmp"),
              "mkdir: cannot create directory \u2018/tmp\u2019: File exists\n");
    EXPECT_EQ(sh.run("mkdir -p /var/tmp/a/b/c; ls /var/tmp/a/b"), "c\n");
    EXPECT_EQ(sh.run("touch /tmp/t; cp /etc/hostname /tmp/h; mv /tmp/h /tmp/g; ls /tmp"), "g\nt\n");
    EXPECT_EQ(sh.run("cp /nope /tmp"), "cp: cannot stat '/nope': No such file or directory\n");
    EXPECT_EQ(sh.run("rm /tmp/g /tmp/none"),
              "rm: cannot remove '/tmp/none': No such file or directory\n");
    EXPECT_EQ(sh.run("rm -f /tmp/none; echo $?"), "0\n");
    EXPECT_EQ(sh.run("rm /etc"), "rm: cannot remove '/etc': Is a directory\n");
    EXPECT_EQ(sh.run("rm -rf /"),
              "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to "
              "override this failsafe\n");
    EXPECT_EQ(sh.run("rm -rf /root/scripts; ls /root"), "backups\n");
    EXPECT_TRUE(sh.world().fs->is_dir("/root/scripts"));  // the world itself is untouched
    EXPECT_EQ(sh.run("chmod 4755 /tmp/t; ls -l /tmp/t").substr(0, 10), "-rwsr-xr-x");
    EXPECT_EQ(sh.run("chmod go-rx,u-s /tmp/t; ls -l /tmp/t").substr(0, 10), "-rwx------");
    EXPECT_EQ(sh.run("chmod +x /nope"),
              "chmod: cannot access '/nope': No such file or directory\n");
    EXPECT_EQ(sh.run("chmod"),
              "chmod: missing operand\nTry 'chmod --help' for more information.\n");
    EXPECT_EQ(sh.run("chown nobody:nogroup /tmp/t; echo $?"), "0\n");
    EXPECT_EQ(sh.run("chown nosuchuser /tmp/t"), "chown: invalid user: 'nosuchuser'\n");
    EXPECT_EQ(sh.run("chattr -i /tmp/t; echo $?"), "0\n");
}

TEST(ShellFileCommands, ANonRootLoginMeetsPermissions) {
    ShellSession root;
    const auto admin = root.world().accounts.admin_user().name;
    ShellSession sh({.user = admin});
    EXPECT_EQ(sh.run("cat /etc/shadow"), "cat: /etc/shadow: Permission denied\n");
    EXPECT_EQ(sh.run("cd /root"), "bash: line 1: cd: /root: Permission denied\n");
    EXPECT_EQ(sh.run("touch /etc/x"), "touch: cannot touch '/etc/x': Permission denied\n");
    EXPECT_EQ(sh.run("whoami; pwd"), admin + "\n/home/" + admin + "\n");
}

}  // namespace
}  // namespace decnet::honeypot::shell
