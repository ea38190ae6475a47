// The RFC 5424 event line (services.md §1): the formatter every sink writes with, and the
// strict, bounded parser that the collector and the syslog listener read lines with.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "events/event.hpp"

namespace decnet {

inline constexpr std::string_view kDecnetSdId = "decnet@55555";
inline constexpr int kLocal0Facility = 16;
inline constexpr std::size_t kMaxHostnameLength = 255;
inline constexpr std::size_t kMaxAppNameLength = 48;
inline constexpr std::size_t kMaxProcIdLength = 128;
inline constexpr std::size_t kMaxMsgIdLength = 32;
inline constexpr std::size_t kMaxSyslogLine = 64 * 1024;  // bytes, newline excluded
inline constexpr std::size_t kMaxSdParams = 256;          // over all SD elements

// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID SD[ MSG]`, no trailing newline.
// The line is always one line of valid UTF-8; see rfc5424.cpp for the value encoding
// (the reference's three escapes plus \n \r \t \xHH for control and non-UTF-8 bytes).
std::string format_rfc5424(const Event& event);
// Appends to `out`, so a sink can reuse one buffer for every line.
void append_rfc5424(std::string& out, const Event& event);
// The same line plus, for a traced event, a `traceparent` param at the end of the
// decnet@55555 element, so the receiving `decnet collect` continues the trace. Used by
// the forwarder; the local log file keeps the reference's format.
void append_rfc5424_traced(std::string& out, const Event& event);
inline constexpr std::string_view kTraceparentParam = "traceparent";

// Why a line was not accepted. Keep `count` last: it sizes ParserStats.
enum class SyslogReject : std::uint8_t {
    empty,            // nothing but an optional line terminator
    too_long,         // more than kMaxSyslogLine bytes
    no_pri,           // does not start with <digits> — not a syslog line at all
    bad_pri,          // <>, more than 3 digits, or above 191
    bad_version,      // RFC 5424 version other than 1
    bad_header,       // a header field missing, too long, not printable ASCII, or
                      // separated by anything but exactly one space
    missing_sd,       // the line ends right after MSGID
    bad_sd,           // malformed STRUCTURED-DATA
    too_many_params,  // more than kMaxSdParams SD params
    count
};
std::string_view to_string(SyslogReject reason);

enum class SyslogDialect : std::uint8_t { rfc5424, rfc3164 };

struct ParsedSyslog {
    SyslogDialect dialect = SyslogDialect::rfc5424;
    int pri = 0;
    std::string timestamp_raw;  // TIMESTAMP as written
    std::string hostname;       // decky
    std::string app;            // service
    std::string procid;         // "-" for DECNET's own lines
    std::string msgid;          // event type
    Fields fields;              // params of [decnet@55555 …], in line order; a repeated
                                // name keeps its first position and its last value
    std::string msg;

    // The collector's view (engine.md §7.4).
    std::string timestamp;    // "YYYY-MM-DD HH:MM:SS" (wall clock as written) or raw
    std::string attacker_ip;  // first of src_ip, src, client_ip, … ip; else "Unknown"

    int severity() const { return pri % 8; }
    int facility() const { return pri / 8; }
    const std::string* find(std::string_view name) const;
};

// Either a parsed line or the reason it was rejected.
class SyslogParseResult {
  public:
    SyslogParseResult(ParsedSyslog parsed) : value_(std::move(parsed)) {}
    SyslogParseResult(SyslogReject reason) : value_(reason) {}

    bool ok() const { return std::holds_alternative<ParsedSyslog>(value_); }
    explicit operator bool() const { return ok(); }
    const ParsedSyslog& value() const& { return std::get<ParsedSyslog>(value_); }
    ParsedSyslog&& value() && { return std::get<ParsedSyslog>(std::move(value_)); }
    const ParsedSyslog* operator->() const { return &value(); }
    SyslogReject error() const { return std::get<SyslogReject>(value_); }

  private:
    std::variant<ParsedSyslog, SyslogReject> value_;
};

// Counters shared by every thread that parses (exposed later on /metrics and /health).
struct ParserStats {
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> rfc3164{0};        // accepted through the best-effort path
    std::atomic<std::uint64_t> utf8_repaired{0};  // lines that needed U+FFFD substitution
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(SyslogReject::count)>
        rejected{};

    std::uint64_t rejected_for(SyslogReject reason) const {
        return rejected[static_cast<std::size_t>(reason)].load(std::memory_order_relaxed);
    }
    std::uint64_t rejected_total() const;
};

// Never throws on any input (std::bad_alloc aside). One trailing "\n" or "\r\n" is
// ignored; nothing else is stripped. Invalid UTF-8 is replaced by U+FFFD before parsing,
// as the reference collector decoded its input. Lines that start with a PRI but are not
// RFC 5424 are read as RFC 3164 (`<PRI>Mmm dd hh:mm:ss host tag[pid]: msg`), best effort.
SyslogParseResult parse_rfc5424(std::string_view line);
SyslogParseResult parse_rfc5424(std::string_view line, ParserStats& stats);

// TIMESTAMP → "YYYY-MM-DD HH:MM:SS" using the wall-clock fields as written (Python 3.11
// datetime.fromisoformat rules: Z or offsets, fractions, date only, basic format, week
// dates); anything unparseable is returned as is (engine.md §7.4).
std::string normalize_timestamp(std::string_view timestamp);

}  // namespace decnet
