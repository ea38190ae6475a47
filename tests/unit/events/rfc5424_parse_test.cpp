// RFC 5424 parser: engine.md §8 checks 75–80 (adapted where we fix the reference),
// strictness and bounds, the RFC 3164 fallback, reject counters, timestamp normalising.
#include <gtest/gtest.h>

#include "events/rfc5424.hpp"

namespace decnet {
namespace {

const std::string kHeader = "<134>1 2024-01-15T12:00:00+00:00 decky-01 http - request ";

ParsedSyslog parse_ok(std::string_view line) {
    auto result = parse_rfc5424(line);
    if (!result) {
        ADD_FAILURE() << "rejected (" << to_string(result.error()) << "): " << line;
        return {};
    }
    return std::move(result).value();
}

SyslogReject parse_error(std::string_view line) {
    auto result = parse_rfc5424(line);
    if (result) {
        ADD_FAILURE() << "accepted: " << line;
        return SyslogReject::count;
    }
    return result.error();
}

// Check 75.
TEST(Rfc5424Parse, MinimalLine) {
    const auto parsed = parse_ok(kHeader + "-");
    EXPECT_EQ(parsed.dialect, SyslogDialect::rfc5424);
    EXPECT_EQ(parsed.pri, 134);
    EXPECT_EQ(parsed.severity(), 6);
    EXPECT_EQ(parsed.facility(), 16);
    EXPECT_EQ(parsed.hostname, "decky-01");
    EXPECT_EQ(parsed.app, "http");
    EXPECT_EQ(parsed.procid, "-");
    EXPECT_EQ(parsed.msgid, "request");
    EXPECT_TRUE(parsed.fields.empty());
    EXPECT_EQ(parsed.msg, "");
    EXPECT_EQ(parsed.attacker_ip, "Unknown");
    EXPECT_EQ(parsed.timestamp_raw, "2024-01-15T12:00:00+00:00");
    EXPECT_EQ(parsed.timestamp, "2024-01-15 12:00:00");
}

// Check 76.
TEST(Rfc5424Parse, NotSyslogLines) {
    EXPECT_EQ(parse_error("not a syslog line"), SyslogReject::no_pri);
    EXPECT_EQ(parse_error(""), SyslogReject::empty);
    EXPECT_EQ(parse_error("\r\n"), SyslogReject::empty);
    EXPECT_EQ(parse_error("<134>2 2024-01-15T12:00:00+00:00 d http - request -"),
              SyslogReject::bad_version);
    EXPECT_EQ(parse_error("<134>1 2024-01-15T12:00:00+00:00 decky-01 http - request"),
              SyslogReject::missing_sd);
    EXPECT_EQ(parse_error("<134>1 2024-01-15T12:00:00+00:00 decky-01 http - request "),
              SyslogReject::missing_sd);
}

// Check 76, adapted: the reference dropped every line with a numeric PROCID (sshd); RFC
// 5424 allows one, so we keep it.
TEST(Rfc5424Parse, NumericProcIdIsAccepted) {
    const auto parsed = parse_ok(
        "<38>1 2026-04-18T12:00:00.123456+00:00 srv-web-01 sshd 812 - -  Failed "
        "password for root from 10.0.0.5 port 51234 ssh2");
    EXPECT_EQ(parsed.procid, "812");
    EXPECT_EQ(parsed.app, "sshd");
    EXPECT_EQ(parsed.msgid, "-");
    EXPECT_EQ(parsed.msg, "Failed password for root from 10.0.0.5 port 51234 ssh2");
}

TEST(Rfc5424Parse, HeaderIsStrict) {
    EXPECT_EQ(parse_error("<>1 t h a - m -"), SyslogReject::bad_pri);
    EXPECT_EQ(parse_error("<1344>1 t h a - m -"), SyslogReject::bad_pri);
    EXPECT_EQ(parse_error("<192>1 t h a - m -"), SyslogReject::bad_pri);
    EXPECT_EQ(parse_error("<x>1 t h a - m -"), SyslogReject::bad_pri);
    EXPECT_EQ(parse_error("<134>12 t h a - m -"), SyslogReject::bad_version);
    EXPECT_EQ(parse_error("<134>1x t h a - m -"), SyslogReject::bad_version);
    EXPECT_EQ(parse_error("<134>1"), SyslogReject::bad_header);
    EXPECT_EQ(parse_error("<134>1 t  h a - m -"), SyslogReject::bad_header);  // double space
    EXPECT_EQ(parse_error("<134>1 t h\ta - m -"), SyslogReject::bad_header);
    EXPECT_EQ(parse_error("<134>1 t h a - m  -"), SyslogReject::bad_header);
    EXPECT_EQ(parse_error("<134>1 t h\xc3\xa9 a - m -"), SyslogReject::bad_header);
    EXPECT_EQ(parse_error("<134>1 t " + std::string(256, 'h') + " a - m -"),
              SyslogReject::bad_header);
    EXPECT_EQ(parse_error("<134>1 t h " + std::string(49, 'a') + " - m -"),
              SyslogReject::bad_header);
    EXPECT_EQ(parse_error("<134>1 t h a - " + std::string(33, 'm') + " -"),
              SyslogReject::bad_header);
    EXPECT_TRUE(parse_rfc5424("<0>1 t h a - m -"));
    EXPECT_TRUE(parse_rfc5424("<191>1 t h a - m -"));
}

// Check 77.
TEST(Rfc5424Parse, FieldsInOrder) {
    const auto parsed =
        parse_ok(kHeader + R"([decnet@55555 src_ip="1.2.3.4" method="GET" path="/login"])");
    const Fields expected = {{"src_ip", "1.2.3.4"}, {"method", "GET"}, {"path", "/login"}};
    EXPECT_EQ(parsed.fields, expected);
    EXPECT_EQ(parsed.attacker_ip, "1.2.3.4");
    EXPECT_EQ(parsed.msg, "");
}

TEST(Rfc5424Parse, AttackerIpPriority) {
    const std::vector<std::string> order = {"src_ip",      "src",       "client_ip", "remote_ip",
                                            "remote_addr", "target_ip", "ip"};
    for (std::size_t first = 0; first < order.size(); ++first) {
        std::string sd = "[decnet@55555";
        // Lower-priority names first, so the order in the line does not matter.
        for (std::size_t i = order.size(); i-- > first;) {
            sd += " " + order[i] + "=\"10.0.0." + std::to_string(i) + "\"";
        }
        sd += "]";
        EXPECT_EQ(parse_ok(kHeader + sd).attacker_ip, "10.0.0." + std::to_string(first)) << sd;
    }
    EXPECT_EQ(parse_ok(kHeader + R"([decnet@55555 user="admin"])").attacker_ip, "Unknown");
}

TEST(Rfc5424Parse, DuplicateNameKeepsFirstPositionAndLastValue) {
    const auto parsed = parse_ok(kHeader + R"([decnet@55555 a="1" b="2" a="3"])");
    const Fields expected = {{"a", "3"}, {"b", "2"}};
    EXPECT_EQ(parsed.fields, expected);
}

// Check 78.
TEST(Rfc5424Parse, MessageForms) {
    EXPECT_EQ(parse_ok(kHeader + "- some message").msg, "some message");
    EXPECT_EQ(parse_ok(kHeader + "-x").msg, "x");
    EXPECT_EQ(parse_ok(kHeader + "- hello  ").msg, "hello  ");
    EXPECT_EQ(parse_ok(kHeader + "hello world").msg, "hello world");
    const auto parsed = parse_ok(kHeader + R"([decnet@55555 src_ip="1.2.3.4"] login attempt)");
    EXPECT_EQ(parsed.msg, "login attempt");
    EXPECT_EQ(parsed.attacker_ip, "1.2.3.4");
}

// Check 79, and the escaped `]` the reference got wrong.
TEST(Rfc5424Parse, Unescaping) {
    EXPECT_EQ(*parse_ok(kHeader + R"([decnet@55555 path="/foo\"bar"])").find("path"), "/foo\"bar");
    EXPECT_EQ(*parse_ok(kHeader + R"([decnet@55555 path="/a\"b\\c"])").find("path"), "/a\"b\\c");
    const auto parsed =
        parse_ok(kHeader + R"([decnet@55555 password="p\"a\]ss" args="[\"GET\"\]" n="1"] m)");
    const Fields expected = {{"password", "p\"a]ss"}, {"args", "[\"GET\"]"}, {"n", "1"}};
    EXPECT_EQ(parsed.fields, expected);
    EXPECT_EQ(parsed.msg, "m");
}

