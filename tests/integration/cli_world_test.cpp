// One world per decky, seen through every protocol: `decnet up` with two deckies, then the
// same files read with real clients — curl over FTP, TFTP and HTTP (`files = @world`), the
// telnet client logging in and running cat — agree with each other on one decky and differ
// between the two; an operator's fs_dir adds and replaces files. Subnets 127.143.0.0/24 and
// 127.144.0.0/24 belongs to this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kFleet =
    "[general]\nnet = 127.141.0.0/24\n\n"
    "[alpha]\nip = 127.141.0.10\narchetype = web-server\nservices = ftp,tftp,telnet,http\n"
    "fs_dir = operator-files\n\n"
    "[alpha.http]\nfiles = @world\n\n"
    "[bravo]\nip = 127.141.0.11\narchetype = web-server\nservices = ftp,tftp,telnet,http\n\n"
    "[bravo.http]\nfiles = @world\n";

// The fleet, and alpha's operator directory (fs_dir, relative to where decnet runs).
void write_fleet(const std::string& dir, const std::string& net = "127.143") {
    std::string fleet = kFleet;
    for (auto at = fleet.find("127.141"); at != std::string::npos; at = fleet.find("127.141"))
        fleet.replace(at, 7, net);
    write_file(dir + "/fleet.ini", fleet);
    std::filesystem::create_directories(dir + "/operator-files/srv/ftp");
    std::filesystem::create_directories(dir + "/operator-files/etc");
    write_file(dir + "/operator-files/srv/ftp/Q3-report.txt", "revenue: confidential\n");
    write_file(dir + "/operator-files/etc/motd", "Authorized use only. Activity is monitored.\n");
}

std::string without_cr(std::string text) {
    std::erase(text, '\r');
    return text;
}

// What each protocol shows of one decky.
struct Views {
    std::string ftp_config, tftp_config, http_index, http_config, telnet;
};

Views read_views(const std::string& ip) {
    Views v;
    v.ftp_config = capture("timeout 20 curl -s ftp://u:p@" + ip + "/config.ini");
    v.tftp_config = capture("curl -s -m 5 tftp://" + ip + "/startup-config");
    v.http_index = capture("curl -s -m 10 http://" + ip + "/");
    v.http_config = capture("curl -s -m 10 http://" + ip + "/config.php");
    v.telnet = without_cr(capture(
        "(sleep 1; echo root; sleep 0.5; echo admin; sleep 1; echo 'cat /srv/ftp/config.ini'; "
        "sleep 0.3; echo 'cd /srv/tftp'; sleep 0.3; echo 'cat startup-config'; sleep 0.3; "
        "echo 'cat /var/www/html/index.html ~/.env'; sleep 0.3; echo 'cat /etc/hostname'; "
        "sleep 0.5; echo exit; sleep 1) | timeout 20 telnet " +
        ip + " 23 2>&1"));
    return v;
}

std::string value_after(const std::string& text, const std::string& key) {
    const auto at = text.find(key);
    if (at == std::string::npos) return "";
    const auto start = at + key.size();
    return text.substr(start, text.find_first_of("\n'", start) - start);
}

