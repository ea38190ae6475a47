// Correlation engine (intel.md §5) and the black-box vectors of §7 (checks 50-52).
#include "intel/correlation/traversal.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "events/rfc5424.hpp"

namespace decnet::intel {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string line(const std::string& ts, const std::string& decky, const std::string& service,
                 const std::string& type, const std::string& sd) {
    return "<134>1 " + ts + " " + decky + " " + service + " - " + type + " [decnet@55555 " + sd +
           "]";
}

// Check 50: 5.6.7.8 on decky-01 (ssh 10:00), decky-03 (http 10:05), decky-05 (ftp
// 10:10), decky-01 again (10:12).
CorrelationEngine check_50_engine() {
    CorrelationEngine engine;
    engine.ingest(line("2026-04-04T10:00:00+00:00", "decky-01", "ssh", "login_attempt",
                       "src_ip=\"5.6.7.8\""));
    engine.ingest(
        line("2026-04-04T10:05:00+00:00", "decky-03", "http", "request", "src_ip=\"5.6.7.8\""));
    engine.ingest(
        line("2026-04-04T10:10:00+00:00", "decky-05", "ftp", "login", "src_ip=\"5.6.7.8\""));
    engine.ingest(
        line("2026-04-04T10:12:00+00:00", "decky-01", "ssh", "command", "src_ip=\"5.6.7.8\""));
    return engine;
}

TEST(Correlation, Check50OneTraversalWithPathHopsAndDuration) {
    const auto engine = check_50_engine();
    const auto found = engine.traversals(2);
    ASSERT_EQ(found.size(), 1u);
    const auto& t = found[0];
    EXPECT_EQ(t.attacker_ip, "5.6.7.8");
    EXPECT_THAT(t.deckies, ElementsAre("decky-01", "decky-03", "decky-05"));
    EXPECT_EQ(t.path(), "decky-01 \u2192 decky-03 \u2192 decky-05");
    EXPECT_EQ(t.hops.size(), 4u);
    EXPECT_DOUBLE_EQ(t.duration_seconds(), 720.0);
    EXPECT_EQ(format_iso_time(t.first_seen()), "2026-04-04T10:00:00+00:00");
    EXPECT_EQ(format_iso_time(t.last_seen()), "2026-04-04T10:12:00+00:00");
}

TEST(Correlation, Check50SyslogLine) {
    const auto lines = check_50_engine().traversal_syslog_lines(2, event_now());
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_THAT(lines[0], ::testing::StartsWith("<132>1 "));
    EXPECT_THAT(lines[0], HasSubstr(" decnet-correlator correlator - traversal_detected "));
    EXPECT_THAT(lines[0], HasSubstr("[decnet@55555 attacker_ip=\"5.6.7.8\" decky_count=\"3\" "
                                    "deckies=\"decky-01,decky-03,decky-05\" "
                                    "first_seen=\"2026-04-04T10:00:00+00:00\" "
                                    "last_seen=\"2026-04-04T10:12:00+00:00\" hop_count=\"4\" "
                                    "duration_s=\"720\"]"));
    // The line reads back through the same parser a collector uses.
    EXPECT_TRUE(parse_rfc5424(lines[0]).ok());
}

TEST(Correlation, Check50JsonReport) {
    const auto report = nlohmann::ordered_json::parse(check_50_engine().report_json(2));
    EXPECT_EQ(report["stats"].dump(),
              R"({"lines_parsed":4,"events_indexed":4,"unique_ips":1,"traversals":1})");
    const auto& t = report["traversals"][0];
    std::vector<std::string> keys;
    for (const auto& [key, value] : t.items()) keys.push_back(key);
    EXPECT_THAT(keys, ElementsAre("attacker_ip", "decky_count", "deckies", "path", "first_seen",
                                  "last_seen", "duration_seconds", "hop_count", "hops"));
    EXPECT_EQ(t["duration_seconds"].dump(), "720.0");
    EXPECT_EQ(t["hop_count"], 4);
    EXPECT_EQ(t["hops"][1].dump(),
              R"({"timestamp":"2026-04-04T10:05:00+00:00","decky":"decky-03","service":"http",)"
              R"("event_type":"request"})");
}

TEST(Correlation, Check51SingleDeckyThresholdsOrderAndMssqlSrc) {
    CorrelationEngine engine;
    engine.ingest(line("2026-04-04T09:00:00Z", "decky-01", "ssh", "login", "src_ip=\"1.1.1.1\""));
    engine.ingest(line("2026-04-04T09:01:00Z", "decky-01", "ssh", "login", "src_ip=\"1.1.1.1\""));
    EXPECT_TRUE(engine.traversals(2).empty());
    // Ingested out of order: hops come out in time order; deckies in first-contact order.
    engine.ingest(
        line("2026-04-04T08:30:00Z", "decky-02", "http", "request", "src_ip=\"2.2.2.2\""));
    engine.ingest(line("2026-04-04T08:10:00Z", "decky-03", "mssql", "login", "src=\"2.2.2.2\""));
    engine.ingest(line("2026-04-04T08:20:00Z", "decky-01", "ssh", "login", "src_ip=\"2.2.2.2\""));
    // Another traversal that starts later is listed after it.
    engine.ingest(line("2026-04-04T09:30:00Z", "decky-01", "ssh", "login", "src_ip=\"3.3.3.3\""));
    engine.ingest(line("2026-04-04T09:31:00Z", "decky-02", "ssh", "login", "src_ip=\"3.3.3.3\""));
    const auto found = engine.traversals(2);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].attacker_ip, "2.2.2.2");
    EXPECT_THAT(found[0].deckies, ElementsAre("decky-03", "decky-01", "decky-02"));
    EXPECT_EQ(found[0].hops[0].service, "mssql");
    EXPECT_EQ(found[1].attacker_ip, "3.3.3.3");
    EXPECT_EQ(engine.traversals(3).size(), 1u);
    EXPECT_EQ(engine.traversals(4).size(), 0u);
}

