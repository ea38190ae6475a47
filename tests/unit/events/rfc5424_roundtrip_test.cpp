// Property: for random events — quotes, backslashes, ], newlines, controls, unicode and
// invalid UTF-8 in values and MSG — parse(format(e)) gives back every header field, every
// field in order, and the MSG, and the line is one line of valid UTF-8.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "events/rfc5424.hpp"
#include "events/utf8.hpp"

namespace decnet {
namespace {

class EventGenerator {
  public:
    explicit EventGenerator(std::uint64_t seed) : rng_(seed) {}

    Event next() {
        Event event;
        event.time = EventTime{
            std::chrono::microseconds{below(std::uint64_t{4102444800} * 1000000)}};  // 1970 … 2100
        if (below(4) == 0) event.time = std::chrono::floor<std::chrono::seconds>(event.time);
        event.severity = static_cast<Severity>(below(8));
        event.decky = token(1, kMaxHostnameLength);
        event.service = token(1, kMaxAppNameLength);
        event.event_type = token(1, kMaxMsgIdLength);
        std::set<std::string> names;
        const auto count = below(8) == 0 ? 0 : below(12);
        while (names.size() < count) names.insert(param_name());
        for (const auto& name : names) event.add(name, text(below(3) == 0 ? 0 : 40));
        // std::set sorted the names; shuffle so order preservation is really tested.
        std::shuffle(event.fields.begin(), event.fields.end(), rng_);
        if (below(2) == 0) event.msg = text(60);
        return event;
    }

  private:
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }

    std::string token(std::size_t min, std::size_t max) {
        std::string out(min + below(std::min<std::size_t>(max, 20) - min + 1), '?');
        for (auto& c : out) c = static_cast<char>(0x21 + below(0x7e - 0x21 + 1));
        return out;
    }

    std::string param_name() {
        static constexpr std::string_view kChars =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.@#$%&'()*+,/"
            ":;<>?[\\^`{|}~";
        std::string out(1 + below(16), '?');
        for (auto& c : out) c = kChars[below(kChars.size())];
        return out;
    }

    // A mix of the characters that broke or could break the reference's format.
    std::string text(std::size_t max_pieces) {
        static const std::string_view kPieces[] = {"a",
                                                   "Z",
                                                   "0",
                                                   " ",
                                                   "\"",
                                                   "\\",
                                                   "]",
                                                   "[",
                                                   "=",
                                                   "\n",
                                                   "\r",
                                                   "\t",
                                                   "\\n",
                                                   "\\x41",
                                                   "\\]",
                                                   "\"]",
                                                   std::string_view("\0", 1),
                                                   "\x01",
                                                   "\x1f",
                                                   "\x7f",
                                                   "\xc3\xa9",
                                                   "\xe2\x82\xac",
                                                   "\xf0\x9f\x98\x80",
                                                   "\xe2\x80\xa8",  // é € 😀 U+2028
                                                   "\xff",
                                                   "\xc3",
                                                   "\xed\xa0\x80",
                                                   "\xf4\x90\x80\x80",
                                                   "\xc0\xaf",  // invalid UTF-8
                                                   "GET /login HTTP/1.1",
                                                   "' OR 1=1 --",
                                                   "[decnet@55555 x=\"y\"]"};
        std::string out;
        const auto pieces = below(max_pieces + 1);
        for (std::uint64_t i = 0; i < pieces; ++i) out += kPieces[below(std::size(kPieces))];
        return out;
    }

    std::mt19937_64 rng_;
};

std::string collector_timestamp(EventTime time) {
    // "YYYY-MM-DDTHH:MM:SS…" → "YYYY-MM-DD HH:MM:SS"
    auto text = format_iso8601(time).substr(0, 19);
    text[10] = ' ';
    return text;
}

TEST(Rfc5424RoundTrip, RandomEventsSurviveFormatThenParse) {
    EventGenerator generator(20261127);
    for (int i = 0; i < 20000; ++i) {
        const Event event = generator.next();
        const std::string line = format_rfc5424(event);
        SCOPED_TRACE(line);
        ASSERT_EQ(line.find('\n'), std::string::npos);
        ASSERT_EQ(line.find('\r'), std::string::npos);
        ASSERT_TRUE(utf8::valid(line));
        ASSERT_LE(line.size(), kMaxSyslogLine);

        ParserStats stats;
        const auto result = parse_rfc5424(line, stats);
        ASSERT_TRUE(result) << to_string(result.error());
        const auto& parsed = result.value();
        EXPECT_EQ(stats.utf8_repaired.load(), 0u);
        EXPECT_EQ(parsed.dialect, SyslogDialect::rfc5424);
        EXPECT_EQ(parsed.pri, 128 + static_cast<int>(event.severity));
        EXPECT_EQ(parsed.timestamp_raw, format_iso8601(event.time));
        EXPECT_EQ(parsed.timestamp, collector_timestamp(event.time));
        EXPECT_EQ(parsed.hostname, event.decky);
        EXPECT_EQ(parsed.app, event.service);
        EXPECT_EQ(parsed.procid, "-");
        EXPECT_EQ(parsed.msgid, event.event_type);
        ASSERT_EQ(parsed.fields, event.fields);
        ASSERT_EQ(parsed.msg, event.msg);
        // A line made from the parsed data is the same line (the encoding is canonical).
        Event again = event;
        again.fields = parsed.fields;
        again.msg = parsed.msg;
        ASSERT_EQ(format_rfc5424(again), line);
    }
}

TEST(Rfc5424RoundTrip, AttackerIpFromFormattedFields) {
    Event event;
    event.decky = "decky-01";
    event.service = "http";
    event.event_type = "request";
    event.add("remote_addr", "10.1.2.3").add("headers", json_map({{"User-Agent", "x]y\"z"}}));
    const auto parsed = parse_rfc5424(format_rfc5424(event));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->attacker_ip, "10.1.2.3");
    EXPECT_EQ(*parsed->find("headers"), R"({"User-Agent":"x]y\"z"})");
}

}  // namespace
}  // namespace decnet
