// A session's overlay: writes land in it and never in the shared tree, reads see them
// first, and its bounds refuse writes like a full disk.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot {
namespace {

std::shared_ptr<const FakeFilesystem> base() {
    auto fs = std::make_shared<FakeFilesystem>(1700000000);
    fs->add_file("/etc/hostname", "web-01\n");
    fs->add_dir("/root", {0700, 0, 0, 0});
    fs->add_file("/root/.env", "DB_PASS=x\n", {0600});
    fs->add_dir("/tmp", {01777, 0, 0, 0});
    fs->add_symlink("/root/link", "/etc/hostname");
    fs->add_generated("/proc/uptime", [](std::int64_t) { return std::string("1.00 1.00\n"); });
    return fs;
}

TEST(FsOverlay, WritesAreSeenByTheSessionOnly) {
    const auto shared = base();
    FsOverlay a(shared), b(shared);
    EXPECT_EQ(a.write("/tmp/x.sh", "echo hi\n"), FsError::ok);
    EXPECT_EQ(a.read("/tmp/x.sh").value, "echo hi\n");
    EXPECT_EQ(b.read("/tmp/x.sh").error, FsError::not_found);
    EXPECT_EQ(shared->read("/tmp/x.sh").error, FsError::not_found);
    EXPECT_EQ(a.write("/etc/hostname", "pwned\n"), FsError::ok);
    EXPECT_EQ(a.read("/etc/hostname").value, "pwned\n");
    EXPECT_EQ(shared->read("/etc/hostname").value, "web-01\n");
    EXPECT_EQ(a.write("/tmp/x.sh", "exit\n", {}, true), FsError::ok);
    EXPECT_EQ(a.read("/tmp/x.sh").value, "echo hi\nexit\n");
    EXPECT_EQ(a.write("/root/link", "via link\n"), FsError::ok);  // writes through a link
    EXPECT_EQ(a.read("/etc/hostname").value, "via link\n");
    EXPECT_EQ(a.write("/proc/uptime", "0\n"), FsError::ok);
    EXPECT_EQ(a.read("/proc/uptime").value, "0\n");
    EXPECT_EQ(b.read("/proc/uptime").value, "1.00 1.00\n");
}

TEST(FsOverlay, MkdirRemoveRenameAndChmod) {
    FsOverlay o(base());
    o.set_creator(1000, 1000);
    EXPECT_EQ(o.mkdir("/tmp/.x"), FsError::ok);
    EXPECT_EQ(o.mkdir("/tmp/.x"), FsError::exists);
    EXPECT_EQ(o.mkdir("/nope/dir"), FsError::not_found);
    EXPECT_EQ(o.write("/tmp/.x/bot", "ELF"), FsError::ok);
    EXPECT_EQ(o.stat("/tmp/.x/bot").value.meta.uid, 1000u);
    EXPECT_EQ(o.chmod("/tmp/.x/bot", 0755), FsError::ok);
    EXPECT_EQ(o.stat("/tmp/.x/bot").value.meta.mode, 0755u);
    EXPECT_EQ(o.remove("/tmp/.x"), FsError::not_empty);
    EXPECT_EQ(o.rename("/tmp/.x", "/root/.cache"), FsError::ok);
    EXPECT_EQ(o.read("/root/.cache/bot").value, "ELF");
    EXPECT_EQ(o.read("/tmp/.x/bot").error, FsError::not_found);
    EXPECT_EQ(o.rename("/root", "/root/.cache/r"), FsError::invalid);  // into itself
    EXPECT_EQ(o.rename("/etc/hostname", "/tmp"), FsError::is_dir);
    EXPECT_EQ(o.remove("/root/.cache", {}, true), FsError::ok);
    EXPECT_EQ(o.stat("/root/.cache").error, FsError::not_found);
    EXPECT_EQ(o.remove("/root/.env"), FsError::ok);  // a base file disappears for the session
    EXPECT_EQ(o.read("/root/.env").error, FsError::not_found);
    EXPECT_EQ(o.remove("/"), FsError::invalid);
    EXPECT_EQ(o.symlink("/etc/hostname", "/tmp/h"), FsError::ok);
    EXPECT_EQ(o.read("/tmp/h").value, "web-01\n");
    EXPECT_EQ(o.write("/tmp", "x"), FsError::is_dir);
}

TEST(FsOverlay, RelativePathsAndJailsApplyToWrites) {
    FsOverlay o(base());
    const FsScope jail{"/tmp", "/"};
    EXPECT_EQ(o.write("../../x", "in jail", jail), FsError::ok);
    EXPECT_EQ(o.read("/tmp/x").value, "in jail");
    EXPECT_EQ(o.read("/x").error, FsError::not_found);
    EXPECT_EQ(o.remove("/", jail), FsError::invalid);  // the jail's root stays
}

// Found by fuzz_fs_path (its own invariant was wrong, the behaviour is kept): a jail whose
// root was removed from outside it, or replaced by a file, shows nothing and never falls
// through to the tree it was cut from; the same path from outside says ENOTDIR.
TEST(FsOverlay, AJailWhoseRootIsGoneShowsNothing) {
    FsOverlay o(base());
    const FsScope jail{"/tmp", "/"};
    ASSERT_EQ(o.mkdir("/tmp/etc"), FsError::ok);
    ASSERT_EQ(o.write("/tmp/etc/hostname", "jailed\n"), FsError::ok);
    EXPECT_EQ(o.read("/etc/hostname", jail).value, "jailed\n");
    EXPECT_EQ(o.remove("/tmp", {}, true), FsError::ok);  // root's rm -rf /tmp
    EXPECT_EQ(o.read("/etc/hostname", jail).error, FsError::not_found);
    EXPECT_EQ(o.write("/tmp", "now a file"), FsError::ok);
    const auto jailed = o.read("/etc/hostname", jail);
    EXPECT_EQ(jailed.error, FsError::not_found);
    EXPECT_TRUE(jailed.value.empty());
    EXPECT_EQ(o.read("/tmp/etc/hostname").error, FsError::not_dir);
    EXPECT_EQ(o.write("x", "y", jail), FsError::not_found);  // nothing to write into either
}

TEST(FsOverlay, BoundsRefuseLikeAFullDisk) {
    FsOverlay o(base(), {100, 16, 60});
    EXPECT_EQ(o.write("/tmp/big", std::string(61, 'x')), FsError::too_big);
    EXPECT_EQ(o.write("/tmp/a", std::string(50, 'x')), FsError::ok);
    EXPECT_EQ(o.write("/tmp/a", std::string(20, 'x'), {}, true), FsError::too_big);
    EXPECT_EQ(o.write("/tmp/b", std::string(50, 'x')), FsError::ok);
    EXPECT_EQ(o.write("/tmp/c", "x"), FsError::no_space);
    EXPECT_EQ(o.refusals(), 3u);
    EXPECT_EQ(o.bytes_used(), 100u);
    EXPECT_EQ(o.remove("/tmp/a"), FsError::ok);  // freeing space makes room again
    EXPECT_EQ(o.bytes_used(), 50u);
    EXPECT_EQ(o.write("/tmp/c", "x"), FsError::ok);
    int made = 0;
    for (int i = 0; i < 100; ++i)
        if (o.mkdir("/tmp/d" + std::to_string(i)) == FsError::ok) ++made;
    EXPECT_LT(made, 16);
    EXPECT_LE(o.nodes_used(), 16u);
    EXPECT_EQ(o.mkdir("/tmp/more"), FsError::no_space);
    EXPECT_EQ(o.remove("/tmp", {}, true), FsError::ok);
    EXPECT_LE(o.nodes_used(), 2u);  // the copied-up root and nothing else
}

}  // namespace
}  // namespace decnet::honeypot