TEST(Correlation, Check52IpFieldsRejectedLinesAndCounters) {
    const auto both = parse_correlation_line(
        line("2026-04-04T10:00:00+00:00", "d", "ssh", "x", "src=\"9.9.9.9\" src_ip=\"1.2.3.4\""));
    ASSERT_TRUE(both);
    EXPECT_EQ(both->attacker_ip, "1.2.3.4");  // src_ip wins over src
    // A present but empty src_ip does not fall through (the reference's behaviour).
    const auto empty = parse_correlation_line(
        line("2026-04-04T10:00:00+00:00", "d", "ssh", "x", "src_ip=\"\" src=\"9.9.9.9\""));
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->attacker_ip, "");
    EXPECT_FALSE(parse_correlation_line(
        line("2026-04-04T10:00:00+00:00", "-", "ssh", "x", "src_ip=\"1.2.3.4\"")));
    EXPECT_FALSE(parse_correlation_line(
        line("2026-04-04T10:00:00+00:00", "d", "-", "x", "src_ip=\"1.2.3.4\"")));
    EXPECT_FALSE(parse_correlation_line(line("yesterday", "d", "ssh", "x", "src_ip=\"1.2.3.4\"")));
    EXPECT_FALSE(parse_correlation_line("   \n"));

    CorrelationEngine engine;
    EXPECT_FALSE(engine.ingest("not syslog at all"));
    EXPECT_FALSE(engine.ingest(line("2026-04-04T10:00:00+00:00", "d", "ssh", "x", "user=\"a\"")));
    EXPECT_TRUE(
        engine.ingest(line("2026-04-04T10:00:00+00:00", "d", "ssh", "x", "ip=\"4.4.4.4\"")));
    EXPECT_EQ(engine.lines_parsed(), 3u);
    EXPECT_EQ(engine.events_indexed(), 1u);
    EXPECT_EQ(engine.unique_ips(), 1u);
}

// Sniffer, prober and correlator events describe an attacker but are not its movement:
// the prober's decnet-prober host never makes a traversal (intel.md §6.2 QUIRK, fixed).
TEST(Correlation, IntelServicesAreNotIndexed) {
    CorrelationEngine engine;
    engine.ingest(
        line("2026-04-04T10:00:00+00:00", "decky-01", "ssh", "login", "src_ip=\"7.7.7.7\""));
    engine.ingest(line("2026-04-04T10:01:00+00:00", "decnet-prober", "prober", "jarm_fingerprint",
                       "target_ip=\"7.7.7.7\" target_port=\"443\""));
    engine.ingest(line("2026-04-04T10:02:00+00:00", "decky-02", "sniffer", "tls_client_hello",
                       "src_ip=\"7.7.7.7\""));
    EXPECT_TRUE(engine.traversals(2).empty());
    EXPECT_EQ(engine.events_indexed(), 1u);
    EXPECT_EQ(engine.lines_parsed(), 3u);
}

TEST(Correlation, DurationText) {
    EXPECT_EQ(format_duration(45), "45s");
    EXPECT_EQ(format_duration(90), "1.5m");
    EXPECT_EQ(format_duration(7200), "2.0h");
    EXPECT_EQ(format_duration(0), "0s");
}

TEST(IsoTime, ParsesAndPrintsLikePython) {
    const auto z = parse_iso_time("2026-04-04T10:00:00Z");
    ASSERT_TRUE(z);
    EXPECT_EQ(format_iso_time(*z), "2026-04-04T10:00:00+00:00");
    const auto frac = parse_iso_time("2026-04-04T10:00:00.120+02:00");
    ASSERT_TRUE(frac);
    EXPECT_EQ(format_iso_time(*frac), "2026-04-04T10:00:00.120000+02:00");
    EXPECT_EQ(format_wall_clock(*frac), "2026-04-04 10:00:00");
    // The instant is what orders: 10:00+02:00 is before 09:00Z.
    EXPECT_LT(frac->utc_micros, parse_iso_time("2026-04-04T09:00:00Z")->utc_micros);
    const auto naive = parse_iso_time("2026-04-04 10:00:00");
    ASSERT_TRUE(naive);
    EXPECT_EQ(format_iso_time(*naive), "2026-04-04T10:00:00");
    EXPECT_TRUE(parse_iso_time("2026-04-04"));
    for (const char* bad : {"", "2026-13-01T00:00:00", "2026-02-30", "2026-04-04T25:00:00",
                            "2026-04-04T10:00:00+", "2026-04-04T10:00:00 junk", "20260404"})
        EXPECT_FALSE(parse_iso_time(bad)) << bad;
}

// Hostile input never crashes and stays bounded.
TEST(Correlation, HostileLines) {
    CorrelationEngine engine;
    const std::string big(200000, 'A');
    engine.ingest(big);
    engine.ingest(line("2026-04-04T10:00:00+00:00", "d", "ssh", "x", "src_ip=\"" + big + "\""));
    engine.ingest(std::string("<134>1 \xff\xfe 2026 d s - x -"));
    engine.ingest(line("9999-12-31T23:59:59.999999-23:59", "d", "ssh", "x", "src_ip=\"1.1.1.1\""));
    engine.ingest(line("0001-01-01T00:00:00+23:59", "e", "ssh", "x", "src_ip=\"1.1.1.1\""));
    EXPECT_EQ(engine.lines_parsed(), 5u);
    const auto found = engine.traversals(2);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NO_THROW(engine.report_json(2));
}

}  // namespace
}  // namespace decnet::intel