TEST(Rfc5424Parse, ExtendedEscapesInOurValuesAndMsg) {
    const auto parsed =
        parse_ok(kHeader + R"([decnet@55555 v="a\nb\r\t\x00\xff\q\x4"] x\\y\n\x20)");
    EXPECT_EQ(*parsed.find("v"), std::string("a\nb\r\t\0\xff\\q\\x4", 12));
    EXPECT_EQ(parsed.msg, "x\\y\n ");
}

TEST(Rfc5424Parse, RawBracketAndControlsInsideQuotesAreAccepted) {
    const auto parsed = parse_ok(kHeader + "[decnet@55555 v=\"a]b\tc\"]");
    EXPECT_EQ(*parsed.find("v"), "a]b\tc");
}

TEST(Rfc5424Parse, OtherSdElementsAreSkipped) {
    const auto parsed = parse_ok(
        kHeader + R"([timeQuality tzKnown="1" x="\]"][decnet@55555 src="9.9.9.9"][meta a="b"] hi)");
    const Fields expected = {{"src", "9.9.9.9"}};
    EXPECT_EQ(parsed.fields, expected);
    EXPECT_EQ(parsed.msg, "hi");
    EXPECT_TRUE(parse_ok(kHeader + "[decnet@55555]").fields.empty());
    EXPECT_TRUE(parse_ok(kHeader + R"([other@1 src="1.1.1.1"])").fields.empty());
}

