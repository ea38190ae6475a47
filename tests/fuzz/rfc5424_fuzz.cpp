// libFuzzer target for the syslog line parser: it must never crash, hang or leak on any
// input, and whatever it accepts as RFC 5424 must survive format → parse unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "events/rfc5424.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

// Re-emit an accepted RFC 5424 line through the formatter and parse it again: headers,
// fields and MSG must come back identical (the parser only accepts header tokens the
// formatter keeps as they are, and the value encoding is lossless).
void check_round_trip(const decnet::ParsedSyslog& parsed) {
    if (parsed.dialect != decnet::SyslogDialect::rfc5424) return;
    decnet::Event event;
    event.severity = static_cast<decnet::Severity>(parsed.severity());
    event.decky = parsed.hostname;
    event.service = parsed.app;
    event.event_type = parsed.msgid;
    event.fields = parsed.fields;
    event.msg = parsed.msg;
    const std::string line = decnet::format_rfc5424(event);
    if (line.size() > decnet::kMaxSyslogLine) return;  // decoded text grew when re-encoded
    if (event.fields.size() > decnet::kMaxSdParams) return;
    const auto again = decnet::parse_rfc5424(line);
    check(again.ok());
    check(again->hostname == parsed.hostname);
    check(again->app == parsed.app);
    check(again->msgid == parsed.msgid);
    check(again->fields == parsed.fields);
    check(again->msg == parsed.msg);
    check(decnet::format_rfc5424(event) == line);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static decnet::ParserStats stats;
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const auto result = decnet::parse_rfc5424(line, stats);
    if (result.ok()) check_round_trip(result.value());
    (void)decnet::normalize_timestamp(line.substr(0, 64));
    return 0;
}
