// RELP frames: the forms librelp sends, partial input, and the bounds.
#include "events/relp_frame.hpp"

#include <gtest/gtest.h>

namespace decnet {
namespace {

using Status = RelpParse::Status;

TEST(RelpFrame, ParsesOpenSyslogAndEmptyFrames) {
    // What librelp's client sends first.
    const std::string offers =
        "relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\n"
        "commands=syslog";
    const std::string open = "1 open " + std::to_string(offers.size()) + " " + offers + "\n";
    auto p = parse_relp_frame(open, 1024);
    ASSERT_EQ(p.status, Status::complete);
    EXPECT_EQ(p.frame.txnr, 1u);
    EXPECT_EQ(p.frame.command, "open");
    EXPECT_EQ(p.frame.data.substr(0, 15), "relp_version=0\n");
    EXPECT_EQ(p.consumed, open.size());

    p = parse_relp_frame("0 serverclose 0\nrest", 1024);
    ASSERT_EQ(p.status, Status::complete);
    EXPECT_EQ(p.frame.command, "serverclose");
    EXPECT_TRUE(p.frame.data.empty());
    EXPECT_EQ(p.consumed, 16u);

    p = parse_relp_frame("7 syslog 5 hello\n8 syslog", 1024);
    ASSERT_EQ(p.status, Status::complete);
    EXPECT_EQ(p.frame.data, "hello");
}

TEST(RelpFrame, EveryPrefixIsIncomplete) {
    const std::string frame = format_relp_frame(42, "rsp", "200 OK");
    EXPECT_EQ(frame, "42 rsp 6 200 OK\n");
    for (std::size_t n = 0; n < frame.size(); ++n)
        EXPECT_EQ(parse_relp_frame(frame.substr(0, n), 1024).status, Status::incomplete) << n;
    EXPECT_EQ(parse_relp_frame(frame, 1024).status, Status::complete);
}

TEST(RelpFrame, RejectsBadSyntaxAndOversizedData) {
    for (const std::string bad : {"x open 0\n", "1  open 0\n", "1 op3n 0\n", "1 open x\n",
                                  "1 open 3 abcX", "1234567890 open 0\n", "1 syslog 5\nhello\n",
                                  "1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0\n"}) {
        const auto p = parse_relp_frame(bad, 1024);
        EXPECT_EQ(p.status, Status::error) << bad;
        EXPECT_FALSE(p.error.empty()) << bad;
    }
    EXPECT_EQ(parse_relp_frame("1 syslog 1025 ", 1024).status, Status::error);
    EXPECT_EQ(parse_relp_frame("1 syslog 1234567890 ", 1u << 30).status, Status::error);
}

TEST(RelpFrame, TxnrWrapsAndResponseCodes) {
    EXPECT_EQ(next_relp_txnr(0), 1u);
    EXPECT_EQ(next_relp_txnr(41), 42u);
    EXPECT_EQ(next_relp_txnr(kRelpMaxTxnr), 1u);
    EXPECT_EQ(relp_response_code("200 OK"), 200);
    EXPECT_EQ(relp_response_code("200 OK\nrelp_version=0"), 200);
    EXPECT_EQ(relp_response_code("500"), 500);
    EXPECT_EQ(relp_response_code("20"), 0);
    EXPECT_EQ(relp_response_code("2000"), 0);
    EXPECT_EQ(relp_response_code("abc"), 0);
}

}  // namespace
}  // namespace decnet