TEST(Rfc5424Parse, MalformedStructuredDataIsRejected) {
    const char* bad[] = {
        R"([decnet@55555 a="1"]msg)",         // no space before MSG
        R"([decnet@55555 a="1")",             // element not closed
        R"([decnet@55555 a="1)",              // value not closed
        R"([decnet@55555 a="1\"])",           // the escaped quote does not close it
        R"([decnet@55555 a=1])",              // unquoted
        R"([decnet@55555  a="1"])",           // two spaces
        R"([decnet@55555 ="1"])",             // empty name
        R"([] x)",                            // empty SD-ID
        R"([decnet@55555 a="1"] [b c="d"])",  // (second element after a space is MSG: ok)
    };
    for (const char* sd : bad) {
        const auto result = parse_rfc5424(kHeader + sd);
        if (std::string_view(sd).starts_with(R"([decnet@55555 a="1"] [b)")) {
            ASSERT_TRUE(result) << sd;
            EXPECT_EQ(result->msg, R"([b c="d"])");
            continue;
        }
        ASSERT_FALSE(result) << sd;
        EXPECT_EQ(result.error(), SyslogReject::bad_sd) << sd;
    }
    EXPECT_EQ(parse_error(kHeader + " x"), SyslogReject::bad_header);
    // Syntactically an SD element (an IANA-style SD-ID), so accepted, with no fields.
    const auto bracketed = parse_ok(kHeader + "[INFO] something");
    EXPECT_TRUE(bracketed.fields.empty());
    EXPECT_EQ(bracketed.msg, "something");
}

// Check 80.
TEST(Rfc5424Parse, TimestampNormalising) {
    auto line = [](std::string ts) { return "<134>1 " + ts + " d a - m -"; };
    EXPECT_EQ(parse_ok(line("not-a-date")).timestamp, "not-a-date");
    EXPECT_EQ(parse_ok(line("2024-01-15T12:00:00.123456+05:00")).timestamp, "2024-01-15 12:00:00");
    EXPECT_EQ(parse_ok(line("2024-01-15")).timestamp, "2024-01-15 00:00:00");
    EXPECT_EQ(parse_ok(line("-")).timestamp, "-");
}

