// RFC 5424 formatter: the grammar of services.md §1.1 and engine.md §8 check 88, plus our
// encoding of control bytes and invalid UTF-8.
#include <gtest/gtest.h>

#include "events/rfc5424.hpp"

namespace decnet {
namespace {

using namespace std::chrono;

Event base_event() {
    Event event;
    event.time = EventTime{sys_days{2026y / 11 / 27}} + 9h + 54min + 39s + 490269us;
    event.decky = "decky-01";
    event.service = "smtp";
    event.event_type = "auth_attempt";
    return event;
}

TEST(Rfc5424Format, WorkedExampleFromTheSpec) {
    auto event = base_event();
    event.severity = Severity::warning;
    event.add("src", "127.0.0.1").add("username", "alice").add("password", "s3cr3t");
    EXPECT_EQ(format_rfc5424(event),
              "<132>1 2026-11-27T09:54:39.490269+00:00 decky-01 smtp - auth_attempt "
              "[decnet@55555 src=\"127.0.0.1\" username=\"alice\" password=\"s3cr3t\"]");
}

TEST(Rfc5424Format, StartupLineWithMsgAndNoSd) {
    auto event = base_event();
    event.service = "redis";
    event.event_type = "startup";
    event.time = EventTime{sys_days{2026y / 11 / 27}} + 9h + 54min + 25s + 432137us;
    event.msg = "Redis server starting as decky-01";
    EXPECT_EQ(format_rfc5424(event),
              "<134>1 2026-11-27T09:54:25.432137+00:00 decky-01 redis - startup - "
              "Redis server starting as decky-01");
}

TEST(Rfc5424Format, PriBySeverity) {
    auto event = base_event();
    const std::pair<Severity, std::string> cases[] = {{Severity::info, "<134>"},
                                                      {Severity::warning, "<132>"},
                                                      {Severity::error, "<131>"},
                                                      {Severity::emergency, "<128>"},
                                                      {Severity::debug, "<135>"}};
    for (const auto& [severity, pri] : cases) {
        event.severity = severity;
        EXPECT_TRUE(format_rfc5424(event).starts_with(pri + "1 ")) << pri;
    }
}

TEST(Rfc5424Format, TimestampWithoutFractionWhenMicrosAreZero) {
    auto event = base_event();
    event.time = EventTime{sys_days{2026y / 4 / 18}} + 12h;
    EXPECT_EQ(format_rfc5424(event).substr(7, 26), "2026-04-18T12:00:00+00:00 ");
}

TEST(Rfc5424Format, HeaderFieldsAreTruncated) {
    auto event = base_event();
    event.decky = std::string(300, 'h');
    event.service = std::string(60, 'a');
    event.event_type = std::string(40, 'm');
    const auto line = format_rfc5424(event);
    EXPECT_NE(line.find(" " + std::string(255, 'h') + " " + std::string(48, 'a') + " - " +
                        std::string(32, 'm') + " -"),
              std::string::npos)
        << line;
    EXPECT_EQ(line.find(std::string(256, 'h')), std::string::npos);
}

TEST(Rfc5424Format, EmptyHeaderFieldsAreNilValue) {
    Event event;
    event.time = EventTime{sys_days{2026y / 4 / 18}};
    EXPECT_EQ(format_rfc5424(event), "<134>1 2026-04-18T00:00:00+00:00 - - - - -");
}

TEST(Rfc5424Format, HeaderFieldsNeverContainSpaces) {
    auto event = base_event();
    event.decky = "my decky";
    event.event_type = "a\tb\xc3\xa9";
    EXPECT_NE(format_rfc5424(event).find(" my_decky smtp - a_b__ -"), std::string::npos);
}

TEST(Rfc5424Format, NoFieldsGivesDashAndNoTrailingSpace) {
    const auto line = format_rfc5424(base_event());
    EXPECT_TRUE(line.ends_with(" auth_attempt -")) << line;
}

TEST(Rfc5424Format, SdStartsWithDecnetSdId) {
    auto event = base_event();
    event.add("k", "v");
    EXPECT_TRUE(format_rfc5424(event).ends_with(" auth_attempt [decnet@55555 k=\"v\"]"));
}

TEST(Rfc5424Format, ThreeStandardEscapes) {
    auto event = base_event();
    event.add("password", "p\"a]ss").add("path", "C:\\x\\\"]");
    EXPECT_TRUE(format_rfc5424(event).ends_with(
        R"([decnet@55555 password="p\"a\]ss" path="C:\\x\\\"\]"])"));
}

TEST(Rfc5424Format, JsonListValueMatchesReferenceEscaping) {
    auto event = base_event();
    event.add("args", "[\"GET\",\"*\"]").add("empty", "[]");
    EXPECT_TRUE(format_rfc5424(event).ends_with(R"(args="[\"GET\",\"*\"\]" empty="[\]"])"));
}

TEST(Rfc5424Format, ControlBytesAreEncodedAndTheLineNeverBreaks) {
    auto event = base_event();
    event.add("cmd", std::string("ls\n-la\r\t\x01\x7f\0x", 12));
    event.msg = "two\nlines";
    const auto line = format_rfc5424(event);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_EQ(line.find('\r'), std::string::npos);
    EXPECT_NE(line.find(R"(cmd="ls\n-la\r\t\x01\x7f\x00x")"), std::string::npos) << line;
    EXPECT_TRUE(line.ends_with(R"(] two\nlines)")) << line;
}

TEST(Rfc5424Format, UnicodePassesThroughInvalidUtf8IsHexEncoded) {
    auto event = base_event();
    event.add("user", "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80");
    event.add("bin", std::string("a\xff\xc3(b", 5));
    const auto line = format_rfc5424(event);
    EXPECT_NE(line.find("user=\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\""), std::string::npos);
    EXPECT_NE(line.find(R"(bin="a\xff\xc3(b")"), std::string::npos) << line;
}

TEST(Rfc5424Format, MsgAfterOneSpaceWithBackslashesAndEdgeSpacesEncoded) {
    auto event = base_event();
    event.msg = " C:\\temp \"quoted\" [x] ";
    EXPECT_TRUE(
        format_rfc5424(event).ends_with(R"( auth_attempt - \x20C:\\temp "quoted" [x]\x20)"));
}

TEST(Rfc5424Format, ParamNamesAreSanitised) {
    auto event = base_event();
    event.add("from_", "a").add("bad name=\"]", "b").add("", "c");
    EXPECT_TRUE(
        format_rfc5424(event).ends_with(R"([decnet@55555 from_="a" bad_name___="b" _="c"])"));
}

TEST(Rfc5424Format, AppendReusesTheBuffer) {
    std::string out = "prefix|";
    append_rfc5424(out, base_event());
    EXPECT_EQ(out, "prefix|" + format_rfc5424(base_event()));
}

}  // namespace
}  // namespace decnet
