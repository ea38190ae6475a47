// Listing formats shared by FTP's LIST and the shell's ls.
#include <gtest/gtest.h>

#include "honeypot/world/fs_format.hpp"

namespace decnet::honeypot {
namespace {

FsStat stat_of(FsType type, std::uint32_t mode) {
    FsStat st;
    st.type = type;
    st.meta.mode = mode;
    return st;
}

TEST(FsFormat, ModeStrings) {
    EXPECT_EQ(mode_string(stat_of(FsType::directory, 0755)), "drwxr-xr-x");
    EXPECT_EQ(mode_string(stat_of(FsType::regular, 0600)), "-rw-------");
    EXPECT_EQ(mode_string(stat_of(FsType::symlink, 0777)), "lrwxrwxrwx");
    EXPECT_EQ(mode_string(stat_of(FsType::directory, 01777)), "drwxrwxrwt");
    EXPECT_EQ(mode_string(stat_of(FsType::regular, 04755)), "-rwsr-xr-x");
    EXPECT_EQ(mode_string(stat_of(FsType::directory, 02770)), "drwxrws---");
    EXPECT_EQ(mode_string(stat_of(FsType::regular, 01644)), "-rw-r--r-T");
}

TEST(FsFormat, DatesAsLsAndVsftpdShowThem) {
    const std::int64_t mtime = 1700000000;  // Tue Nov 14 22:13:20 2023 UTC
    EXPECT_EQ(listing_date(mtime, mtime + 86400), "Nov 14 22:13");
    EXPECT_EQ(listing_date(mtime, mtime + 365 * 86400), "Nov 14  2023");
    EXPECT_EQ(listing_date(mtime - 13 * 86400, mtime + 365 * 86400, true), "Nov 01  2023");
    EXPECT_EQ(listing_date(mtime + 86400, mtime), "Nov 15  2023");  // the future shows a year
    EXPECT_EQ(mdtm_stamp(mtime), "20231114221320");
}

}  // namespace
}  // namespace decnet::honeypot