TEST(NormalizeTimestamp, PythonFromIsoFormatForms) {
    const std::pair<std::string, std::string> cases[] = {
        {"2024-01-15T12:00:00Z", "2024-01-15 12:00:00"},
        {"2024-01-15T12:00:00.5-08:00", "2024-01-15 12:00:00"},
        {"2024-01-15T12:00:00,123+0530", "2024-01-15 12:00:00"},
        {"2024-01-15T12:00", "2024-01-15 12:00:00"},
        {"2024-01-15T12", "2024-01-15 12:00:00"},
        {"2024-01-15 07:08:09", "2024-01-15 07:08:09"},
        {"20240115T120000", "2024-01-15 12:00:00"},
        {"20240115", "2024-01-15 00:00:00"},
        {"2024-W03-1", "2024-01-15 00:00:00"},
        {"2024W031T0102", "2024-01-15 01:02:00"},
        {"2020-W53", "2020-12-28 00:00:00"},
        {"2024-02-29T23:59:59.999999999+23:59", "2024-02-29 23:59:59"},
        {"0005-01-01", "5-01-01 00:00:00"},  // glibc's unpadded %Y, as the reference
    };
    for (const auto& [input, expected] : cases) {
        EXPECT_EQ(normalize_timestamp(input), expected) << input;
    }
    const char* unparseable[] = {"",
                                 "2024",
                                 "2024-01",
                                 "2023-02-29",
                                 "2024-13-01",
                                 "2024-01-15T",
                                 "2024-01-15T24:00:00",
                                 "2024-01-15T12:60",
                                 "2024-01-15T12:00:00+24:00",
                                 "2024-01-15T12:00:00+1",
                                 "2024-01-15T12:00:00Zx",
                                 "2024-01-15T1200:00",
                                 "2024-0115",
                                 "2021-W53",
                                 "0000-01-01",
                                 "2024-01-15T12:00:00.",
                                 "2024-01-15T12:00:00.12a",
                                 "Jan 15 12:00:00"};
    for (const char* input : unparseable) {
        EXPECT_EQ(normalize_timestamp(input), input) << input;
    }
}

TEST(Rfc5424Parse, LineTerminatorIgnored) {
    EXPECT_EQ(parse_ok(kHeader + "- hi\r\n").msg, "hi");
    EXPECT_EQ(parse_ok(kHeader + "- hi\n").msg, "hi");
}

TEST(Rfc5424Parse, LengthBound) {
    const std::string prefix = kHeader + "- ";
    const std::string at_limit = prefix + std::string(kMaxSyslogLine - prefix.size(), 'x');
    EXPECT_TRUE(parse_rfc5424(at_limit));
    EXPECT_TRUE(parse_rfc5424(at_limit + "\n"));
    EXPECT_EQ(parse_error(at_limit + "x"), SyslogReject::too_long);
    EXPECT_EQ(parse_error(prefix + std::string(65 * 1024, 'x')), SyslogReject::too_long);
}

std::string sd_element(std::string_view id, std::size_t count) {
    std::string sd = "[" + std::string(id);
    for (std::size_t i = 0; i < count; ++i) sd += " k" + std::to_string(i) + "=\"v\"";
    return sd + "]";
}

TEST(Rfc5424Parse, ParamCountBound) {
    EXPECT_EQ(parse_ok(kHeader + sd_element(kDecnetSdId, 256)).fields.size(), 256u);
    EXPECT_EQ(parse_error(kHeader + sd_element(kDecnetSdId, 257)), SyslogReject::too_many_params);
    // The bound is over all elements, not per element.
    EXPECT_TRUE(parse_rfc5424(kHeader + sd_element(kDecnetSdId, 200) + sd_element("x@1", 56)));
    EXPECT_EQ(parse_error(kHeader + sd_element(kDecnetSdId, 200) + sd_element("x@1", 57)),
              SyslogReject::too_many_params);
}

