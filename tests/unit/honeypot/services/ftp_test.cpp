// The ftp emulator's dialogue: the control channel over an in-memory session (greeting, login
// capture, command sequencing, the jail in the decky's /srv/ftp, changes in the session's
// overlay, refusals, bad input), and the passive data channel over a loopback TCP pair
// (the world's listing and files, download attempts, uploads hashed and then visible in the
// session's tree, data connections from another address refused).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "honeypot/services/registry.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fake_filesystem.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Client;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;

constexpr std::string_view kGreeting = "220 (vsFTPd 3.0.3)\r\n";

// Sends one command line and returns the reply line.
std::string command(Dialogue& d, const std::string& line) {
    EXPECT_TRUE(d.send(line + "\r\n"));
    return d.read_until("\r\n");
}

// What the decky's world holds in its FTP root (docs/WORLD.md: the bait of /srv/ftp).
const std::vector<std::string> kFtpFiles = {"backup.tar.gz", "config.ini", "credentials.txt",
                                            "db_dump.sql"};

// A file of the world's FTP root; fails the test when the world has no such file.
FsStat ftp_stat(const DeckyWorld& world, const std::string& name) {
    const auto st = world.fs->stat(world.paths.ftp_root + "/" + name);
    EXPECT_TRUE(st) << name;
    return st.value;
}

std::string ftp_body(const DeckyWorld& world, const std::string& name) {
    const auto body = world.fs->read(world.paths.ftp_root + "/" + name);
    EXPECT_TRUE(body) << name;
    return body.value;
}

// MDTM's YYYYMMDDHHMMSS (UTC) of an epoch time, and back.
std::string stamp(std::int64_t mtime) {
    const std::time_t t = mtime;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y%m%d%H%M%S", &tm);
    return out;
}
std::int64_t from_stamp(const std::string& text) {
    std::tm tm{};
    if (!strptime(text.c_str(), "%Y%m%d%H%M%S", &tm)) ADD_FAILURE() << "bad stamp " << text;
    return timegm(&tm);
}

// One line of vsftpd's LIST for a root-owned 0644 file: numeric owner and group, the day
// zero-padded, the time within six months, else the year.
std::string list_line(const std::string& name, std::uint64_t size, std::int64_t mtime) {
    const std::time_t t = mtime;
    const auto now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char date[32];
    const bool recent = mtime <= now && now - mtime < 182 * 86400;
    std::strftime(date, sizeof date, recent ? "%b %d %H:%M" : "%b %d  %Y", &tm);
    char size_column[32];
    std::snprintf(size_column, sizeof size_column, "%8llu", static_cast<unsigned long long>(size));
    return "-rw-r--r--    1 0        0        " + std::string(size_column) + " " + date + " " +
           name + "\r\n";
}

// LIST of the world's FTP root as the session first sees it.
std::string world_listing(const DeckyWorld& world) {
    std::string out;
    for (const auto& name : kFtpFiles) {
        const auto st = ftp_stat(world, name);
        EXPECT_EQ(st.meta.mode, 0644u) << name;
        EXPECT_EQ(st.meta.uid, 0u) << name;
        out += list_line(name, st.size, st.meta.mtime);
    }
    return out;
}

void log_in(Dialogue& d) {
    EXPECT_EQ(d.read_until("\r\n"), kGreeting);
    EXPECT_EQ(command(d, "USER ftpuser"), "331 Password required for ftpuser.\r\n");
    EXPECT_EQ(command(d, "PASS ftpuser"), "230 Login successful.\r\n");
}

