// The ftp emulator's dialogue: the control channel over an in-memory session (greeting, login
// capture, command sequencing, refusals, bad input), and the passive data channel over a
// loopback TCP pair (listing, download attempts, uploads hashed, data connections from
// another address refused). The bait file list is a placeholder: only smoke-checked.
#include <gtest/gtest.h>

#include "honeypot/services/registry.hpp"
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
    EXPECT_EQ(command(d, "PWD"), "257 \"/\" is the current directory\r\n");
    EXPECT_EQ(command(d, "CWD /"), "250 Directory successfully changed.\r\n");
    EXPECT_EQ(command(d, "CDUP"), "250 Directory successfully changed.\r\n");
    EXPECT_EQ(command(d, "CWD /etc"), "550 Failed to change directory.\r\n");
    EXPECT_EQ(command(d, "SIZE /etc/shadow"), "550 Could not get file size.\r\n");
    EXPECT_EQ(command(d, "MDTM nothing"), "550 Could not get file size.\r\n");
    // A honeypot never connects out.
    EXPECT_EQ(command(d, "PORT 198,51,100,9,4,1"), "500 Illegal PORT command.\r\n");
    EXPECT_EQ(command(d, "EPRT |1|198.51.100.9|1025|"), "500 Illegal PORT command.\r\n");
    for (const std::string verb : {"DELE x", "MKD x", "RMD x", "RNFR x", "SITE CHMOD 777 x"})
        EXPECT_EQ(command(d, verb), "550 Permission denied.\r\n") << verb;
    EXPECT_EQ(command(d, "HELP"), "500 Unknown command.\r\n");
    for (const std::string verb : {"LIST", "NLST", "RETR x", "STOR x"})
        EXPECT_EQ(command(d, verb),
                  "503 Incorrect sequence of commands: PORT or PASV required before " +
                      verb.substr(0, 4) + "\r\n");
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
    const auto listing = data.expect_closed();
    EXPECT_FALSE(listing.empty());  // smoke: the bait list is a placeholder
    EXPECT_TRUE(listing.starts_with("-rw-r--r--")) << listing;
    EXPECT_TRUE(listing.ends_with("\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "226 Directory send OK.\r\n");

    // NLST: names only, one per line; the passive port is used once.
    EXPECT_EQ(command(d, "LIST"),
              "503 Incorrect sequence of commands: PORT or PASV required before LIST\r\n");
    const auto extended = command(d, "EPSV");
    ASSERT_TRUE(extended.starts_with("229 Entering Extended Passive Mode (|||")) << extended;
    auto names_channel = Client::connect("127.0.0.1", epsv_port(extended));
    EXPECT_EQ(command(d, "NLST"), "150 Here comes the directory listing.\r\n");
    const auto names = names_channel.expect_closed();
    EXPECT_EQ(names.find(' '), std::string::npos) << names;
    EXPECT_EQ(d.read_until("\r\n"), "226 Directory send OK.\r\n");

    // RETR of a listed name: 150 with its size, the bytes, 226; a download_attempt event.
    const auto first = names.substr(0, names.find("\r\n"));
    auto retr_channel = Client::connect("127.0.0.1", pasv_port(command(d, "PASV")));
    const auto opening = command(d, "RETR " + first);
    EXPECT_TRUE(opening.starts_with("150 Opening BINARY mode data connection for " + first + " ("))
        << opening;
    const auto body = retr_channel.expect_closed();
    EXPECT_TRUE(opening.ends_with(" (" + std::to_string(body.size()) + " bytes).\r\n"));
    EXPECT_EQ(d.read_until("\r\n"), "226 Transfer complete.\r\n");
    EXPECT_EQ(command(d, "SIZE " + first), "213 " + std::to_string(body.size()) + "\r\n");

    const auto events = d.finish();
    const auto& download = decnet::testing::first_event(events, "download_attempt");
    EXPECT_EQ(field(download, "path"), first);
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
    EXPECT_EQ(command(d, "STOR /tmp/x.sh"), "150 Ok to send data.\r\n");
    ASSERT_TRUE(data.send("hello\n"));
    data.close();
    EXPECT_EQ(d.read_until("\r\n"), "226 Transfer complete.\r\n");

    // An empty upload is an upload too.
    auto empty = Client::connect("127.0.0.1", pasv_port(command(d, "PASV")));
    EXPECT_EQ(command(d, "STOR empty"), "150 Ok to send data.\r\n");
    empty.close();
    EXPECT_EQ(d.read_until("\r\n"), "226 Transfer complete.\r\n");

    const auto events = d.finish();
    std::vector<Event> uploads;
    for (const auto& e : events)
        if (e.event_type == "upload") uploads.push_back(e);
    ASSERT_EQ(uploads.size(), 2u) << decnet::testing::describe(events);
    EXPECT_EQ(field(uploads[0], "path"), "/tmp/x.sh");
    EXPECT_EQ(field(uploads[0], "size"), "6");
    EXPECT_EQ(field(uploads[0], "sha256"),
              "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
    EXPECT_EQ(field(uploads[0], "truncated"), "False");
    EXPECT_EQ(field(uploads[0], "src_ip"), "127.0.0.1");
    EXPECT_EQ(uploads[0].severity, Severity::warning);
    EXPECT_EQ(field(uploads[1], "size"), "0");
    EXPECT_EQ(field(uploads[1], "sha256"),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
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