TEST(CliWorld, EveryProtocolReadsTheSameFilesOfItsDecky) {
    const auto dir = make_temp_dir();
    write_fleet(dir);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/w.db", "--state-dir", dir},
                         dir);
    const auto banner = up.wait_for_output("decnet is up");
    ASSERT_THAT(banner, HasSubstr("127.143.0.10:23/tcp")) << up.err();
    ASSERT_THAT(banner, HasSubstr("127.143.0.11:69/udp"));

    const Views a = read_views("127.143.0.10");
    const Views b = read_views("127.143.0.11");
    for (const Views* v : {&a, &b}) {
        ASSERT_THAT(v->ftp_config, HasSubstr("[database]")) << v->ftp_config;
        ASSERT_THAT(v->tftp_config, HasSubstr("enable secret 5"));
        ASSERT_THAT(v->http_index, HasSubstr("<!DOCTYPE html>"));
        ASSERT_THAT(v->telnet, HasSubstr(" login: "));
        // The same files over FTP, TFTP and HTTP as the shell shows them.
        EXPECT_THAT(v->telnet, HasSubstr(v->ftp_config));
        EXPECT_THAT(v->telnet, HasSubstr(v->tftp_config));
        EXPECT_THAT(v->telnet, HasSubstr(v->http_index));
        // The hostname in /etc/hostname is the one the router config and the web page name.
        const auto hostname = value_after(v->tftp_config, "hostname ");
        ASSERT_FALSE(hostname.empty());
        EXPECT_THAT(v->telnet, HasSubstr("\n" + hostname + "\n"));
        EXPECT_THAT(v->http_index, HasSubstr("<!-- " + hostname + " -->"));
        // One credential, four places: FTP's config.ini, HTTP's config.php, root's .env.
        const auto password = value_after(v->ftp_config, "password = ");
        ASSERT_FALSE(password.empty());
        EXPECT_THAT(v->http_config, HasSubstr("define('DB_PASSWORD', '" + password + "');"));
        EXPECT_THAT(v->telnet, HasSubstr("DB_PASS=" + password + "\n"));
    }
    // alpha's operator files: over FTP, and the motd after the telnet login.
    EXPECT_EQ(capture("timeout 20 curl -s ftp://u:p@127.143.0.10/Q3-report.txt"),
              "revenue: confidential\n");
    EXPECT_THAT(a.telnet, HasSubstr("Authorized use only. Activity is monitored.\n"));
    EXPECT_THAT(b.telnet, Not(HasSubstr("Authorized use only.")));
    // Two deckies, two hosts.
    EXPECT_NE(a.ftp_config, b.ftp_config);
    EXPECT_NE(a.tftp_config, b.tftp_config);
    EXPECT_NE(a.http_index, b.http_index);
    // .ht* files stay hidden, as Apache hides them; the jail holds over FTP and TFTP.
    EXPECT_THAT(capture("curl -s -m 10 http://127.143.0.10/.htpasswd"), Not(HasSubstr("$apr1$")));
    const auto escape = capture(
        "printf 'USER u\\r\\nPASS p\\r\\nCWD ../../etc\\r\\nSIZE ../../etc/passwd\\r\\n"
        "QUIT\\r\\n' | timeout 10 nc -q5 127.143.0.10 21");
    EXPECT_THAT(escape, HasSubstr("550 Failed to change directory."));
    EXPECT_THAT(escape, HasSubstr("550 Could not get file size."));
    EXPECT_EQ(capture("curl -s -m 5 tftp://127.143.0.10/../../etc/passwd; echo rc=$?"), "rc=68\n");
    EXPECT_EQ(up.stop(), 0) << up.err();
}

// Changes land in the session's overlay: the session sees its mkdir, rename and delete, the
// next session sees the decky as it was, and an upload is not listed to anyone else.
TEST(CliWorld, AnFtpUploadStaysInItsSession) {
    const auto dir = make_temp_dir();
    write_fleet(dir, "127.144");
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "--config", dir + "/fleet.ini", "--db",
                          dir + "/w.db", "--state-dir", dir},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up"), HasSubstr("127.144.0.10:21/tcp")) << up.err();
    const auto session = capture(
        "printf 'USER u\\r\\nPASS p\\r\\nMKD .x\\r\\nCWD .x\\r\\nPWD\\r\\nSIZE /config.ini\\r\\n"
        "RNFR /config.ini\\r\\nRNTO /old.ini\\r\\nSIZE /config.ini\\r\\nDELE /old.ini\\r\\n"
        "CDUP\\r\\nRMD .x\\r\\nQUIT\\r\\n' | timeout 10 nc -q5 127.144.0.10 21");
    EXPECT_THAT(session, HasSubstr("257 \"/.x\" created"));
    EXPECT_THAT(session, HasSubstr("257 \"/.x\" is the current directory"));
    EXPECT_THAT(session, HasSubstr("350 Ready for RNTO."));
    EXPECT_THAT(session, HasSubstr("250 Rename successful."));
    EXPECT_THAT(session, HasSubstr("550 Could not get file size."));
    EXPECT_THAT(session, HasSubstr("250 Delete operation successful."));
    EXPECT_THAT(session, HasSubstr("250 Remove directory operation successful."));
    // A new session still has config.ini: the rename and delete were the other session's.
    EXPECT_THAT(capture("timeout 20 curl -s ftp://u:p@127.144.0.10/config.ini"),
                HasSubstr("[database]"));
    write_file(dir + "/drop.sh", "#!/bin/sh\necho dropped\n");
    EXPECT_EQ(capture("timeout 20 curl -s -o /dev/null -w '%{http_code}' -T " + dir +
                      "/drop.sh ftp://u:p@127.144.0.10/drop.sh"),
              "226");
    EXPECT_THAT(capture("timeout 20 curl -s ftp://u:p@127.144.0.10/"), Not(HasSubstr("drop.sh")));
    EXPECT_EQ(up.stop(), 0) << up.err();
}

}  // namespace
}  // namespace decnet::testing