TEST(FtpDialogue, GreetsAndCapturesEveryLogin) {
    Dialogue d("ftp");
    EXPECT_EQ(d.read_until("\r\n"), kGreeting);
    EXPECT_EQ(command(d, "USER anonymous"),
              "331 Guest login ok, type your email address as password.\r\n");
    EXPECT_EQ(command(d, "PASS mozilla@example.com"), "230 Login successful.\r\n");
    EXPECT_EQ(command(d, "user root"), "331 Password required for root.\r\n");  // any case
    EXPECT_EQ(command(d, "PASS toor with spaces"), "230 Login successful.\r\n");
    EXPECT_EQ(command(d, "QUIT"), "221 Goodbye.\r\n");
    EXPECT_EQ(d.expect_closed(), "");
    ASSERT_TRUE(d.wait_ended());

    const auto events = d.events();
    EXPECT_EQ(event_types(events),
              (std::vector<std::string>{"connect", "user", "auth_attempt", "user", "auth_attempt",
                                        "disconnect"}));
    EXPECT_EQ(field(events[0], "src_ip"), "203.0.113.7");
    EXPECT_EQ(field(events[0], "src_port"), "40000");
    EXPECT_EQ(field(events[1], "username"), "anonymous");
    EXPECT_EQ(field(events[2], "username"), "anonymous");
    EXPECT_EQ(field(events[2], "password"), "mozilla@example.com");
    EXPECT_EQ(events[2].severity, Severity::warning);
    EXPECT_EQ(field(events[4], "username"), "root");
    EXPECT_EQ(field(events[4], "password"), "toor with spaces");
    EXPECT_EQ(field(events[4], "src_ip"), "203.0.113.7");
    EXPECT_EQ(field(events[5], "src_ip"), "203.0.113.7");
}

TEST(FtpDialogue, CommandsNeedUserThenPass) {
    Dialogue d("ftp");
    d.read_until("\r\n");
    EXPECT_EQ(command(d, "SYST"), "530 Please login with USER and PASS.\r\n");
    EXPECT_EQ(command(d, "PASS early"),
              "503 Incorrect sequence of commands: USER required before PASS\r\n");
    EXPECT_EQ(command(d, "USER bob"), "331 Password required for bob.\r\n");
    EXPECT_EQ(command(d, "LIST"),
              "503 Incorrect sequence of commands: PASS required after USER\r\n");
    EXPECT_EQ(command(d, "PASS bob"), "230 Login successful.\r\n");
    EXPECT_EQ(command(d, "SYST"), "215 UNIX Type: L8\r\n");
    // A new USER logs out until the next PASS.
    EXPECT_EQ(command(d, "USER alice"), "331 Password required for alice.\r\n");
    EXPECT_EQ(command(d, "PWD"),
              "503 Incorrect sequence of commands: PASS required after USER\r\n");
    const auto events = d.finish();
    std::size_t attempts = 0;
    for (const auto& e : events) attempts += e.event_type == "auth_attempt";
    EXPECT_EQ(attempts, 1u) << decnet::testing::describe(events);
}

TEST(FtpDialogue, FeatIsMultiLineAndNeedsNoLogin) {
    Dialogue d("ftp");
    d.read_until("\r\n");
    ASSERT_TRUE(d.send("FEAT\r\n"));
    EXPECT_EQ(d.read_until("211 End\r\n"),
              "211-Features:\r\n EPSV\r\n FEAT\r\n MDTM\r\n PASV\r\n SIZE\r\n TYPE A;I\r\n"
              "211 End\r\n");
}

