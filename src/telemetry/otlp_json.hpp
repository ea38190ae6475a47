// OTLP/JSON encoding of a batch of ended spans (ExportTraceServiceRequest as the OTLP
// JSON mapping defines it: lower-case hex ids, 64-bit integers as strings, enums as
// numbers, camelCase field names).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/span_record.hpp"

namespace decnet::telemetry::detail {

// One request body. Spans are grouped into one scope per component, named
// "decnet.<first part of the span name>" like the reference's tracers (`db.add_logs` →
// scope `decnet.db`). Strings that are not valid UTF-8 (attacker input) get U+FFFD in
// place of the bad bytes, so a collector never rejects the whole batch for one span.
std::string encode_otlp_json(std::span<const Attribute> resource, std::string_view scope_version,
                             std::span<const SpanRecord* const> spans);

// JSON string literal with UTF-8 repair, appended to out (exposed for tests).
void append_json_string(std::string& out, std::string_view text);

}  // namespace decnet::telemetry::detail
