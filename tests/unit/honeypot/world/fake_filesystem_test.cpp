// The fake filesystem's tree and path resolution: `.`/`..`, symlinks (relative, absolute,
// loops), jails that nothing escapes, listings and computed files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "honeypot/world/fake_filesystem.hpp"

namespace decnet::honeypot {
namespace {

using ::testing::ElementsAre;

FakeFilesystem sample() {
    FakeFilesystem fs(1700000000);
    fs.add_file("/etc/hostname", "web-01\n");
    fs.add_file("/etc/shadow", "root:*:19000:0:99999:7:::\n", {0640, 0, 42, 1700000100});
    fs.add_dir("/root", {0700, 0, 0, 0});
    fs.add_file("/root/.env", "DB_PASS=x\n", {0600});
    fs.add_dir("/usr/bin");
    fs.add_file("/usr/bin/ls", "ELF");
    fs.add_symlink("/bin", "usr/bin");
    fs.add_symlink("/etc/os-release", "../usr/lib/os-release");
    fs.add_file("/usr/lib/os-release", "ID=debian\n");
    fs.add_symlink("/srv/ftp/escape", "/etc/hostname");
    fs.add_symlink("/srv/ftp/up", "../../..");
    fs.add_file("/srv/ftp/readme.txt", "hello\n");
    fs.add_symlink("/loop/a", "b");
    fs.add_symlink("/loop/b", "a");
    fs.add_symlink("/loop/self", "self");
    fs.add_generated("/proc/uptime", [](std::int64_t now) { return std::to_string(now) + "\n"; });
    return fs;
}

TEST(FakeFilesystem, ReadsFilesAndStatsThem) {
    const auto fs = sample();
    EXPECT_EQ(fs.read("/etc/hostname").value, "web-01\n");
    const auto st = fs.stat("/etc/shadow");
    ASSERT_TRUE(st);
    EXPECT_EQ(st.value.type, FsType::regular);
    EXPECT_EQ(st.value.meta.mode, 0640u);
    EXPECT_EQ(st.value.meta.gid, 42u);
    EXPECT_EQ(st.value.meta.mtime, 1700000100);
    EXPECT_EQ(st.value.size, 26u);
    EXPECT_EQ(fs.stat("/etc/hostname").value.meta.mtime, 1700000000);  // the default mtime
    EXPECT_EQ(fs.stat("/etc").value.type, FsType::directory);
    EXPECT_EQ(fs.read("/etc").error, FsError::is_dir);
    EXPECT_EQ(fs.read("/etc/nope").error, FsError::not_found);
    EXPECT_EQ(fs.read("/etc/hostname/x").error, FsError::not_dir);
}

TEST(FakeFilesystem, ResolvesDotsAndRelativePathsFromTheCwd) {
    const auto fs = sample();
    EXPECT_EQ(fs.read("./.env", {"/", "/root"}).value, "DB_PASS=x\n");
    EXPECT_EQ(fs.read("../etc/./hostname", {"/", "/root"}).value, "web-01\n");
    EXPECT_EQ(fs.read("/../../../../etc/hostname").value, "web-01\n");  // ".." stops at "/"
    EXPECT_EQ(fs.realpath("//usr///bin/../bin/").value, "/usr/bin");
    EXPECT_EQ(fs.realpath("/").value, "/");
}

TEST(FakeFilesystem, FollowsSymlinksRelativeAndAbsolute) {
    const auto fs = sample();
    EXPECT_EQ(fs.read("/bin/ls").value, "ELF");
    EXPECT_EQ(fs.realpath("/bin/ls").value, "/usr/bin/ls");
    EXPECT_EQ(fs.read("/etc/os-release").value, "ID=debian\n");
    const auto link = fs.stat("/etc/os-release", {}, false);
    ASSERT_TRUE(link);
    EXPECT_EQ(link.value.type, FsType::symlink);
    EXPECT_EQ(link.value.target, "../usr/lib/os-release");
    EXPECT_EQ(fs.stat("/etc/os-release").value.type, FsType::regular);
    // `..` after a symlink is taken from where the link points (as the kernel does).
    EXPECT_EQ(fs.realpath("/bin/../lib").value, "/usr/lib");
}

TEST(FakeFilesystem, SymlinkLoopsAreRefused) {
    const auto fs = sample();
    EXPECT_EQ(fs.read("/loop/a").error, FsError::loop);
    EXPECT_EQ(fs.read("/loop/self").error, FsError::loop);
    EXPECT_TRUE(fs.stat("/loop/a", {}, false));  // lstat does not follow
}

TEST(FakeFilesystem, AJailIsTheRootForDotsAndAbsoluteLinks) {
    const auto fs = sample();
    const FsScope ftp{"/srv/ftp", "/"};
    EXPECT_EQ(fs.read("/readme.txt", ftp).value, "hello\n");
    EXPECT_EQ(fs.read("../../etc/hostname", ftp).error, FsError::not_found);
    EXPECT_EQ(fs.read("/../../../etc/hostname", ftp).error, FsError::not_found);
    // An absolute link resolves inside the jail, a relative one cannot climb out of it.
    EXPECT_EQ(fs.read("/escape", ftp).error, FsError::not_found);
    EXPECT_EQ(fs.realpath("/up", ftp).value, "/");
    EXPECT_EQ(fs.read("/up/readme.txt", ftp).value, "hello\n");
    EXPECT_EQ(fs.realpath("/up/readme.txt", ftp).value, "/readme.txt");
    EXPECT_EQ(fs.read("x", {"/no/such/jail", "/"}).error, FsError::not_found);
}

TEST(FakeFilesystem, BoundsPathAndNameLengths) {
    const auto fs = sample();
    EXPECT_EQ(fs.read(std::string(kMaxPathLength + 1, 'a')).error, FsError::name_too_long);
    EXPECT_EQ(fs.read("/" + std::string(kMaxNameLength + 1, 'a')).error, FsError::name_too_long);
    std::string deep;
    for (int i = 0; i < 1000; ++i) deep += "/..";
    EXPECT_EQ(fs.read(deep + "/etc/hostname").value, "web-01\n");
}

TEST(FakeFilesystem, ListsSortedEntriesWithoutFollowingLinks) {
    const auto fs = sample();
    const auto entries = fs.list("/etc");
    ASSERT_TRUE(entries);
    std::vector<std::string> names;
    for (const auto& e : entries.value) names.push_back(e.name);
    EXPECT_THAT(names, ElementsAre("hostname", "os-release", "shadow"));
    EXPECT_EQ(entries.value[1].stat.type, FsType::symlink);
    const auto one = fs.list("/etc/hostname");
    ASSERT_EQ(one.value.size(), 1u);
    EXPECT_EQ(one.value[0].name, "hostname");
    EXPECT_EQ(fs.stat("/usr").value.nlink, 4u);  // ., .., bin, lib
}

TEST(FakeFilesystem, ComputedFilesAreGeneratedWhenRead) {
    const auto fs = sample();
    EXPECT_EQ(fs.read("/proc/uptime", {}, 42).value, "42\n");
    EXPECT_EQ(fs.read("/proc/uptime", {}, 43).value, "43\n");
    EXPECT_EQ(fs.stat("/proc/uptime").value.size, 0u);  // as /proc reports
}

TEST(FakeFilesystem, AddingAnExistingPathReplacesIt) {
    auto fs = sample();
    fs.add_file("/etc/hostname", "other\n");
    EXPECT_EQ(fs.read("/etc/hostname").value, "other\n");
    fs.add_dir("/etc", {0700, 0, 0, 5});  // keeps what is inside
    EXPECT_EQ(fs.read("/etc/hostname").value, "other\n");
    EXPECT_EQ(fs.stat("/etc").value.meta.mode, 0700u);
    EXPECT_TRUE(fs.remove("/etc/hostname"));
    EXPECT_FALSE(fs.remove("/etc/hostname"));
    EXPECT_EQ(fs.read("/etc/hostname").error, FsError::not_found);
}

}  // namespace
}  // namespace decnet::honeypot