TEST(Rfc5424Parse, InvalidUtf8IsRepairedNotFatal) {
    ParserStats stats;
    const auto result = parse_rfc5424(kHeader + "[decnet@55555 user=\"a\xff\xfe\"] m\xc3", stats);
    ASSERT_TRUE(result);
    EXPECT_EQ(*result->find("user"), "a\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(result->msg, "m\xEF\xBF\xBD");
    EXPECT_EQ(stats.utf8_repaired.load(), 1u);
    EXPECT_EQ(stats.accepted.load(), 1u);
}

TEST(Rfc5424Parse, BinaryGarbageNeverCrashes) {
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
    for (std::size_t len = 0; len < garbage.size(); len += 37) {
        (void)parse_rfc5424(std::string_view(garbage).substr(0, len));
        (void)parse_rfc5424("<134>1 " + garbage.substr(0, len));
        (void)parse_rfc5424(kHeader + "[decnet@55555 a=\"" + garbage.substr(0, len));
    }
    EXPECT_FALSE(parse_rfc5424(std::string("\0\0\0", 3)));
}

TEST(Rfc3164Parse, ClassicLine) {
    const auto parsed = parse_ok("<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed");
    EXPECT_EQ(parsed.dialect, SyslogDialect::rfc3164);
    EXPECT_EQ(parsed.pri, 34);
    EXPECT_EQ(parsed.timestamp_raw, "Oct 11 22:14:15");
    EXPECT_EQ(parsed.timestamp, "Oct 11 22:14:15");  // no year: kept as written
    EXPECT_EQ(parsed.hostname, "mymachine");
    EXPECT_EQ(parsed.app, "su");
    EXPECT_EQ(parsed.procid, "123");
    EXPECT_EQ(parsed.msgid, "-");
    EXPECT_EQ(parsed.msg, "'su root' failed");
    EXPECT_EQ(parsed.attacker_ip, "Unknown");
}

TEST(Rfc3164Parse, BestEffortVariants) {
    auto p = parse_ok("<13>Feb  5 17:32:18 10.0.0.9 sshd: hello");
    EXPECT_EQ(p.timestamp_raw, "Feb  5 17:32:18");
    EXPECT_EQ(p.hostname, "10.0.0.9");
    EXPECT_EQ(p.app, "sshd");
    EXPECT_EQ(p.procid, "-");
    EXPECT_EQ(p.msg, "hello");

    p = parse_ok("<13>Feb  5 17:32:18 cron[9]: job");  // no hostname
    EXPECT_EQ(p.hostname, "-");
    EXPECT_EQ(p.app, "cron");
    EXPECT_EQ(p.msg, "job");

    p = parse_ok("<13>2024-01-15T12:00:00+01:00 host app: text");  // rsyslog RFC 3339 variant
    EXPECT_EQ(p.dialect, SyslogDialect::rfc3164);
    EXPECT_EQ(p.timestamp, "2024-01-15 12:00:00");
    EXPECT_EQ(p.hostname, "host");
    EXPECT_EQ(p.app, "app");
    EXPECT_EQ(p.msg, "text");

    p = parse_ok("<13>just some text");
    EXPECT_EQ(p.hostname, "-");
    EXPECT_EQ(p.app, "-");
    EXPECT_EQ(p.msg, "just some text");
    EXPECT_EQ(p.timestamp, "");

    EXPECT_EQ(parse_error("<13>"), SyslogReject::bad_header);
}

TEST(ParserStats, CountsEveryOutcome) {
    ParserStats stats;
    (void)parse_rfc5424(kHeader + "-", stats);
    (void)parse_rfc5424("<13>old style", stats);
    (void)parse_rfc5424("nope", stats);
    (void)parse_rfc5424("nope", stats);
    (void)parse_rfc5424(kHeader + R"([decnet@55555 a=1])", stats);
    EXPECT_EQ(stats.accepted.load(), 2u);
    EXPECT_EQ(stats.rfc3164.load(), 1u);
    EXPECT_EQ(stats.rejected_for(SyslogReject::no_pri), 2u);
    EXPECT_EQ(stats.rejected_for(SyslogReject::bad_sd), 1u);
    EXPECT_EQ(stats.rejected_total(), 3u);
    for (int i = 0; i < static_cast<int>(SyslogReject::count); ++i) {
        EXPECT_NE(to_string(static_cast<SyslogReject>(i)), "unknown");
    }
}

}  // namespace
}  // namespace decnet