TEST(FtpDialogue, LoggedInCommandsAnswerLikeVsftpd) {
    Dialogue d("ftp");
    log_in(d);
    EXPECT_EQ(command(d, "NOOP"), "200 Command OK\r\n");
    EXPECT_EQ(command(d, "TYPE I"), "200 Type set to I.\r\n");
    EXPECT_EQ(command(d, "type a"), "200 Type set to A.\r\n");
    const auto& world = d.world();
    // Jailed in the world's /srv/ftp, as vsftpd's chroot: "/" is the FTP root, ".." and
    // absolute paths stay inside it.
    EXPECT_EQ(command(d, "PWD"), "257 \"/\" is the current directory\r\n");
    EXPECT_EQ(command(d, "CWD /"), "250 Directory successfully changed.\r\n");
    EXPECT_EQ(command(d, "CDUP"), "250 Directory successfully changed.\r\n");
    EXPECT_EQ(command(d, "CWD ../.."), "250 Directory successfully changed.\r\n");
    EXPECT_EQ(command(d, "PWD"), "257 \"/\" is the current directory\r\n");
    EXPECT_EQ(command(d, "CWD /etc"), "550 Failed to change directory.\r\n");
    EXPECT_EQ(command(d, "CWD config.ini"), "550 Failed to change directory.\r\n");
    EXPECT_EQ(command(d, "SIZE /etc/shadow"), "550 Could not get file size.\r\n");
    EXPECT_EQ(command(d, "SIZE ../../etc/passwd"), "550 Could not get file size.\r\n");
    EXPECT_EQ(command(d, "SIZE /"), "550 Could not get file size.\r\n");
    EXPECT_EQ(command(d, "MDTM nothing"), "550 Could not get file modification time.\r\n");
    // The world's files: their sizes and modification times.
    const auto config = ftp_stat(world, "config.ini");
    EXPECT_EQ(command(d, "SIZE config.ini"), "213 " + std::to_string(config.size) + "\r\n");
    EXPECT_EQ(command(d, "SIZE /config.ini"), "213 " + std::to_string(config.size) + "\r\n");
    EXPECT_EQ(command(d, "MDTM config.ini"), "213 " + stamp(config.meta.mtime) + "\r\n");
    // A honeypot never connects out.
    EXPECT_EQ(command(d, "PORT 198,51,100,9,4,1"), "500 Illegal PORT command.\r\n");
    EXPECT_EQ(command(d, "EPRT |1|198.51.100.9|1025|"), "500 Illegal PORT command.\r\n");
    EXPECT_EQ(command(d, "SITE CHMOD 777 x"), "550 Permission denied.\r\n");
    EXPECT_EQ(command(d, "HELP"), "500 Unknown command.\r\n");
    for (const std::string verb : {"LIST", "NLST", "RETR x", "STOR x"})
        EXPECT_EQ(command(d, verb),
                  "503 Incorrect sequence of commands: PORT or PASV required before " +
                      verb.substr(0, 4) + "\r\n");
}

TEST(FtpDialogue, ChangesLandInTheSessionsTree) {
    Dialogue d("ftp");
    log_in(d);
    const auto& world = d.world();
    // Directories: made, entered, removed; vsftpd's refusals when that cannot be done.
    EXPECT_EQ(command(d, "MKD x"), "257 \"/x\" created\r\n");
    EXPECT_EQ(command(d, "MKD x"), "550 Create directory operation failed.\r\n");
    EXPECT_EQ(command(d, "MKD /nope/y"), "550 Create directory operation failed.\r\n");
    EXPECT_EQ(command(d, "CWD x"), "250 Directory successfully changed.\r\n");
    EXPECT_EQ(command(d, "PWD"), "257 \"/x\" is the current directory\r\n");
    EXPECT_EQ(command(d, "MKD y"), "257 \"/x/y\" created\r\n");
    EXPECT_EQ(command(d, "CDUP"), "250 Directory successfully changed.\r\n");
    EXPECT_EQ(command(d, "RMD x"), "550 Remove directory operation failed.\r\n");  // not empty
    EXPECT_EQ(command(d, "RMD x/y"), "250 Remove directory operation successful.\r\n");
    EXPECT_EQ(command(d, "DELE x"), "550 Delete operation failed.\r\n");  // a directory
    EXPECT_EQ(command(d, "RMD x"), "250 Remove directory operation successful.\r\n");
    EXPECT_EQ(command(d, "RMD x"), "550 Remove directory operation failed.\r\n");
    EXPECT_EQ(command(d, "CWD x"), "550 Failed to change directory.\r\n");
    // Files: deleted and renamed in the overlay only.
    EXPECT_EQ(command(d, "DELE missing"), "550 Delete operation failed.\r\n");
    EXPECT_EQ(command(d, "DELE config.ini"), "250 Delete operation successful.\r\n");
    EXPECT_EQ(command(d, "SIZE config.ini"), "550 Could not get file size.\r\n");
    EXPECT_TRUE(world.fs->stat(world.paths.ftp_root + "/config.ini"));  // the world is intact
    EXPECT_EQ(command(d, "RNTO creds.bak"), "503 RNFR required first.\r\n");
    EXPECT_EQ(command(d, "RNFR missing"), "550 RNFR command failed.\r\n");
    EXPECT_EQ(command(d, "RNTO creds.bak"), "503 RNFR required first.\r\n");
    EXPECT_EQ(command(d, "RNFR credentials.txt"), "350 Ready for RNTO.\r\n");
    EXPECT_EQ(command(d, "RNTO creds.bak"), "250 Rename successful.\r\n");
    EXPECT_EQ(command(d, "SIZE credentials.txt"), "550 Could not get file size.\r\n");
    EXPECT_EQ(command(d, "SIZE creds.bak"),
              "213 " + std::to_string(ftp_stat(world, "credentials.txt").size) + "\r\n");
    EXPECT_EQ(command(d, "RNFR creds.bak"), "350 Ready for RNTO.\r\n");
    EXPECT_EQ(command(d, "RNTO /nope/creds.bak"), "550 Rename failed.\r\n");
    EXPECT_EQ(command(d, "RNTO creds.bak"), "503 RNFR required first.\r\n");  // used up
}

