// Conversions to LogRecord: Event, parsed syslog lines, and reference JSON-lines records.
#include "store/ingest/log_record.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "events/rfc5424.hpp"

namespace decnet::store {
namespace {

using json = nlohmann::ordered_json;

constexpr std::array<std::string_view, 7> kAttackerIpKeys = {
    "src_ip", "src", "client_ip", "remote_ip", "remote_addr", "target_ip", "ip"};

std::string dump_compact(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool read_int(std::string_view text, std::size_t pos, std::size_t len, int& out) {
    if (pos + len > text.size()) return false;
    for (std::size_t i = pos; i < pos + len; ++i)
        if (text[i] < '0' || text[i] > '9') return false;
    std::from_chars(text.data() + pos, text.data() + pos + len, out);
    return true;
}

// ISO 8601 "YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|±HH:MM]" or a date alone → UTC time.
// An explicit offset is applied (the reference dropped it; storing UTC keeps events from
// sensors in other time zones comparable).
std::optional<EventTime> parse_iso_utc(std::string_view s) {
    using namespace std::chrono;
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (!read_int(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !read_int(s, 5, 2, mo) ||
        s[7] != '-' || !read_int(s, 8, 2, d))
        return std::nullopt;
    std::size_t pos = 10;
    long micros = 0;
    int offset_minutes = 0;
    if (pos < s.size()) {
        if ((s[pos] != 'T' && s[pos] != ' ') || !read_int(s, pos + 1, 2, h) || s.size() < pos + 9 ||
            s[pos + 3] != ':' || !read_int(s, pos + 4, 2, mi) || s[pos + 6] != ':' ||
            !read_int(s, pos + 7, 2, se))
            return std::nullopt;
        pos += 9;
        if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
            std::size_t digits = 0;
            ++pos;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                if (digits < 6) micros = micros * 10 + (s[pos] - '0');
                ++digits;
                ++pos;
            }
            if (digits == 0) return std::nullopt;
            for (; digits < 6; ++digits) micros *= 10;
        }
        if (pos < s.size()) {
            if (s[pos] == 'Z' && pos + 1 == s.size()) {
                pos = s.size();
            } else if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 &&
                       s[pos + 3] == ':') {
                int oh, om;
                if (!read_int(s, pos + 1, 2, oh) || !read_int(s, pos + 4, 2, om))
                    return std::nullopt;
                offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
                pos = s.size();
            } else {
                return std::nullopt;
            }
        }
    }
    const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                              day{static_cast<unsigned>(d)}};
    if (!date.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
    return EventTime{sys_days{date}} + hours{h} + minutes{mi} + seconds{se} + microseconds{micros} -
           minutes{offset_minutes};
}

std::string string_or_dump(const json& value) {
    return value.is_string() ? value.get<std::string>() : dump_compact(value);
}

}  // namespace

std::string storage_timestamp(EventTime time) {
    using namespace std::chrono;
    const auto day_point = floor<days>(time);
    const year_month_day date{day_point};
    const hh_mm_ss<microseconds> clock{time - day_point};
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02ld:%02ld:%02ld.%06ld",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<long>(clock.hours().count()),
                  static_cast<long>(clock.minutes().count()),
                  static_cast<long>(clock.seconds().count()),
                  static_cast<long>(clock.subseconds().count()));
    return buffer;
}

std::string attacker_ip_of(const Fields& fields, std::string_view fallback) {
    for (const auto key : kAttackerIpKeys)
        for (const auto& [name, value] : fields)
            if (name == key) return value;
    return fallback.empty() ? std::string("Unknown") : std::string(fallback);
}

// The common case written directly: printable-ASCII names and values, no repeated
// name. Anything else (escapes beyond \" and \\, UTF-8 to validate, a repeated name
// that must overwrite in place) takes nlohmann below; both give the same bytes.
static bool fields_json_fast(const Fields& fields, std::string& out) {
    std::size_t size = 2;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto& [name, value] = fields[i];
        for (const std::string* text : {&name, &value})
            for (const char ch : *text)
                if (ch < 0x20 || ch > 0x7e) return false;
        for (std::size_t j = 0; j < i; ++j)
            if (fields[j].first == name) return false;
        size += name.size() + value.size() + 6;
    }
    out.reserve(size + 8);
    out += '{';
    const auto append = [&out](const std::string& text) {
        out += '"';
        for (const char ch : text) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    };
    for (const auto& [name, value] : fields) {
        if (out.size() > 1) out += ',';
        append(name);
        out += ':';
        append(value);
    }
    out += '}';
    return true;
}

std::string fields_json(const Fields& fields) {
    if (std::string out; fields_json_fast(fields, out)) return out;
    json object = json::object();
    for (const auto& [name, value] : fields) object[name] = value;
    return dump_compact(object);
}

