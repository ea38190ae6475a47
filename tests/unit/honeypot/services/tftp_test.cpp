// The tftp emulator's exchanges, datagram by datagram: RRQ answers (bait in one DATA block
// with the decky's hostname, File not found, bad modes), WRQ uploads ACKed block by block
// and captured with size and SHA-256 (retransmissions, ordering, the size cap, the upload
// cap), and malformed datagrams logged without a reply. The bait files are placeholders:
// only their framing and the hostname substitution are checked.
#include <gtest/gtest.h>

#include <algorithm>

#include "honeypot/services/registry.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::DatagramDialogue;
using decnet::testing::DatagramResult;
using decnet::testing::event_types;
using decnet::testing::field;

std::string u16(std::uint16_t n) {
    return {static_cast<char>(n >> 8), static_cast<char>(n & 0xff)};
}

std::string request(std::uint16_t opcode, const std::string& filename, const std::string& mode,
                    const std::string& options = "") {
    return u16(opcode) + filename + '\0' + mode + '\0' + options;
}
std::string rrq(const std::string& filename, const std::string& mode = "octet") {
    return request(1, filename, mode);
}
std::string wrq(const std::string& filename) {
    return request(2, filename, "octet");
}
std::string data(std::uint16_t block, const std::string& bytes) {
    return u16(3) + u16(block) + bytes;
}
std::string ack(std::uint16_t block) {
    return u16(4) + u16(block);
}
std::string error(std::uint16_t code, const std::string& message) {
    return u16(5) + u16(code) + message + '\0';
}

DatagramDialogue tftp() {
    return DatagramDialogue("tftp", {}, 69);
}

TEST(TftpDialogue, ReadsOfABaitFileGetOneDataBlockWithTheHostname) {
    auto t = tftp();
    const auto r = t.exchange(rrq("startup-config"));
    ASSERT_EQ(r.replies.size(), 1u);
    const auto& reply = r.replies[0];
    EXPECT_EQ(reply.substr(0, 4), data(1, ""));
    EXPECT_LT(reply.size(), 4u + 512u);  // one short block: the whole transfer
    EXPECT_NE(reply.find("hostname web-prod-03\n"), std::string::npos) << reply;
    EXPECT_EQ(reply.find("{host}"), std::string::npos);

    ASSERT_EQ(event_types(r.events), std::vector<std::string>{"request"});
    const auto& e = r.events[0];
    EXPECT_EQ(e.service, "tftp");
    EXPECT_EQ(e.decky, "decky-01");
    EXPECT_EQ(field(e, "src_ip"), "203.0.113.7");
    EXPECT_EQ(field(e, "src_port"), "40000");
    EXPECT_EQ(field(e, "op"), "RRQ");
    EXPECT_EQ(field(e, "filename"), "startup-config");
    EXPECT_EQ(field(e, "mode"), "octet");
    EXPECT_EQ(field(e, "status"), "sent");
    EXPECT_EQ(e.find("options"), nullptr);

    // The client's ACK of that block ends the transfer quietly.
    const auto done = t.exchange(ack(1));
    EXPECT_TRUE(done.replies.empty());
    EXPECT_TRUE(done.events.empty());
}

TEST(TftpDialogue, NetasciiEndsLinesWithCrLfAndOptionsAreLogged) {
    auto t = tftp();
    const auto r = t.exchange(
        request(1, "/startup-config", "NetASCII", "blksize\0"s + "1428\0"s + "tsize\0"s + "0\0"s));
    ASSERT_EQ(r.replies.size(), 1u);
    EXPECT_NE(r.replies[0].find("hostname web-prod-03\r\n"), std::string::npos);
    const auto& e = r.events.at(0);
    EXPECT_EQ(field(e, "mode"), "netascii");
    EXPECT_EQ(field(e, "filename"), "/startup-config");
    EXPECT_EQ(field(e, "options"), "blksize=1428,tsize=0");
}