TEST(FtpDialogue, PassiveModeWithoutAnIpAddressIsRefused) {
    // Over a socketpair the control socket has no IP address to listen beside.
    Dialogue d("ftp");
    log_in(d);
    EXPECT_EQ(command(d, "PASV"), "425 Can't open passive connection.\r\n");
    EXPECT_EQ(command(d, "EPSV"), "425 Can't open passive connection.\r\n");
    EXPECT_EQ(command(d, "NOOP"), "200 Command OK\r\n");
}

TEST(FtpDialogue, BadInputIsAnsweredOrEndsTheSession) {
    {
        Dialogue d("ftp");
        log_in(d);
        EXPECT_EQ(command(d, ""), "500 Unknown command.\r\n");
        EXPECT_EQ(command(d, "\x00\xff\xfe\x80 \x01"s), "500 Unknown command.\r\n");
        EXPECT_EQ(command(d, std::string(8000, 'X')), "500 Unknown command.\r\n");
        EXPECT_EQ(command(d, "NOOP"), "200 Command OK\r\n");
    }
    {
        Dialogue d("ftp");
        d.read_until("\r\n");
        ASSERT_TRUE(d.send(std::string(9000, 'U')));  // no line end, past the frame limit
        EXPECT_EQ(d.expect_closed(), "");
        ASSERT_TRUE(d.wait_ended());
        EXPECT_EQ(d.close_reason(), "line_too_long");
        EXPECT_EQ(event_types(d.events()), (std::vector<std::string>{"connect", "disconnect"}));
    }
    {
        Dialogue d("ftp");
        d.read_until("\r\n");
        ASSERT_TRUE(d.send("USER half"));  // the peer leaves mid-line
        d.client().shutdown_send();
        EXPECT_EQ(d.expect_closed(), "");
        ASSERT_TRUE(d.wait_ended());
        EXPECT_EQ(event_types(d.events()), (std::vector<std::string>{"connect", "disconnect"}));
    }
}

// ---- The data channel, over loopback TCP ------------------------------------------------

Dialogue ftp_over_tcp() {
    return Dialogue("ftp", DialogueOptions{.loopback_tcp = true});
}

// "227 Entering Passive Mode (127,0,0,1,p1,p2)." → p1*256+p2.
std::uint16_t pasv_port(const std::string& reply) {
    const auto open = reply.find('(');
    const auto close = reply.find(')');
    if (open == std::string::npos || close == std::string::npos) return 0;
    std::vector<int> parts;
    std::string number;
    for (const char c : reply.substr(open + 1, close - open - 1) + ",") {
        if (c == ',') {
            parts.push_back(std::stoi(number));
            number.clear();
        } else {
            number += c;
        }
    }
    return parts.size() == 6 ? static_cast<std::uint16_t>(parts[4] * 256 + parts[5]) : 0;
}

// "229 Entering Extended Passive Mode (|||port|)" → port.
std::uint16_t epsv_port(const std::string& reply) {
    const auto start = reply.find("(|||");
    if (start == std::string::npos) return 0;
    return static_cast<std::uint16_t>(std::stoi(reply.substr(start + 4)));
}