LogRecord to_log_record(const Event& event) {
    LogRecord row;
    row.timestamp = storage_timestamp(event.time);
    row.decky = event.decky;
    row.service = event.service;
    row.event_type = event.event_type;
    row.attacker_ip = attacker_ip_of(event.fields, event.src_ip);
    row.raw_line = format_rfc5424(event);
    row.fields = fields_json(event.fields);
    row.msg = event.msg;
    if (event.trace.valid()) {
        row.trace_id = event.trace.trace_id_hex();
        row.span_id = event.trace.span_id_hex();
    }
    return row;
}

LogRecord to_log_record(const ParsedSyslog& parsed, std::string_view raw_line) {
    LogRecord row;
    const auto time = parse_iso_utc(parsed.timestamp_raw);
    row.timestamp = storage_timestamp(time ? *time : event_now());
    row.decky = parsed.hostname;
    row.service = parsed.app;
    row.event_type = parsed.msgid;
    row.attacker_ip = parsed.attacker_ip;
    row.raw_line = std::string(raw_line);
    row.msg = parsed.msg;
    // A forwarder's traceparent param (append_rfc5424_traced) is trace context, not an
    // event field: it goes to the trace columns, like the reference stripped `_trace`.
    const auto* tp = parsed.find(kTraceparentParam);
    const auto ctx = tp ? TraceContext::from_traceparent(*tp) : std::nullopt;
    if (ctx) {
        row.trace_id = ctx->trace_id_hex();
        row.span_id = ctx->span_id_hex();
        Fields fields;
        for (const auto& field : parsed.fields)
            if (field.first != kTraceparentParam) fields.push_back(field);
        row.fields = fields_json(fields);
    } else {
        row.fields = fields_json(parsed.fields);
    }
    return row;
}

TraceContext trace_context_of(const LogRecord& row) {
    TraceContext context;
    if (!row.trace_id || !row.span_id ||
        !telemetry::parse_lower_hex(*row.trace_id, context.trace_id.data(),
                                    context.trace_id.size()) ||
        !telemetry::parse_lower_hex(*row.span_id, context.span_id.data(), context.span_id.size()))
        return {};
    return context;
}

std::optional<LogRecord> json_line_to_log_record(std::string_view line, std::string& error) {
    const json record = json::parse(line, nullptr, false);
    if (record.is_discarded()) {
        error = "invalid JSON";
        return std::nullopt;
    }
    if (!record.is_object()) {
        error = "record is not a JSON object";
        return std::nullopt;
    }
    LogRecord row;
    for (const char* key : {"decky", "service", "event_type", "attacker_ip", "raw_line"}) {
        const auto it = record.find(key);
        if (it == record.end() || !it->is_string()) {
            error = std::string("missing or non-string '") + key + "'";
            return std::nullopt;
        }
    }
    row.decky = record["decky"].get<std::string>();
    row.service = record["service"].get<std::string>();
    row.event_type = record["event_type"].get<std::string>();
    row.attacker_ip = record["attacker_ip"].get<std::string>();
    row.raw_line = record["raw_line"].get<std::string>();
    const auto fields = record.find("fields");
    if (fields == record.end() || !(fields->is_object() || fields->is_string())) {
        error = "missing 'fields' object";
        return std::nullopt;
    }
    row.fields = string_or_dump(*fields);
    if (const auto ts = record.find("timestamp"); ts != record.end() && !ts->is_null()) {
        const auto time = ts->is_string() ? parse_iso_utc(ts->get<std::string>()) : std::nullopt;
        if (!time) {
            error = "unparseable timestamp";
            return std::nullopt;
        }
        row.timestamp = storage_timestamp(*time);
    } else {
        row.timestamp = storage_timestamp(event_now());
    }
    for (auto [key, target] : {std::pair{"msg", &row.msg}, std::pair{"trace_id", &row.trace_id},
                               std::pair{"span_id", &row.span_id}})
        if (const auto it = record.find(key); it != record.end() && !it->is_null())
            *target = string_or_dump(*it);
    // The reference's carrier (api.md §5.3): `_trace: {"traceparent": …}` fills the trace
    // columns when the record has none of its own.
    if (!row.trace_id)
        if (const auto carrier = record.find("_trace");
            carrier != record.end() && carrier->is_object())
            if (const auto tp = carrier->find("traceparent");
                tp != carrier->end() && tp->is_string())
                if (const auto ctx = TraceContext::from_traceparent(tp->get<std::string>())) {
                    row.trace_id = ctx->trace_id_hex();
                    row.span_id = ctx->span_id_hex();
                }
    return row;
}

}  // namespace decnet::store
