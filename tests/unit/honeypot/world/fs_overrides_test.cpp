// Operator overrides: a host directory's regular files replace or add paths of the tree,
// owned by the account whose home they are in; links out and oversized files are skipped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "honeypot/world/fs_overrides.hpp"

namespace decnet::honeypot {
namespace {

namespace stdfs = std::filesystem;

class FsOverrides : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = stdfs::temp_directory_path() /
               ("decnet_fs_overrides_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        stdfs::create_directories(dir_);
    }
    void TearDown() override { stdfs::remove_all(dir_); }

    void write(const std::string& relative, const std::string& text) {
        const auto path = dir_ / relative;
        stdfs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << text;
    }

    stdfs::path dir_;
};

TEST_F(FsOverrides, FilesReplaceAndAddPathsOfTheDeckysTree) {
    write("etc/motd", "Authorized use only.\n");
    write("srv/ftp/Q3-report.pdf", "%PDF-1.4\n");
    write("root/.aws/credentials", "[default]\naws_access_key_id = AKIAOPERATOR\n");
    stdfs::permissions(dir_ / "root/.aws/credentials",
                       stdfs::perms::owner_read | stdfs::perms::owner_write);
    stdfs::create_symlink("/etc/passwd", dir_ / "srv/ftp/host-passwd");
    write("big.bin", std::string(2 * 1024 * 1024, 'x'));

    DeckyConfig decky;
    decky.name = "d";
    decky.hostname = "h";
    decky.distro = "debian";
    decky.fs_dir = dir_.string();
    const auto world = make_decky_world(decky, "");
    const auto& fs = *world->fs;
    EXPECT_EQ(fs.read("/etc/motd").value, "Authorized use only.\n");
    EXPECT_EQ(fs.read("/srv/ftp/Q3-report.pdf").value, "%PDF-1.4\n");
    EXPECT_TRUE(fs.read("/srv/ftp/config.ini"));  // the generated files stay
    EXPECT_EQ(fs.stat("/root/.aws/credentials").value.meta.mode, 0600u);
    EXPECT_EQ(fs.read("/srv/ftp/host-passwd").error, FsError::not_found);  // links not followed
    EXPECT_EQ(fs.read("/big.bin").error, FsError::not_found);              // over the size bound
    EXPECT_EQ(world->fs_dir, dir_.string());
}

TEST_F(FsOverrides, HomeFilesBelongToTheirAccount) {
    DeckyConfig decky;
    decky.name = "d";
    decky.hostname = "h";
    decky.distro = "ubuntu22";
    const auto plain = make_decky_world(decky, "");
    const auto& admin = plain->accounts.admin_user();
    write("home/" + admin.name + "/todo.txt", "call the auditors\n");
    for (int i = 0; i < 5; ++i) write("many/f" + std::to_string(i), "x");
    FakeFilesystem fs;
    const auto report = apply_fs_overrides(fs, dir_.string(), plain->accounts, {3});
    EXPECT_EQ(report.added, 3u);
    EXPECT_EQ(report.skipped, 3u);
    decky.fs_dir = dir_.string();
    const auto world = make_decky_world(decky, "");
    const auto st = world->fs->stat("/home/" + admin.name + "/todo.txt");
    ASSERT_TRUE(st);
    EXPECT_EQ(st.value.meta.uid, admin.uid);
    EXPECT_EQ(st.value.meta.gid, admin.gid);
    EXPECT_THROW(apply_fs_overrides(fs, (dir_ / "missing").string(), plain->accounts), ConfigError);
}

}  // namespace
}  // namespace decnet::honeypot