TEST(FtpDialogue, ListsOverThePassiveDataChannel) {
    auto d = ftp_over_tcp();
    EXPECT_EQ(d.peer_ip(), "127.0.0.1");
    log_in(d);
    const auto reply = command(d, "PASV");
    ASSERT_TRUE(reply.starts_with("227 Entering Passive Mode (127,0,0,1,")) << reply;
    ASSERT_TRUE(reply.ends_with(").\r\n")) << reply;
    auto data = Client::connect("127.0.0.1", pasv_port(reply));
    EXPECT_EQ(command(d, "LIST"), "150 Here comes the directory listing.\r\n");
    const auto& world = d.world();
    EXPECT_EQ(data.expect_closed(), world_listing(world));
    EXPECT_EQ(d.read_until("\r\n"), "226 Directory send OK.\r\n");

    // NLST: names only, one per line; the passive port is used once.
    EXPECT_EQ(command(d, "LIST"),
              "503 Incorrect sequence of commands: PORT or PASV required before LIST\r\n");
    const auto extended = command(d, "EPSV");
    ASSERT_TRUE(extended.starts_with("229 Entering Extended Passive Mode (|||")) << extended;
    auto names_channel = Client::connect("127.0.0.1", epsv_port(extended));
    EXPECT_EQ(command(d, "NLST"), "150 Here comes the directory listing.\r\n");
    EXPECT_EQ(names_channel.expect_closed(),
              "backup.tar.gz\r\nconfig.ini\r\ncredentials.txt\r\ndb_dump.sql\r\n");
    EXPECT_EQ(d.read_until("\r\n"), "226 Directory send OK.\r\n");

    // RETR of a listed name: 150 with its size, the world's bytes, 226; a download_attempt.
    const auto body = ftp_body(world, "config.ini");
    auto retr_channel = Client::connect("127.0.0.1", pasv_port(command(d, "PASV")));
    EXPECT_EQ(command(d, "RETR config.ini"),
              "150 Opening BINARY mode data connection for config.ini (" +
                  std::to_string(body.size()) + " bytes).\r\n");
    EXPECT_EQ(retr_channel.expect_closed(), body);
    EXPECT_EQ(d.read_until("\r\n"), "226 Transfer complete.\r\n");

    const auto events = d.finish();
    const auto& download = decnet::testing::first_event(events, "download_attempt");
    EXPECT_EQ(field(download, "path"), "config.ini");
    EXPECT_EQ(field(download, "src_ip"), "127.0.0.1");
    EXPECT_EQ(download.severity, Severity::warning);
}

TEST(FtpDialogue, ADownloadOfAMissingFileIsLoggedAndRefused) {
    auto d = ftp_over_tcp();
    log_in(d);
    const auto port = pasv_port(command(d, "PASV"));
    ASSERT_NE(port, 0);
    EXPECT_EQ(command(d, "RETR /etc/passwd"), "550 Failed to open file.\r\n");
    // The passive listener was dropped with the refusal.
    EXPECT_EQ(command(d, "NLST"),
              "503 Incorrect sequence of commands: PORT or PASV required before NLST\r\n");
    const auto events = d.finish();
    EXPECT_EQ(field(decnet::testing::first_event(events, "download_attempt"), "path"),
              "/etc/passwd");
}

