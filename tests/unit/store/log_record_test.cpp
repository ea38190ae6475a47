// Event / syslog line / JSON-lines record → LogRecord conversions.
#include "store/ingest/log_record.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "events/rfc5424.hpp"

namespace decnet::store {
namespace {

using namespace std::chrono;

EventTime at(int y, unsigned m, unsigned d, int h, int mi, int s, int us = 0) {
    return EventTime{sys_days{year{y} / month{m} / day{d}}} + hours{h} + minutes{mi} + seconds{s} +
           microseconds{us};
}

TEST(LogRecord, StorageTimestampAlwaysHasSixDigits) {
    EXPECT_EQ(storage_timestamp(at(2026, 4, 9, 12, 0, 0)), "2026-04-09 12:00:00.000000");
    EXPECT_EQ(storage_timestamp(at(2026, 11, 27, 9, 54, 39, 490269)), "2026-11-27 09:54:39.490269");
}

TEST(LogRecord, AttackerIpPriority) {
    EXPECT_EQ(attacker_ip_of({{"ip", "9.9.9.9"}, {"src_ip", "1.2.3.4"}}), "1.2.3.4");
    EXPECT_EQ(attacker_ip_of({{"remote_addr", "5.5.5.5"}, {"target_ip", "6.6.6.6"}}), "5.5.5.5");
    EXPECT_EQ(attacker_ip_of({{"user", "admin"}}), "Unknown");
    EXPECT_EQ(attacker_ip_of({{"user", "admin"}}, "7.7.7.7"), "7.7.7.7");
}

TEST(LogRecord, FromEvent) {
    Event e;
    e.time = at(2026, 1, 2, 3, 4, 5, 6);
    e.decky = "decky-01";
    e.service = "redis";
    e.event_type = "auth";
    e.add("src", "10.1.1.1").add("password", "p\"a]ss").add("src_port", 4242);
    e.trace.trace_id[15] = 1;
    e.trace.span_id[7] = 2;
    e.trace.flags = 1;
    const auto r = to_log_record(e);
    EXPECT_EQ(r.timestamp, "2026-01-02 03:04:05.000006");
    EXPECT_EQ(r.attacker_ip, "10.1.1.1");
    EXPECT_EQ(r.fields, R"({"src":"10.1.1.1","password":"p\"a]ss","src_port":"4242"})");
    EXPECT_EQ(r.raw_line, format_rfc5424(e));
    EXPECT_EQ(r.msg, "");
    EXPECT_EQ(r.trace_id, "00000000000000000000000000000001");
    EXPECT_EQ(r.span_id, "0000000000000002");
}

// fields_json writes plain ASCII itself and hands everything else to nlohmann: both
// paths must give the bytes nlohmann gives (the payload text is a dedup key downstream).
TEST(LogRecord, FieldsJsonMatchesNlohmannOnEveryPath) {
    const auto reference = [](const Fields& fields) {
        nlohmann::ordered_json object = nlohmann::ordered_json::object();
        for (const auto& [name, value] : fields) object[name] = value;
        return object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    };
    const std::vector<Fields> cases = {
        {},
        {{"src_ip", "1.2.3.4"}, {"command", "cd /tmp; echo \"x\" > a\\b"}},
        {{"user", "a"}, {"user", "b"}, {"x", "y"}},       // a repeated name overwrites
        {{"path", "/caf\xc3\xa9"}, {"bad", "\xff\xfe"}},  // UTF-8, invalid UTF-8
        {{"line", "a\nb\tc\x01"}, {"del", "\x7f"}},       // control characters
    };
    for (const auto& fields : cases) EXPECT_EQ(fields_json(fields), reference(fields));
}

TEST(LogRecord, FromSyslogLineAppliesOffset) {
    const std::string line =
        R"(<134>1 2024-01-15T12:00:00.5+05:00 decky-01 http - request [decnet@55555 src_ip="1.2.3.4" path="/x"] hi)";
    const auto parsed = parse_rfc5424(line);
    ASSERT_TRUE(parsed.ok());
    const auto r = to_log_record(parsed.value(), line);
    EXPECT_EQ(r.timestamp, "2024-01-15 07:00:00.500000");
    EXPECT_EQ(r.decky, "decky-01");
    EXPECT_EQ(r.service, "http");
    EXPECT_EQ(r.event_type, "request");
    EXPECT_EQ(r.attacker_ip, "1.2.3.4");
    EXPECT_EQ(r.fields, R"({"src_ip":"1.2.3.4","path":"/x"})");
    EXPECT_EQ(r.msg, "hi");
    EXPECT_EQ(r.raw_line, line);
}

TEST(LogRecord, TraceparentFieldContinuesTheTrace) {
    const std::string line =
        R"(<134>1 2024-01-15T12:00:00Z d s - e [decnet@55555 traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"])";
    const auto parsed = parse_rfc5424(line);
    ASSERT_TRUE(parsed.ok());
    const auto r = to_log_record(parsed.value(), line);
    EXPECT_EQ(r.trace_id, "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(r.span_id, "b7ad6b7169203331");
}

TEST(LogRecord, ReferenceJsonLine) {
    std::string error;
    const auto r = json_line_to_log_record(
        R"({"timestamp": "2024-01-15 12:00:00", "decky": "decky-01", "service": "ssh", "event_type": "login_attempt", "attacker_ip": "10.0.0.1", "fields": {"src_ip": "10.0.0.1", "username": "root", "password": "toor"}, "msg": "", "raw_line": "<134>1 x", "_trace": {"traceparent": "x"}})",
        error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->timestamp, "2024-01-15 12:00:00.000000");
    EXPECT_EQ(r->fields, R"({"src_ip":"10.0.0.1","username":"root","password":"toor"})");
    EXPECT_EQ(r->msg, "");
    EXPECT_EQ(r->trace_id, std::nullopt);
}

TEST(LogRecord, PoisonJsonLinesAreRejectedWithAReason) {
    std::string error;
    EXPECT_FALSE(json_line_to_log_record("{not json", error));
    EXPECT_EQ(error, "invalid JSON");
    EXPECT_FALSE(json_line_to_log_record("[1,2]", error));
    EXPECT_EQ(error, "record is not a JSON object");
    EXPECT_FALSE(json_line_to_log_record(
        R"({"decky":"d","service":"s","event_type":"e","attacker_ip":"i","raw_line":"r"})", error));
    EXPECT_EQ(error, "missing 'fields' object");
    EXPECT_FALSE(json_line_to_log_record(
        R"({"decky":"d","service":"s","event_type":"e","attacker_ip":"i","raw_line":"r","fields":[1]})",
        error));
    EXPECT_FALSE(json_line_to_log_record(
        R"({"timestamp":"yesterday","decky":"d","service":"s","event_type":"e","attacker_ip":"i","raw_line":"r","fields":{}})",
        error));
    EXPECT_EQ(error, "unparseable timestamp");
    EXPECT_FALSE(json_line_to_log_record(
        R"({"service":"s","event_type":"e","attacker_ip":"i","raw_line":"r","fields":{}})", error));
    EXPECT_EQ(error, "missing or non-string 'decky'");
}

}  // namespace
}  // namespace decnet::store