TEST(TftpDialogue, MissingFilesAndBadModesGetTftpErrors) {
    auto t = tftp();
    auto r = t.exchange(rrq("../../etc/shadow"));
    EXPECT_EQ(r.replies, std::vector<std::string>{error(1, "File not found")});
    EXPECT_EQ(field(r.events.at(0), "status"), "not_found");
    EXPECT_EQ(field(r.events.at(0), "filename"), "../../etc/shadow");

    r = t.exchange(rrq("startup-config", "mail"));
    EXPECT_EQ(r.replies, std::vector<std::string>{error(4, "Illegal TFTP operation")});
    EXPECT_EQ(field(r.events.at(0), "status"), "bad_mode");
    EXPECT_EQ(field(r.events.at(0), "mode"), "mail");
}

TEST(TftpDialogue, UploadsAreAckedBlockByBlockAndHashed) {
    auto t = tftp();
    constexpr std::uint16_t port = 41001;
    auto r = t.exchange(wrq("evil.bin"), port);
    EXPECT_EQ(r.replies, std::vector<std::string>{ack(0)});
    ASSERT_EQ(event_types(r.events), std::vector<std::string>{"request"});
    EXPECT_EQ(field(r.events[0], "op"), "WRQ");
    EXPECT_EQ(field(r.events[0], "status"), "accepted");

    r = t.exchange(data(1, std::string(512, 'A')), port);
    EXPECT_EQ(r.replies, std::vector<std::string>{ack(1)});
    EXPECT_TRUE(r.events.empty());
    // Our ACK was lost: the client sends block 1 again and gets it re-ACKed, once.
    r = t.exchange(data(1, std::string(512, 'A')), port);
    EXPECT_EQ(r.replies, std::vector<std::string>{ack(1)});
    // Out of order: ignored.
    r = t.exchange(data(5, "zzz"), port);
    EXPECT_TRUE(r.replies.empty());
    EXPECT_TRUE(r.events.empty());

    r = t.exchange(data(2, "hello\n"), port);  // short: the last block
    EXPECT_EQ(r.replies, std::vector<std::string>{ack(2)});
    ASSERT_EQ(event_types(r.events), (std::vector<std::string>{"upload", "file_captured"}));
    const auto& up = r.events[0];
    EXPECT_EQ(field(up, "filename"), "evil.bin");
    EXPECT_EQ(field(up, "size"), "518");
    EXPECT_EQ(field(up, "sha256"),
              "dc60938bc2d9d6842b335db5e3294f49a3ba78bbd8faaf6437972766782d2183");
    EXPECT_EQ(field(up, "truncated"), "False");
    EXPECT_EQ(field(up, "src_port"), std::to_string(port));
    EXPECT_EQ(up.severity, Severity::warning);

    // The upload is over: more DATA from that port is an unknown exchange.
    r = t.exchange(data(3, "x"), port);
    EXPECT_TRUE(r.replies.empty());
    EXPECT_EQ(event_types(r.events), std::vector<std::string>{"unknown_opcode"});
}

TEST(TftpDialogue, AFullLastBlockIsEndedByAnEmptyOne) {
    auto t = tftp();
    constexpr std::uint16_t port = 41002;
    t.exchange(wrq("a.bin"), port);
    EXPECT_TRUE(t.exchange(data(1, std::string(512, 'A')), port).events.empty());
    const auto r = t.exchange(data(2, ""), port);
    EXPECT_EQ(r.replies, std::vector<std::string>{ack(2)});
    EXPECT_EQ(field(r.events.at(0), "size"), "512");
    EXPECT_EQ(field(r.events.at(0), "sha256"),
              "32beecb58a128af8248504600bd203dcc676adf41045300485655e6b8780a01d");
}

