// From what the pipeline carries (Event, a parsed syslog line, a reference JSON-lines
// record) to the row the store keeps (LogRecord), with the reference's field rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "events/event.hpp"
#include "store/repository.hpp"

namespace decnet {
struct ParsedSyslog;
}

namespace decnet::store {

// "YYYY-MM-DD HH:MM:SS.ffffff" (always six fraction digits, UTC).
std::string storage_timestamp(EventTime time);

// The attacker's address: first present of src_ip, src, client_ip, remote_ip,
// remote_addr, target_ip, ip; else the event's own src_ip; else "Unknown".
std::string attacker_ip_of(const Fields& fields, std::string_view fallback = {});

// Compact JSON object text of the fields (order kept, a repeated name keeps its first
// position and last value, invalid UTF-8 replaced).
std::string fields_json(const Fields& fields);

LogRecord to_log_record(const Event& event);
// `raw_line` is the line as received.
LogRecord to_log_record(const ParsedSyslog& parsed, std::string_view raw_line);

// The trace context a stored row points to (its trace_id/span_id columns), or an invalid
// one. The store keeps no flags, so the result says "not sampled"; it is meant for links.
TraceContext trace_context_of(const LogRecord& row);

// One line of the reference collector's .json file (api.md §5.3/§5.4). Returns the
// reason in `error` and nullopt when the record cannot be stored (fixes QUIRK Q2: such
// lines are dead-lettered instead of stalling ingestion).
std::optional<LogRecord> json_line_to_log_record(std::string_view line, std::string& error);

}  // namespace decnet::store