TEST(FtpDialogue, UploadsAreHashedAndCaptured) {
    auto d = ftp_over_tcp();
    log_in(d);
    auto data = Client::connect("127.0.0.1", epsv_port(command(d, "EPSV")));
    EXPECT_EQ(command(d, "STOR x.sh"), "150 Ok to send data.\r\n");
    ASSERT_TRUE(data.send("hello\n"));
    data.close();
    EXPECT_EQ(d.read_until("\r\n"), "226 Transfer complete.\r\n");

    // An empty upload is an upload too.
    auto empty = Client::connect("127.0.0.1", pasv_port(command(d, "PASV")));
    EXPECT_EQ(command(d, "STOR empty"), "150 Ok to send data.\r\n");
    empty.close();
    EXPECT_EQ(d.read_until("\r\n"), "226 Transfer complete.\r\n");

    // Outside the tree (no /tmp in the jail) the write fails, but the bytes are captured.
    auto outside = Client::connect("127.0.0.1", pasv_port(command(d, "PASV")));
    EXPECT_EQ(command(d, "STOR /tmp/x.sh"), "150 Ok to send data.\r\n");
    ASSERT_TRUE(outside.send("hello\n"));
    outside.close();
    EXPECT_EQ(d.read_until("\r\n"), "451 Failure writing to local file.\r\n");

    // The uploads are in this session's tree: sized, dated, listed among the world's
    // files, and downloadable.
    EXPECT_EQ(command(d, "SIZE x.sh"), "213 6\r\n");
    EXPECT_EQ(command(d, "SIZE empty"), "213 0\r\n");
    EXPECT_EQ(command(d, "SIZE /tmp/x.sh"), "550 Could not get file size.\r\n");
    const auto mdtm = [&](const std::string& name) {
        const auto reply = command(d, "MDTM " + name);
        EXPECT_TRUE(reply.starts_with("213 ") && reply.size() == 20) << reply;
        const auto when = from_stamp(reply.substr(4, 14));
        EXPECT_LE(std::abs(when - std::time(nullptr)), 60) << reply;  // made just now
        return when;
    };
    const auto x_time = mdtm("x.sh");
    const auto empty_time = mdtm("empty");
    auto list_channel = Client::connect("127.0.0.1", pasv_port(command(d, "PASV")));
    EXPECT_EQ(command(d, "LIST"), "150 Here comes the directory listing.\r\n");
    EXPECT_EQ(list_channel.expect_closed(), world_listing(d.world()) +
                                                list_line("empty", 0, empty_time) +
                                                list_line("x.sh", 6, x_time));
    EXPECT_EQ(d.read_until("\r\n"), "226 Directory send OK.\r\n");
    auto retr_channel = Client::connect("127.0.0.1", pasv_port(command(d, "PASV")));
    EXPECT_EQ(command(d, "RETR x.sh"),
              "150 Opening BINARY mode data connection for x.sh (6 bytes).\r\n");
    EXPECT_EQ(retr_channel.expect_closed(), "hello\n");
    EXPECT_EQ(d.read_until("\r\n"), "226 Transfer complete.\r\n");

    const auto events = d.finish();
    std::vector<Event> uploads;
    for (const auto& e : events)
        if (e.event_type == "upload") uploads.push_back(e);
    ASSERT_EQ(uploads.size(), 3u) << decnet::testing::describe(events);
    const std::string hello_sha256 =
        "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
    EXPECT_EQ(field(uploads[0], "path"), "x.sh");
    EXPECT_EQ(field(uploads[0], "size"), "6");
    EXPECT_EQ(field(uploads[0], "sha256"), hello_sha256);
    EXPECT_EQ(field(uploads[0], "truncated"), "False");
    EXPECT_EQ(field(uploads[0], "src_ip"), "127.0.0.1");
    EXPECT_EQ(uploads[0].severity, Severity::warning);
    EXPECT_EQ(field(uploads[1], "path"), "empty");
    EXPECT_EQ(field(uploads[1], "size"), "0");
    EXPECT_EQ(field(uploads[1], "sha256"),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(field(uploads[2], "path"), "/tmp/x.sh");
    EXPECT_EQ(field(uploads[2], "size"), "6");
    EXPECT_EQ(field(uploads[2], "sha256"), hello_sha256);
}

TEST(FtpDialogue, DataConnectionsFromAnotherAddressAreRefused) {
    auto d = ftp_over_tcp();
    log_in(d);
    // The control peer is 127.0.0.1: a data connection from 127.0.0.2 is port theft/FXP.
    auto thief = Client::connect("127.0.0.1", pasv_port(command(d, "PASV")), "127.0.0.2");
    EXPECT_EQ(command(d, "LIST"), "150 Here comes the directory listing.\r\n");
    EXPECT_EQ(d.read_until("\r\n"), "425 Failed to establish connection.\r\n");
    EXPECT_EQ(thief.expect_closed(), "");  // it got no listing
    EXPECT_EQ(command(d, "NOOP"), "200 Command OK\r\n");
}

}  // namespace
}  // namespace decnet::honeypot