TEST(TftpDialogue, AnUploadPastFourMebibytesIsCutWithDiskFull) {
    auto t = tftp();
    constexpr std::uint16_t port = 41003;
    t.exchange(wrq("huge.bin"), port);
    const std::string block(512, 'B');
    std::uint16_t n = 1;
    for (; n <= 8192; ++n) {
        const auto r = t.exchange(data(n, block), port);
        ASSERT_EQ(r.replies, std::vector<std::string>{ack(n)}) << n;
    }
    const auto r = t.exchange(data(n, block), port);
    EXPECT_EQ(r.replies, std::vector<std::string>{error(3, "Disk full or allocation exceeded")});
    ASSERT_EQ(event_types(r.events), (std::vector<std::string>{"upload", "file_captured"}));
    EXPECT_EQ(field(r.events[0], "size"), "4194304");
    EXPECT_EQ(field(r.events[0], "truncated"), "True");
    EXPECT_EQ(field(r.events[0], "sha256"),
              "5947c00ce4da5eac3e8b3731df34e42a2d7b7e88bdb7bd93b8152afcedaa2f92");
}

TEST(TftpDialogue, UploadsInProgressAreCapped) {
    auto t = tftp();
    constexpr std::uint16_t base = 42000;
    for (std::uint16_t i = 0; i < 32; ++i)
        ASSERT_EQ(t.exchange(wrq("f"), base + i).replies, std::vector<std::string>{ack(0)}) << i;
    const auto r = t.exchange(wrq("f"), base + 32);
    EXPECT_EQ(r.replies, std::vector<std::string>{error(3, "Disk full or allocation exceeded")});
    EXPECT_EQ(field(r.events.at(0), "status"), "busy");
    // Finish them all (the state is per thread: later tests must find room).
    for (std::uint16_t i = 0; i < 32; ++i)
        EXPECT_EQ(event_types(t.exchange(data(1, "x"), base + i).events),
                  (std::vector<std::string>{"upload", "file_captured"}));
}

// A datagram the emulator cannot use: one event of `type`, no reply.
void expect_dropped(const std::string& datagram, const std::string& type,
                    const std::string& error_text = "") {
    SCOPED_TRACE(decnet::testing::Client::printable(datagram));
    auto t = tftp();
    const auto r = t.exchange(datagram);
    EXPECT_TRUE(r.replies.empty());
    ASSERT_EQ(event_types(r.events), std::vector<std::string>{type});
    const auto& e = r.events[0];
    EXPECT_EQ(e.severity, Severity::warning);
    EXPECT_EQ(field(e, "src_ip"), "203.0.113.7");
    if (!error_text.empty()) {
        EXPECT_EQ(field(e, "error"), error_text);
    }
    EXPECT_EQ(field(e, "data"), to_hex({reinterpret_cast<const std::uint8_t*>(datagram.data()),
                                        std::min<std::size_t>(datagram.size(), 32)}));
}

TEST(TftpDialogue, MalformedDatagramsAreLoggedWithoutAReply) {
    expect_dropped("", "parse_error", "short datagram");
    expect_dropped("\x00\x01\x41"s, "parse_error", "short datagram");
    expect_dropped(u16(1) + "no-terminator", "parse_error", "malformed request");
    expect_dropped(u16(1) + "name\0"s, "parse_error", "malformed request");     // no mode
    expect_dropped(u16(2) + "\0octet\0"s, "parse_error", "malformed request");  // no name
    expect_dropped(rrq("x") + "trailing", "parse_error", "malformed request");
    expect_dropped(u16(9) + std::string(100, '\xee'), "unknown_opcode");
    expect_dropped(error(0, "nope"), "unknown_opcode");
    expect_dropped(data(1, "no upload"), "unknown_opcode");
    expect_dropped(ack(7), "unknown_opcode");
    // A request with too many options: fields past the 16th are not read, so it is refused.
    std::string options;
    for (int i = 0; i < 20; ++i) options += "o" + std::to_string(i) + '\0';
    expect_dropped(request(1, "x", "octet", options), "parse_error", "malformed request");
}

TEST(TftpDialogue, UnknownOpcodeEventCarriesTheOpcode) {
    auto t = tftp();
    const auto r = t.exchange(u16(6) + "blksize\0"s + "512\0"s);  // an OACK sent to a server
    EXPECT_EQ(field(r.events.at(0), "opcode"), "6");
}

}  // namespace
}  // namespace decnet::honeypot
