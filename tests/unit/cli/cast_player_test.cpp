// The replay filter keeps what a terminal shows and drops what would act on the
// operator's terminal; cast lines parse strictly.
#include <gtest/gtest.h>

#include "cli/cast_player.hpp"

namespace decnet::cli {
namespace {

TEST(TerminalFilter, KeepsTextColoursAndCursorMovement) {
    TerminalFilter f;
    const std::string shown =
        "root@h:~# \x1b[1;31mred\x1b[0m\r\n\x1b[2J\x1b[H\x1b[?25l\xe2\x9c\x93";
    EXPECT_EQ(f.filter(shown), shown);
}

TEST(TerminalFilter, DropsOscDcsAndTheirC1Forms) {
    TerminalFilter f;
    EXPECT_EQ(f.filter("a\x1b]0;pwned title\x07"
                       "b"),
              "ab");
    EXPECT_EQ(f.filter("a\x1b]52;c;ZWNobyBoaQ==\x1b\\b"), "ab");  // clipboard
    EXPECT_EQ(f.filter("a\x1bP+q544e\x1b\\b"), "ab");             // DCS
    EXPECT_EQ(f.filter("a\x1b_Gf=100;AAAA\x1b\\b"), "ab");        // APC (kitty graphics)
    EXPECT_EQ(f.filter("a\xc2\x9d"
                       "0;t\x07"
                       "b"),
              "ab");  // C1 OSC
    EXPECT_EQ(f.filter("a\xc2\x90q\xc2\x9c"
                       "b"),
              "ab");  // C1 DCS ... ST
}

TEST(TerminalFilter, DropsQueriesWhoseAnswerWouldBeTyped) {
    TerminalFilter f;
    EXPECT_EQ(f.filter("a\x1b[6nb\x1b[cc\x1b[21td\x1b[8;100;200te"), "abcde");
    EXPECT_EQ(f.filter("a\xc2\x9b"
                       "6nb"),
              "ab");                                                   // C1 CSI
    EXPECT_EQ(f.filter("a\x1b[\x1bP+q\x1b\\b\x1b[1\x1b[6nc"), "abc");  // ESC aborts a CSI
}

TEST(TerminalFilter, SequencesMaySpanEvents) {
    TerminalFilter f;
    EXPECT_EQ(f.filter("a\x1b]0;ti"), "a");
    EXPECT_EQ(f.filter("tle\x07"
                       "b\x1b"),
              "b");
    EXPECT_EQ(f.filter("[31mc"), "\x1b[31mc");
}

TEST(CastLines, ParseStrictly) {
    const auto header = parse_cast_header(
        R"({"version": 2, "width": 132, "height": 40, "timestamp": 1790000000, "idle_time_limit": 2.5})");
    ASSERT_TRUE(header);
    EXPECT_EQ(header->width, 132);
    EXPECT_EQ(header->idle_time_limit, 2.5);
    EXPECT_FALSE(parse_cast_header(R"({"version": 1})"));
    // Found by fuzz_cast_player: a version of another type threw out of the parser.
    EXPECT_FALSE(parse_cast_header(R"({"version": {"SHELL": "/bin/bash"}, "title": "x"})"));
    EXPECT_FALSE(parse_cast_header(R"({"version": "2"})"));
    EXPECT_FALSE(parse_cast_header(R"({"version": [2]})"));
    EXPECT_FALSE(parse_cast_header(R"({"version": null})"));
    EXPECT_FALSE(parse_cast_header("not json"));
    const auto event = parse_cast_event(R"([1.5, "o", "hi\r\n"])");
    ASSERT_TRUE(event);
    EXPECT_EQ(event->data, "hi\r\n");
    EXPECT_FALSE(parse_cast_event(R"([-1, "o", "x"])"));
    EXPECT_FALSE(parse_cast_event(R"([1, "o"])"));
    EXPECT_FALSE(parse_cast_event(R"(["1", "o", "x"])"));
    EXPECT_FALSE(parse_cast_event("[1, \"o\", \"x\""));
}

}  // namespace
}  // namespace decnet::cli
