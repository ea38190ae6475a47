// `decnet replay` plays a cast file or an instance's cast artifact to stdout: output
// events only, in order, filtered of sequences that would act on the operator's terminal,
// at once with --speed 0 and at the cast's pace (shortened by --speed / --max-idle).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

const std::string kCast =
    "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1790000000, \"env\": "
    "{\"SHELL\": \"/bin/bash\", \"TERM\": \"xterm-256color\"}, \"title\": \"root@web-prod-03\"}\n"
    "[0.010000, \"o\", \"root@web-prod-03:~# \"]\n"
    "[0.500000, \"i\", \"id\\r\"]\n"
    "[0.510000, \"o\", \"id\\r\\n\\u001b]0;owned\\u0007uid=0(root) gid=0(root) "
    "groups=0(root)\\r\\n\"]\n"
    "garbage line\n"
    "[1.200000, \"r\", \"100x30\"]\n"
    "[1.300000, \"o\", \"\\u001b[32mroot@web-prod-03:~# \\u001b[0m\"]\n";

const std::string kShown =
    "root@web-prod-03:~# id\r\nuid=0(root) gid=0(root) groups=0(root)\r\n"
    "\x1b[32mroot@web-prod-03:~# \x1b[0m";

TEST(CliReplay, DumpsACastFileAtOnce) {
    const auto dir = make_temp_dir();
    write_file(dir + "/session.cast", kCast);
    const auto r = run_decnet({"replay", dir + "/session.cast", "--speed", "0"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, kShown);
    EXPECT_EQ(r.err, "replay: skipped 1 malformed lines\n");
}

TEST(CliReplay, PlaysAnArtifactBySha256AtItsPace) {
    const auto dir = make_temp_dir();
    std::filesystem::create_directories(dir + "/artifacts");
    write_file(dir + "/session.cast", kCast);
    const auto sha = capture("sha256sum " + dir + "/session.cast").substr(0, 64);
    std::filesystem::rename(dir + "/session.cast", dir + "/artifacts/" + sha);
    const auto start = std::chrono::steady_clock::now();
    const auto r = run_decnet({"replay", sha, "--state-dir", dir, "--speed", "2"});
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, kShown);
    // 1.3 s of session at twice the speed: about 0.65 s.
    EXPECT_GE(took, std::chrono::milliseconds(600));
    EXPECT_LT(took, std::chrono::seconds(5));

    const auto capped = std::chrono::steady_clock::now();
    const auto quick = run_decnet({"replay", sha, "--state-dir", dir, "--max-idle", "0.05"});
    EXPECT_EQ(quick.out, kShown);
    EXPECT_LT(std::chrono::steady_clock::now() - capped, std::chrono::milliseconds(1000));
}

TEST(CliReplay, SaysWhatIsWrong) {
    const auto dir = make_temp_dir();
    write_file(dir + "/not-a-cast", "hello\n");
    auto r = run_decnet({"replay", dir + "/not-a-cast"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, ::testing::HasSubstr("is not an asciinema v2 cast"));
    r = run_decnet({"replay", std::string(64, 'a'), "--state-dir", dir});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, ::testing::HasSubstr("cannot read " + dir + "/artifacts/"));
    r = run_decnet({"replay", dir + "/x", "--speed", "-1"});
    EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace decnet::testing
